"""The residents' events list: a weekly series listed once, filters by date, venue and kind
(malformed values ignored, never a 500), the series page, and a bounded number of queries.

(Split from test_event_views.py, which covers the other event and group pages.)
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scenes.models import Event, EventSeries
from scenes.services.registrations import event_register
from tests.factories import RoomFactory, VenueFactory, make_scene

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # a Wednesday
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "event-results"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_event(room, starts_at, *, title="品茶议事", series=None, **kw):
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=title,
        capacity=kw.pop("capacity", 12),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
        series=series,
        **kw,
    )


def make_series(room, first, *, weeks=8, title="品茶议事", **kw):
    series = EventSeries.objects.create(weeks=weeks)
    return [
        make_event(room, first + dt.timedelta(weeks=i), title=title, series=series, **kw)
        for i in range(weeks)
    ]


def cards(html: str) -> int:
    return html.count('class="card event-card')


@pytest.fixture
def programme(room):
    """8 x 品茶议事 on Tuesdays (from 10-06), 8 x 合唱排练 on Fridays, one 手工课 on Thursday
    10-01, and 亲子阅读 at another venue today."""
    public = make_scene(room.venue, kind="public")
    commercial = make_scene(
        room.venue, kind="commercial", name="棋牌", starts=dt.time(18), ends=dt.time(21)
    )
    tea = make_series(room, dt.datetime(2026, 10, 6, 14, 0, tzinfo=SH), scene=public)
    choir = make_series(
        room, dt.datetime(2026, 10, 2, 15, 0, tzinfo=SH), title="合唱排练", scene=public
    )
    craft = make_event(
        room, dt.datetime(2026, 10, 1, 19, 0, tzinfo=SH), title="手工课", scene=commercial
    )
    other = RoomFactory(venue=VenueFactory(name="驷马桥党群服务中心"), name="活动室")
    reading = make_event(other, dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH), title="亲子阅读")
    return {"tea": tea, "choir": choir, "craft": craft, "reading": reading, "other": other}


def test_a_weekly_series_is_listed_once_with_its_pattern_and_next_date(anonymous, programme):
    html = anonymous.get("/events/").content.decode()

    assert cards(html) == 4  # 亲子阅读, 手工课, 合唱排练 (series), 品茶议事 (series)
    assert html.count("品茶议事") == 1
    assert "每周二 14:00 · 8 次" in html
    assert (
        '下次：<time datetime="2026-10-06T14:00:00+08:00">10月6日 周二 14:00–15:30</time>' in html
    )
    assert "每周五 15:00 · 8 次" in html
    assert "10月13日" not in html  # later dates are on the series page
    series_id = programme["tea"][0].series_id
    assert f'href="/events/series/{series_id}/"' in html
    assert "查看全部 8 个日期，按场报名 ›" in html
    # Soonest first: each series sits where its next date falls.
    order = [html.index(t) for t in ("亲子阅读", "手工课", "合唱排练", "品茶议事")]
    assert order == sorted(order)
    # The register button is for the next date.
    assert f'action="/events/{programme["tea"][0].pk}/register/"' in html


def test_a_series_card_stays_a_series_card_after_register_and_unregister(owner_client, programme):
    first = programme["tea"][0]
    html = owner_client.get("/events/").content.decode()
    assert '<input type="hidden" name="as_series" value="1">' in html

    posted = {"next": "/events/", "as_series": "1"}
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": ""}
    for url, data in (
        (f"/events/{first.pk}/register/", posted),
        (f"/events/{first.pk}/unregister/", posted),  # the question, on the card
        (f"/events/{first.pk}/unregister/", {**posted, "confirm": "yes"}),
    ):
        card = owner_client.post(url, data, **htmx).content.decode()
        assert "每周二 14:00 · 8 次" in card, url
        assert "查看全部 8 个日期，按场报名 ›" in card, url
        assert '<input type="hidden" name="as_series" value="1">' in card, url


def test_a_series_with_one_date_left_is_a_plain_card(anonymous, room):
    [_gone, last] = make_series(room, dt.datetime(2026, 9, 23, 14, tzinfo=SH), weeks=2)

    html = anonymous.get("/events/").content.decode()

    assert cards(html) == 1
    assert "次" not in html.split("event-card", 1)[1].split("</article>")[0].replace("名额", "")
    assert f'href="/events/{last.pk}/"' in html


def test_the_series_page_lists_every_coming_date_with_its_own_button(
    owner_client, owner, programme
):
    tea = programme["tea"]
    event_register(user=owner, event=tea[2])

    response = owner_client.get(f"/events/series/{tea[0].series_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>品茶议事</h1>" in html
    assert "每周二 14:00 · 8 次" in html
    assert cards(html) == 8
    for event in tea:
        assert f'href="/events/{event.pk}/"' in html
    assert html.count('class="button primary event-register"') == 7
    assert html.count("取消报名") == 1


@pytest.mark.parametrize("series_id", ["999", "0"])
def test_an_unknown_series_is_a_404(anonymous, db, series_id):
    assert anonymous.get(f"/events/series/{series_id}/").status_code == 404


def test_a_series_whose_dates_are_all_past_is_a_404(anonymous, room):
    [event] = make_series(room, dt.datetime(2026, 9, 1, 14, tzinfo=SH), weeks=1)
    assert anonymous.get(f"/events/series/{event.series_id}/").status_code == 404


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("when=today", {"亲子阅读"}),
        ("when=tomorrow", {"手工课"}),
        # Wed 09-30 to Sun 10-04: this week's Friday choir, not next Tuesday's tea.
        ("when=week", {"亲子阅读", "手工课", "合唱排练"}),
        ("when=next-week", {"品茶议事", "合唱排练"}),
        ("date=2026-10-13", {"品茶议事"}),
        ("kind=public", {"品茶议事", "合唱排练"}),
        ("kind=commercial", {"手工课"}),
        ("when=next-week&kind=commercial", set()),
    ],
)
def test_filters_by_date_and_kind(anonymous, programme, query, titles):
    html = anonymous.get(f"/events/?{query}").content.decode()
    results = html.split('id="event-results"', 1)[1]
    shown = {t for t in ("亲子阅读", "手工课", "合唱排练", "品茶议事") if t in results}
    assert shown == titles
    assert cards(results) == len(titles)
    if not titles:
        assert "没有符合条件的活动，换个日期或场馆试试。" in results


def test_next_week_counts_only_that_weeks_dates(anonymous, programme):
    html = anonymous.get("/events/?when=next-week").content.decode()
    assert "每周二 14:00" not in html  # one date next week: a plain card
    assert "10月6日 周二 14:00–15:30" in html


def test_filter_by_venue(anonymous, programme):
    html = anonymous.get(f"/events/?venue={programme['other'].venue_id}").content.decode()
    results = html.split('id="event-results"', 1)[1]
    assert "亲子阅读" in results
    assert cards(results) == 1
    assert "找到 1 项活动" in results
    assert 'href="/events/">清除筛选' in results


def test_filter_by_group_organised(anonymous, programme):
    Event.objects.filter(title="合唱排练").update(
        organiser_group=_group(programme["choir"][0].venue)
    )
    html = anonymous.get("/events/?kind=group").content.decode()
    results = html.split('id="event-results"', 1)[1]
    assert cards(results) == 1
    assert "合唱排练" in results


def _group(venue):
    from scenes.services.groups import group_create
    from tests.factories import ResidentFactory

    return group_create(user=ResidentFactory(phone="13800000077"), name="五福合唱团")


@pytest.mark.parametrize(
    "query",
    [
        "venue=abc",
        "venue=-1",
        "venue=999999999999999999999999",
        "when=yesterday",
        "when=%00",
        "kind=closed",
        "kind=%E2%80%AE",
        "date=2026-13-45",
        "date=99999-01-01",
        "date=2026-10-1",
        "date=1900-01-01",
        "venue=1&venue=x&when=today&when=zzz",
    ],
)
def test_malformed_filters_are_ignored(anonymous, programme, query):
    response = anonymous.get(f"/events/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if "when=today" not in query:
        assert cards(html.split('id="event-results"', 1)[1]) == 4


def test_the_filter_form_is_a_real_get_form_with_htmx_on_top(anonymous, programme):
    html = anonymous.get("/events/?when=week&kind=public&date=2026-10-02").content.decode()
    assert 'method="get" action="/events/"' in html
    assert 'hx-target="#event-results"' in html
    assert '<option value="week" selected>' in html
    assert '<option value="public" selected>' in html
    # A date from a link shows as a box that can be unticked.
    assert 'name="date" value="2026-10-02" checked' in html
    assert "只看 10月2日 周五" in html


def test_htmx_filtering_returns_only_the_results(anonymous, programme):
    response = anonymous.get("/events/?when=today", headers=HTMX_RESULTS)
    html = response.content.decode()
    assert "<h1>" not in html and '<form method="get"' not in html
    assert cards(html) == 1
    assert {"hx-request", "hx-target"} <= {v.strip().lower() for v in response["Vary"].split(",")}


def test_the_list_takes_a_fixed_number_of_queries(
    owner_client, owner, room, django_assert_num_queries
):
    for week in range(3):
        make_series(room, dt.datetime(2026, 10, 6 + week, 9, tzinfo=SH), title=f"系列{week}")
    tea = make_series(room, dt.datetime(2026, 10, 5, 14, tzinfo=SH), capacity=1)
    for event in tea:
        event_register(user=owner, event=event)
    owner_client.get("/events/")  # session and translations warm

    # session, user, venues, events with counts, my registrations by event, my list.
    with django_assert_num_queries(6):
        response = owner_client.get("/events/")
    assert cards(response.content.decode()) == 4
