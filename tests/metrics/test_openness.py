"""The public openness figures (信息公开): API, page and the venue page's link.

One room open 18:00-21:00 every day (3 h, all outside working time), a public scene
18:00-20:00, closed on public holidays. The period is the 13 whole weeks before Tuesday
2026-12-01's week: Monday 08-31 to Sunday 11-29. Hand-computed:
- holiday breaks 09-25..27 and 10-01..07 are closed: 91 - 10 = 81 open days = 243 h;
- 11-10 closed by an exception made 11-08 (late: 3 h late-closed), 11-20 by one made
  11-01 (on time): open 243 - 6 = 237 h; predictability 1 - 3 / (237 + 3) = 0.9875;
- weeks: 21 h, except 09-21 (Mon-Thu: 12), 09-28 (Mon-Wed: 9), 10-05 (Thu-Sun: 12),
  11-09 and 11-16 (one day closed: 18); 8 x 21 + 12 + 9 + 12 + 18 + 18 = 237.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from spaces.models import OpeningException
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours
from tests.metrics.helpers import at, d, rating

pytestmark = pytest.mark.django_db

NOW = at(12, 1, 10)
WEEKS = [21, 21, 21, 12, 9, 12, 21, 21, 21, 21, 18, 18, 21]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the figures are cached per venue and day
    yield
    cache.clear()


@pytest.fixture
def venue():
    venue = VenueFactory(is_published=True)
    RoomFactory(venue=venue)
    weekly_hours(venue, opens=dt.time(18), closes=dt.time(21))
    make_scene(venue, kind="public", starts=dt.time(18), ends=dt.time(20))
    for day, made in ((d(11, 10), at(11, 8, 9)), (d(11, 20), at(11, 1, 9))):
        with time_machine.travel(made, tick=False):
            OpeningException.objects.create(venue=venue, date=day, reason="社区选举投票点")
    return venue


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_figures_by_hand(client, venue, now):
    data = client.get(f"/api/venues/{venue.pk}/openness").json()
    assert data["from"] == "2026-08-31" and data["to"] == "2026-11-30"
    assert [w["open_room_hours"] for w in data["weeks"]] == WEEKS
    assert data["weeks"][0] == {"from": "2026-08-31", "to": "2026-09-07", "open_room_hours": 21}
    assert data["open_room_hours"] == 237
    assert data["public_share"] == pytest.approx(2 / 3)
    assert data["off_work_hours_share"] == 1.0
    assert data["predictability"] == pytest.approx(1 - 3 / 240)
    # No rating at all is also a count under 5 (as written: "any count under 5").
    assert data["satisfaction"] == {"mean": None, "share_4_5": None, "count": "<5"}


def test_fewer_than_five_ratings_are_not_published(client, venue, now):
    import uuid

    for score in (5, 5, 4, 1):
        rating(venue, uuid.uuid4(), d(11, 3), score)
    rating(venue, uuid.uuid4(), d(11, 30), 1)  # this week: not in the period
    data = client.get(f"/api/venues/{venue.pk}/openness").json()
    assert data["satisfaction"] == {"mean": None, "share_4_5": None, "count": "<5"}
    rating(venue, uuid.uuid4(), d(8, 31), 3)  # the first day of the period
    cache.clear()
    data = client.get(f"/api/venues/{venue.pk}/openness").json()
    # (5 + 5 + 4 + 1 + 3) / 5 = 3.6; two of five are 4 or 5... three: 5, 5, 4.
    assert data["satisfaction"] == {"mean": 3.6, "share_4_5": 0.6, "count": "5"}


def test_an_unpublished_missing_or_malformed_venue_is_not_found(client, venue, now):
    hidden = VenueFactory(is_published=False)
    for url in (f"/api/venues/{hidden.pk}/openness", "/api/venues/999999/openness"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "venue_not_found"
    assert client.get("/api/venues/abc/openness").status_code == 422
    assert client.get(f"/venues/{hidden.pk}/openness/").status_code == 404
    assert client.get("/venues/999999/openness/").status_code == 404


def test_the_page_says_it_in_plain_words_with_the_chart_and_its_table(client, venue, now):
    page = client.get(f"/venues/{venue.pk}/openness/").content.decode()
    assert "8月31日 至 11月29日，共 13 周" in page
    assert "237 小时" in page
    assert "67%" in page  # public share
    assert "99%" in page  # predictability 0.9875
    assert "评价少于 5 条，暂不公布分数。" in page
    assert 'role="img"' in page and "<table>" in page
    assert "13 周共开放 237 小时" in page


def test_the_venue_page_links_to_it(client, venue, now):
    page = client.get(f"/venues/{venue.pk}/").content.decode()
    assert f'href="/venues/{venue.pk}/openness/"' in page


def test_nothing_personal_is_in_the_answer(client, venue, now):
    import uuid

    for _ in range(6):
        rating(venue, uuid.uuid4(), d(11, 3), 5)
    body = client.get(f"/api/venues/{venue.pk}/openness").content.decode()
    assert "visitor" not in body and "resident" not in body and "phone" not in body
