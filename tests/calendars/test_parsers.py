"""Every feed read by two independent parsers (icalendar, vobject), expanded over its
window with recurring-ical-events, and compared with what the app itself says: the scene
timeline, the events and the bookings."""

import datetime as dt

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.urls import reverse

from bookings.models import Status
from calendars.services import feed_token_issue
from scenes.models import GroupMembership
from scenes.resolution import SCENE, room_timeline
from spaces.models import OpeningException
from tests.calendars.conftest import SH, at, make_event, register
from tests.factories import make_booking

pytestmark = pytest.mark.django_db

WINDOW = (dt.datetime(2026, 10, 6, tzinfo=SH), dt.datetime(2027, 6, 1, tzinfo=SH))


@pytest.fixture
def world(frozen, scenes, venue, room, owner, other_resident, choir, operator):
    # A closed day (a holiday-like closure) the scene bands must skip.
    OpeningException.objects.create(venue=venue, date=dt.date(2026, 12, 10), reason="消防检查")
    GroupMembership.objects.create(group=choir, user=other_resident)
    events = [make_event(room, at(2 + n, 19), title=f"周{n}合唱") for n in range(5)]
    events.append(
        make_event(room, at(20, 14), title="取消的讲座", status="cancelled", cancelled_at=at(1, 7))
    )
    register(events[0], owner)
    bookings = [
        make_booking(room, at(3, 10), resident=owner, code="100001"),
        make_booking(room, at(3, 14), resident=owner, status=Status.PENDING, code="100002"),
        make_booking(room, at(4, 10), resident=owner, group=choir, code="100003"),
        make_booking(room, at(4, 14), resident=other_resident, code="100004"),
        make_booking(
            room,
            at(5, 10),
            resident=owner,
            status=Status.CANCELLED,
            cancelled_at=at(1, 7),
            code="100005",
        ),
    ]
    return {"events": events, "bookings": bookings}


def feeds(world, client, owner, other_resident, choir, venue, room):
    booking = world["bookings"][0]
    client.force_login(owner)
    return {
        "venue": reverse("calendars:venue-feed", args=[venue.pk]),
        "venue+scenes": reverse("calendars:venue-feed", args=[venue.pk]) + "?scenes=1",
        "room": reverse("calendars:room-feed", args=[room.pk]),
        "personal": reverse("calendars:personal-feed", args=[feed_token_issue(user=owner)]),
        "group": reverse(
            "calendars:group-feed", args=[feed_token_issue(user=other_resident, group=choir)]
        ),
        "booking": reverse("calendars:booking-file", args=[booking.public_id]),
        "event": reverse("calendars:event-file", args=[world["events"][0].pk]),
    }


def expand(body: bytes) -> list:
    cal = icalendar.Calendar.from_ical(body)
    return sorted(
        recurring_ical_events.of(cal).between(*WINDOW),
        key=lambda e: (e["DTSTART"].dt, str(e["UID"])),
    )


def test_every_feed_reads_the_same_in_both_parsers(
    world, client, owner, other_resident, choir, venue, room
):
    for name, url in feeds(world, client, owner, other_resident, choir, venue, room).items():
        body = client.get(url).content
        cal = icalendar.Calendar.from_ical(body)
        parsed = vobject.readOne(body.decode())
        ours = sorted(
            (str(e["UID"]), e["DTSTART"].dt, str(e["SUMMARY"])) for e in cal.walk("VEVENT")
        )
        theirs = sorted(
            (v.uid.value, v.dtstart.value, v.summary.value)
            for v in getattr(parsed, "vevent_list", [])
        )
        assert ours == theirs, name
        assert ours, name
        zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert {e["DTSTART"].params["TZID"] for e in cal.walk("VEVENT")} <= zones, name
        assert len({uid for uid, *_ in ours}) == len(ours), f"{name}: one UID per occurrence"
        for line in body.split(b"\r\n"):
            assert len(line) <= 75, name
            line.decode()


def _scene_bands(room):
    segments = room_timeline(room=room, start=WINDOW[0].date(), end=WINDOW[1].date())
    bands = []
    for seg in segments:
        if seg.state != SCENE:
            continue
        if bands and bands[-1][0] == seg.scene.pk and bands[-1][2] == seg.start:
            bands[-1] = (seg.scene.pk, bands[-1][1], seg.end)
        else:
            bands.append((seg.scene.pk, seg.start, seg.end))
    return bands


def test_the_expanded_scene_layer_is_the_timeline(world, client, venue, room):
    body = client.get(reverse("calendars:venue-feed", args=[venue.pk]) + "?scenes=1").content
    expanded = [e for e in expand(body) if str(e["UID"]).startswith("scene-")]
    got = [(int(str(e["UID"]).split("-")[1]), e["DTSTART"].dt, e["DTEND"].dt) for e in expanded]
    expected = _scene_bands(room)
    assert got == expected
    assert len(expected) > 300  # two bands a day for most of 34 weeks
    closed = [s for _pk, s, _e in got if s.astimezone(SH).date() == dt.date(2026, 12, 10)]
    assert closed == []


def test_the_expanded_events_are_the_venues_events(world, client, venue):
    body = client.get(reverse("calendars:venue-feed", args=[venue.pk])).content
    got = [(str(e["UID"]), e["DTSTART"].dt, str(e["STATUS"])) for e in expand(body)]
    expected = sorted(
        (
            f"event-{e.pk}@linli",
            e.starts_at,
            "CANCELLED" if e.status == "cancelled" else "CONFIRMED",
        )
        for e in world["events"]
    )
    assert sorted(got) == expected


def test_the_expanded_room_feed_is_its_bookings_and_events(world, client, room):
    body = client.get(reverse("calendars:room-feed", args=[room.pk])).content
    got = sorted((e["DTSTART"].dt, e["DTEND"].dt, str(e["STATUS"])) for e in expand(body))
    statuses = {"confirmed": "CONFIRMED", "pending": "TENTATIVE", "cancelled": "CANCELLED"}
    expected = sorted(
        [(b.starts_at, b.ends_at, statuses[b.status]) for b in world["bookings"]]
        + [
            (e.starts_at, e.ends_at, "CANCELLED" if e.status == "cancelled" else "CONFIRMED")
            for e in world["events"]
        ]
    )
    assert got == expected


def test_the_expanded_personal_feed_is_the_residents_bookings_and_registrations(
    world, client, owner
):
    body = client.get(
        reverse("calendars:personal-feed", args=[feed_token_issue(user=owner)])
    ).content
    got = sorted((e["DTSTART"].dt, str(e["STATUS"])) for e in expand(body))
    statuses = {"confirmed": "CONFIRMED", "pending": "TENTATIVE", "cancelled": "CANCELLED"}
    expected = sorted(
        [(b.starts_at, statuses[b.status]) for b in world["bookings"] if b.resident_id == owner.pk]
        + [(world["events"][0].starts_at, "CONFIRMED")]
    )
    assert got == expected


def test_editing_a_scene_raises_the_sequence_of_its_bands(world, client, venue, scenes, frozen):
    public, _commercial = scenes
    url = reverse("calendars:venue-feed", args=[venue.pk]) + "?scenes=1"
    uid = f"scene-{public.pk}-20261203T010000Z@linli"

    def band():
        return {str(e["UID"]): e for e in expand(client.get(url).content)}[uid]

    before = band()
    frozen.shift(dt.timedelta(minutes=3))
    public.name = "公益茶座"
    public.save()
    after = band()
    assert str(after["SUMMARY"]) == "公益茶座（公益时段）"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
