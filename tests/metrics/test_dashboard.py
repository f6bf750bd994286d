"""The operators' metrics dashboard: who may see it, the period form, the htmx region and
the CSV exports, on a tiny venue computed by hand.

Venue 五福茶馆: one room open Monday-Friday 09:30-11:00, no scene. Period 11-02 (Monday)
to 11-15 (Sunday), two weeks: 10 open days x 1.5 h = 15 open room-hours. Visitor 1 comes
on 11-03 and 11-05, visitor 2 on 11-04: 3 visits, 2 unique visitors, repeat rate 1/2.
Heat map (1 room x 2 Mondays x 3600 s a cell): Monday 9 h 50%, 10 h 100%, 11 h 0%.
"""

import csv
import datetime as dt
import io
import uuid

import pytest
import time_machine
from django.test import Client

from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory, weekly_hours
from tests.metrics.helpers import at, d, visit

pytestmark = pytest.mark.django_db

PERIOD = "from=2026-11-02&to=2026-11-15&by=week"
V1, V2 = uuid.uuid4(), uuid.uuid4()


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(at(12, 1, 10), tick=False):  # Tuesday 2026-12-01
        yield


@pytest.fixture
def venue(venue):
    RoomFactory(venue=venue)
    weekly_hours(venue, opens=dt.time(9, 30), closes=dt.time(11), days=range(5))
    for visitor, day in ((V1, d(11, 3)), (V1, d(11, 5)), (V2, d(11, 4))):
        visit(venue, visitor, day)
    return venue


@pytest.fixture
def other_venue(db):
    venue = VenueFactory(name="别处空间")
    RoomFactory(venue=venue)
    return venue


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_operator_client(other_venue):
    user = UserFactory(username="other-operator", is_staff=True)
    VenueRoleFactory(user=user, venue=other_venue, role="operator")
    return _client(user)


@pytest.fixture
def admin_client_(db):
    return _client(UserFactory(username="admin", is_staff=True, is_superuser=True))


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- who may see it ---------------------------------------------------------------------


def test_anonymous_people_are_sent_to_staff_sign_in(anonymous, venue):
    for url in ("/operate/metrics/", f"/operate/venues/{venue.pk}/metrics/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/staff/sign-in/")
    assert anonymous.get("/operate/metrics/csv/figures/").status_code == 302


def test_residents_are_refused(owner_client, venue):
    assert owner_client.get("/operate/metrics/").status_code == 403
    assert owner_client.get(f"/operate/venues/{venue.pk}/metrics/").status_code == 403
    assert owner_client.get(f"/operate/metrics/csv/figures/?{PERIOD}").status_code == 403


def test_staff_without_a_venue_are_refused(db):
    client = _client(UserFactory(username="nobody", is_staff=True))
    assert client.get("/operate/metrics/").status_code == 403


def test_an_operator_sees_only_their_venues(operator_client, venue, other_venue):
    html = operator_client.get(f"/operate/metrics/?{PERIOD}").content.decode()
    assert f'<option value="{venue.pk}">五福茶馆</option>' in html
    assert "别处空间" not in html
    # Another's venue is not a choice: the form says so and nothing is computed.
    response = operator_client.get(f"/operate/metrics/?{PERIOD}&venue={other_venue.pk}")
    assert response.status_code == 200
    assert "场馆的选项已不存在" in response.content.decode()
    assert 'id="figures-title"' not in response.content.decode()
    assert operator_client.get(f"/operate/venues/{other_venue.pk}/metrics/").status_code == 403
    assert operator_client.get("/operate/venues/987654321/metrics/").status_code == 404
    csv_url = f"/operate/metrics/csv/venues/?{PERIOD}&venue={other_venue.pk}"
    assert operator_client.get(csv_url).status_code == 422


def test_an_administrator_compares_every_venue(admin_client_, venue, other_venue):
    html = admin_client_.get(f"/operate/metrics/?{PERIOD}").content.decode()
    assert 'id="venues-title"' in html
    assert "五福茶馆" in html and "别处空间" in html
    rows = _csv(admin_client_.get(f"/operate/metrics/csv/venues/?{PERIOD}"))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["五福茶馆"][1:3] == ["15", "0%"]
    assert by_name["别处空间"][1:3] == ["0", "—"]  # never open: no share of nothing


