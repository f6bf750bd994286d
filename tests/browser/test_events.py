"""A resident registers for an event from the venue page on a small phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from scenes.models import Event, EventRegistration
from scenes.services.registrations import event_register
from tests.factories import ResidentFactory, RoomFactory, VenueFactory

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")


def _in_days(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate(timezone=SH) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


def _event(room, title, *, capacity, days):
    starts_at = _in_days(days, 14, 30)
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=title,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
    )


def test_a_resident_registers_and_joins_a_waitlist_from_the_venue_page(signed_in_page, live_server):
    venue = VenueFactory(name="五福茶馆")
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    resident = ResidentFactory(phone="13800000001", display_name="张阿姨")
    tea = _event(room, "品茶议事", capacity=12, days=2)
    class_ = _event(room, "手工编织体验课", capacity=1, days=3)
    event_register(user=ResidentFactory(phone="13800000002"), event=class_)
    page = signed_in_page(resident)

    page.goto(f"{live_server.url}/venues/{venue.pk}/")

    panel = page.get_by_role("region", name="近期活动")
    tea_card = panel.locator(f"#event-{tea.pk}")
    assert "还剩 12 个名额（共 12 个）" in tea_card.inner_text()
    tea_card.get_by_role("button", name="报名").click()
    tea_card = panel.locator(f"#event-{tea.pk}")
    tea_card.get_by_text("报名成功。").wait_for()
    assert tea_card.get_by_text("已报名").is_visible()
    assert "还剩 11 个名额" in tea_card.inner_text()
    assert tea_card.get_by_role("button", name="取消报名").is_visible()

    full_card = panel.locator(f"#event-{class_.pk}")
    assert "名额已满" in full_card.inner_text()
    full_card.get_by_role("button", name="加入候补").click()
    full_card = panel.locator(f"#event-{class_.pk}")
    full_card.get_by_text("候补第 1 位").wait_for()

    assert page.url == f"{live_server.url}/venues/{venue.pk}/"  # swapped in place
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    statuses = dict(
        EventRegistration.objects.filter(resident=resident).values_list("event__title", "status")
    )
    assert statuses == {"品茶议事": "registered", "手工编织体验课": "waitlisted"}


def test_without_htmx_the_register_form_still_works(signed_in_page, live_server):
    venue = VenueFactory(name="五福茶馆")
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    resident = ResidentFactory(phone="13800000001")
    tea = _event(room, "品茶议事", capacity=12, days=2)
    page = signed_in_page(resident)
    # A weak network may never deliver the script: the plain form must do the job.
    page.route("**/static/django_htmx/**", lambda route: route.abort())

    page.goto(f"{live_server.url}/venues/{venue.pk}/")
    assert page.evaluate("typeof window.htmx") == "undefined"
    with page.expect_navigation():
        page.locator(f"#event-{tea.pk}").get_by_role("button", name="报名").click()

    assert page.url == f"{live_server.url}/venues/{venue.pk}/"
    assert page.locator(".messages").get_by_text("报名成功。").is_visible()
    assert EventRegistration.objects.get(event=tea).resident == resident