def test_the_venue_page_is_a_tab_of_the_operator_pages(operator_client, venue):
    response = operator_client.get(f"/operate/venues/{venue.pk}/metrics/?{PERIOD}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/operate/venues/{venue.pk}/metrics/" aria-current="page"' in html
    assert 'name="venue"' not in html  # the venue is the page's
    assert "15 小时" in html
    tab = operator_client.get(f"/operate/venues/{venue.pk}/").content.decode()
    assert f'href="/operate/venues/{venue.pk}/metrics/"' in tab


# --- the period form ----------------------------------------------------------------------


def test_the_default_period_is_the_last_twelve_whole_weeks(operator_client, venue):
    html = operator_client.get(f"/operate/metrics/?venue={venue.pk}").content.decode()
    assert 'name="from" value="2026-09-07"' in html
    assert 'name="to" value="2026-11-29"' in html
    assert 'id="figures-title"' in html


@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ("from=2026-11-10&to=2026-11-01", "结束日期不能早于开始日期。", 'value="2026-11-01"'),
        ("from=2025-01-01&to=2026-01-02", "时间段最长 366 天，请缩短。", 'value="2025-01-01"'),
        (
            "from=2026-02-30&to=2026-03-10",
            "请按 2026-10-01 的格式填写开始日期。",
            'value="2026-02-30"',
        ),
        ("from=2026-11-01&to=2026-11-10&by=year", "趋势按的选项已不存在", 'value="2026-11-10"'),
    ],
)
def test_a_bad_period_is_shown_next_to_the_field_with_the_input_kept(
    operator_client, venue, query, message, kept
):
    response = operator_client.get(f"/operate/metrics/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert kept in html
    assert 'id="figures-title"' not in html  # nothing computed
    csv_response = operator_client.get(f"/operate/metrics/csv/figures/?{query}")
    assert csv_response.status_code == 422
    assert '<meta name="viewport"' in csv_response.content.decode()  # the site's error page
    assert message in csv_response.content.decode()


def test_a_full_year_is_accepted(operator_client, venue):
    response = operator_client.get(
        f"/operate/metrics/?from=2025-01-01&to=2025-12-31&venue={venue.pk}"
    )
    assert 'id="figures-title"' in response.content.decode()


def test_htmx_gets_the_region(operator_client, venue):
    response = operator_client.get(
        f"/operate/metrics/?{PERIOD}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="metrics-region"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="metrics-region"')
    assert "<html" not in html
    assert "15 小时" in html


# --- the CSV exports ----------------------------------------------------------------------


def _get_csv(client, name, query=PERIOD):
    response = client.get(f"/operate/metrics/csv/{name}/?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="linli-{name}-2026-11-02-2026-11-15.csv"'
    )
    return _csv(response)


def test_csv_figures(operator_client, venue):
    rows = _get_csv(operator_client, "figures")
    assert rows[0] == ["指标", "数值", "说明"]
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["开放时长"] == "15 小时"
    assert values["到访人次"] == "3"
    assert values["到访居民"] == "2"
    assert values["回头客比例"] == "50%"
    assert values["到场率"] == "—"  # no booking: no denominator


def test_csv_venues(operator_client, venue):
    rows = _get_csv(operator_client, "venues")
    assert rows[0][:3] == ["场馆", "开放时长（小时）", "公益时段占比"]
    assert rows[1] == ["五福茶馆", "15", "0%", "0%", "0%", "—", "3", "2", "50%", "—"]


def test_csv_heat(operator_client, venue):
    rows = _get_csv(operator_client, "heat")
    assert rows[0] == ["", *map(str, range(24))]
    monday = rows[1]
    assert monday[0] == "周一"
    assert monday[1 + 9 : 1 + 12] == ["50%", "100%", "0%"]
    assert rows[6][1 + 10] == "0%"  # Saturday: closed


def test_csv_shares(operator_client, venue):
    rows = _get_csv(operator_client, "shares")
    assert rows[0] == ["", "公益", "商业", "未安排"]
    assert rows[1:] == [["11月2日", "0%", "0%", "100%"], ["11月9日", "0%", "0%", "100%"]]


def test_csv_utilisation(operator_client, venue):
    rows = _get_csv(operator_client, "utilisation")
    assert rows[0] == ["", "预约使用率"]
    assert rows[1:] == [["11月2日", "0%"], ["11月9日", "0%"]]


def test_csv_repeat(operator_client, venue):
    rows = _get_csv(operator_client, "repeat")
    assert rows[1:] == [["11月2日", "50%"], ["11月9日", "—"]]  # no visits in week 2


def test_csv_cohorts(operator_client, venue):
    rows = _get_csv(operator_client, "cohorts")
    assert rows == [["", "0"], ["2026-11 · 2人", "100%"]]


def test_csv_by_month(operator_client, venue):
    rows = _get_csv(operator_client, "repeat", "from=2026-11-02&to=2026-11-15&by=month")
    assert rows[1:] == [["11月", "50%"]]


def test_an_unknown_table_is_404(operator_client, venue):
    assert operator_client.get(f"/operate/metrics/csv/nothing/?{PERIOD}").status_code == 404


def test_the_totals_and_trends_are_the_selectors_figures(venue):
    from metrics.selectors import metrics_for, metrics_series
    from metrics.selectors.metrics import metrics_with_series

    whole, pieces = metrics_with_series(venues=[venue], start=d(11, 2), end=d(11, 16), by="week")
    assert whole == metrics_for(venues=[venue], start=d(11, 2), end=d(11, 16))
    full = metrics_series(venues=[venue], start=d(11, 2), end=d(11, 16), by="week")
    for piece, expected in zip(pieces, full, strict=True):
        assert piece == expected  # every figure, cohorts and returns included
        assert piece.scene_shares == expected.scene_shares
        assert (piece.utilisation, piece.repeat_visit_rate) == (
            expected.utilisation,
            expected.repeat_visit_rate,
        )
