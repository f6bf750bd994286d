"""Every page whose URL carries an id answers a missing, a foreign and a malformed id with
the error page (404 or 403 in the site layout), never a 500 (issue 7).

``CASES`` names every id-bearing page URL; ``test_every_id_bearing_page_is_covered`` fails
when a new one is added without saying here who asks for it and what a foreign id is.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bookings.models import Booking, BookingSeries
from calendars.services import feed_token_issue
from scenes.models import Event, EventSeries, Group, GroupInvitation, GroupMembership
from scenes.services.group_invitations import group_invite, invite_phone_hash
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    make_booking,
    make_scene,
)

SH = ZoneInfo("Asia/Shanghai")
MISSING = 987654321
MALFORMED = ["abc", "-1", "1.5", "99999999999999999999"]


def id_bearing_page_urls() -> dict[str, list[str]]:
    """url name -> the names of its id arguments, for every page (not /api/, not admin)."""
    found: dict[str, list[str]] = {}

    def walk(patterns, prefix, namespace):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("api/", "admin/")):
                    continue
                ns = p.namespace or namespace
                walk(p.url_patterns, route, ns)
            elif isinstance(p, URLPattern) and p.pattern.converters:
                ids = [
                    k
                    for k, c in p.pattern.converters.items()
                    if type(c).__name__ != "PathConverter"
                ]
                if ids:
                    found[f"{namespace}:{p.name}" if namespace else p.name] = ids

    walk(get_resolver().url_patterns, "", None)
    return found


@dataclass
class World:
    venue: object
    room: object
    other_venue: object
    other_room: object
    hidden_venue: object
    hidden_room: object
    scene: object
    other_scene: object
    event: object
    other_event: object
    hidden_event: object
    group: object
    booking: object
    other_booking: object
    invitation: object
    other_invitation: object
    series: object  # the group's weekly booking series, with one booking
    series_booking: object
    clients: dict


@pytest.fixture
def world(db):
    venue = VenueFactory(name="五福茶馆")
    other_venue = VenueFactory(name="别处")
    hidden_venue = VenueFactory(name="未公开", is_published=False)
    room, other_room = RoomFactory(venue=venue), RoomFactory(venue=other_venue)
    hidden_room = RoomFactory(venue=hidden_venue)
    start = dt.datetime(2030, 10, 14, 14, 30, tzinfo=SH)

    def event(room):
        return Event.objects.create(
            venue=room.venue,
            room=room,
            title="品茶议事",
            capacity=5,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            series=EventSeries.objects.create(weeks=1),
        )

    operator = UserFactory(username="wufu-operator", is_staff=True, password="!")  # no hashing
    VenueRoleFactory(user=operator, venue=venue, role="operator")
    leader, stranger = ResidentFactory(), ResidentFactory()
    group = Group.objects.create(name="合唱团", created_by=leader)
    GroupMembership.objects.create(group=group, user=leader, role=GroupMembership.Role.LEADER)
    # The stranger is invited; the other invitation is for a number that is not theirs.
    group_invite(user=leader, group=group, phones=[stranger.phone, "13700000099"])
    invitation = GroupInvitation.objects.get(phone_hash=invite_phone_hash(stranger.phone))
    other_invitation = GroupInvitation.objects.exclude(pk=invitation.pk).get()
    series, series_booking = _series(group, room, leader, start + dt.timedelta(hours=4))
    clients = {"anonymous": Client()}
    for name, user in {"operator": operator, "leader": leader, "stranger": stranger}.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return World(
        venue=venue,
        room=room,
        other_venue=other_venue,
        other_room=other_room,
        hidden_venue=hidden_venue,
        hidden_room=hidden_room,
        scene=make_scene(venue),
        other_scene=make_scene(other_venue),
        event=event(room),
        other_event=event(other_room),
        hidden_event=event(hidden_room),
        group=group,
        booking=_booking(room, stranger, start),
        other_booking=_booking(room, leader, start + dt.timedelta(hours=2)),
        invitation=invitation,
        other_invitation=other_invitation,
        series=series,
        series_booking=series_booking,
        clients=clients,
    )


def _series(group, room, leader, start):
    series = BookingSeries.objects.create(
        venue=room.venue,
        room=room,
        group=group,
        organiser=leader,
        weekdays=1 << start.weekday(),
        start_time=start.time(),
        end_time=(start + dt.timedelta(hours=1)).time(),
        first_date=start.date(),
        last_date=start.date(),
        people=5,
        purpose="合唱排练",
    )
    booking = make_booking(
        room, start, resident=leader, group=group, series=series, people=5, purpose="合唱排练"
    )
    return series, booking


def _booking(room, resident, start):
    return make_booking(
        room,
        start,
        resident=resident,
        purpose="下棋",
        code=f"{resident.pk:06d}",
        cancel_deadline=start - dt.timedelta(hours=2),
    )


def _own_booking(method="get"):
    """A resident's booking page: another resident's booking is 404, as if missing."""
    return {
        "client": "stranger",
        "method": method,
        "ok": lambda w: {"public_id": w.booking.public_id},
        "missing": lambda w: {"public_id": "no-such-booking-id"},
        "foreign": lambda w: ({"public_id": w.other_booking.public_id}, 404),
    }


def _operator_venue(method="get"):
    """An operator page of one venue: another venue's is 403."""
    return {
        "client": "operator",
        "method": method,
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.other_venue.pk}, 403),
    }


def _booking_in(room):
    """One booking in ``room`` (made once per test): what a booking's QR code opens."""

    found = Booking.objects.filter(room=room).first()
    if found:
        return found
    return make_booking(room, dt.datetime(2030, 10, 14, 10, tzinfo=SH))


def _leader(w):
    return w.group.memberships.get(role=GroupMembership.Role.LEADER).user


def _rotated(user, group=None) -> str:
    """A token that was live until its feed's URL was renewed."""
    old = feed_token_issue(user=user, group=group)
    feed_token_issue(user=user, group=group)
    return old


NO_TOKEN = "A" * 43  # well formed, never issued


# url name -> who asks, the kwargs of a good URL, of a missing id and of a foreign one.
CASES = {
    # Calendar feeds are read without a session; a feed that is not there, not published
    # or behind a renewed token is the plain 404.
    "calendars:venue-feed": {
        "client": "anonymous",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "calendars:venue": {
        "client": "anonymous",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "calendars:room-feed": {
        "client": "anonymous",
        "ok": lambda w: {"room_id": w.room.pk},
        "missing": lambda w: {"room_id": MISSING},
        "foreign": lambda w: ({"room_id": w.hidden_room.pk}, 404),
    },
    "calendars:room": {
        "client": "anonymous",
        "ok": lambda w: {"room_id": w.room.pk},
        "missing": lambda w: {"room_id": MISSING},
        "foreign": lambda w: ({"room_id": w.hidden_room.pk}, 404),
    },
    "calendars:event-file": {
        "client": "anonymous",
        "ok": lambda w: {"event_id": w.event.pk},
        "missing": lambda w: {"event_id": MISSING},
        "foreign": lambda w: ({"event_id": w.hidden_event.pk}, 404),
    },
    "calendars:booking-file": {
        # Its resident only: another resident's booking, or the venue's operator, 404.
        **_own_booking(),
        "foreign": lambda w: ({"public_id": w.booking.public_id}, 404, "operator"),
    },
    "calendars:personal-feed": {
        "client": "anonymous",
        "ok": lambda w: {"token": feed_token_issue(user=w.booking.resident)},
        "missing": lambda w: {"token": NO_TOKEN},
        "foreign": lambda w: ({"token": _rotated(w.booking.resident)}, 404),
    },
    "calendars:group-feed": {
        "client": "anonymous",
        "ok": lambda w: {"token": feed_token_issue(user=_leader(w), group=w.group)},
        "missing": lambda w: {"token": NO_TOKEN},
        # A personal token does not open a group's feed, nor a renewed one.
        "foreign": lambda w: ({"token": feed_token_issue(user=_leader(w))}, 404),
    },
    "bookings:book": {
        "client": "anonymous",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "bookings:book_confirm": {
        "client": "stranger",
        "ok": lambda w: {"room_id": w.room.pk},
        "ok_status": 302,  # no start chosen: back to the grid
        "missing": lambda w: {"room_id": MISSING},
        "foreign": lambda w: ({"room_id": w.hidden_room.pk}, 404),
    },
    "bookings:booking_detail": _own_booking(),
    "bookings:booking_cancel": _own_booking("post"),  # answers with the question
    "bookings:booking_rate": _own_booking("post"),  # no score: the form says so
    "spaces:venue-detail": {
        "client": "anonymous",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        # Not published yet: residents must not see it exists.
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "metrics:openness": {
        "client": "anonymous",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "metrics:venue-dashboard": _operator_venue(),
    "metrics:csv": {
        # Not an id but a table's name: an unknown one is 404; residents get 403.
        "client": "operator",
        "ok": lambda w: {"name": "figures"},
        "missing": lambda w: {"name": "nothing"},
        "foreign": lambda w: ({"name": "figures"}, 403, "stranger"),
    },
    "spaces:operate-venue": _operator_venue(),
    "spaces:operate-rooms": _operator_venue(),
    "spaces:operate-hours": _operator_venue(),
    "spaces:operate-exceptions": _operator_venue(),
    "spaces:operate-photos": _operator_venue(),
    "spaces:operate-room": {
        "client": "operator",
        "ok": lambda w: {"room_id": w.room.pk},
        "missing": lambda w: {"room_id": MISSING},
        "foreign": lambda w: ({"room_id": w.other_room.pk}, 403),
    },
    "bookings:desk": _operator_venue(),
    "bookings:desk-poster": _operator_venue(),
    "bookings:ledger": _operator_venue(),
    "bookings:ledger-template": _operator_venue(),
    "bookings:desk_booking": {
        "client": "operator",
        "ok": lambda w: {"public_id": _booking_in(w.room).public_id},
        "missing": lambda w: {"public_id": "no-such-booking"},
        # Another venue's booking: not found, never "not yours" (its QR tells nothing).
        "foreign": lambda w: ({"public_id": _booking_in(w.other_room).public_id}, 404),
    },
    "bookings:venue_checkin": {
        "client": "stranger",
        "ok": lambda w: {"venue_id": w.venue.pk},
        "missing": lambda w: {"venue_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.hidden_venue.pk}, 404),
    },
    "scenes:planner": _operator_venue(),
    "scenes:operate-events": _operator_venue(),
    "scenes:operate-groups": _operator_venue(),
    "scenes:planner-scene": {
        "client": "operator",
        "ok": lambda w: {"venue_id": w.venue.pk, "scene_id": w.scene.pk},
        "ok_status": 302,  # GET opens the planner with the scene's form
        "missing": lambda w: {"venue_id": w.venue.pk, "scene_id": MISSING},
        # Another venue's scene under my venue's URL.
        "foreign": lambda w: ({"venue_id": w.venue.pk, "scene_id": w.other_scene.pk}, 404),
    },
    "scenes:operate-event": {
        "client": "operator",
        "ok": lambda w: {"venue_id": w.venue.pk, "event_id": w.event.pk},
        "missing": lambda w: {"venue_id": w.venue.pk, "event_id": MISSING},
        "foreign": lambda w: ({"venue_id": w.venue.pk, "event_id": w.other_event.pk}, 404),
    },
    "scenes:event-detail": {
        "client": "anonymous",
        "ok": lambda w: {"event_id": w.event.pk},
        "missing": lambda w: {"event_id": MISSING},
        "foreign": lambda w: ({"event_id": w.hidden_event.pk}, 404),
    },
    "scenes:event-series": {
        "client": "anonymous",
        "ok": lambda w: {"series_id": w.event.series_id},
        "missing": lambda w: {"series_id": MISSING},
        "foreign": lambda w: ({"series_id": w.hidden_event.series_id}, 404),
    },
    "scenes:event-register": {
        "client": "stranger",
        "method": "post",
        "ok": lambda w: {"event_id": w.event.pk},
        "ok_status": 302,
        "missing": lambda w: {"event_id": MISSING},
        "foreign": lambda w: ({"event_id": w.hidden_event.pk}, 404),
    },
    "scenes:event-unregister": {
        "client": "stranger",
        "method": "post",
        "ok": lambda w: {"event_id": w.event.pk},
        "ok_status": 302,
        "missing": lambda w: {"event_id": MISSING},
        "foreign": lambda w: ({"event_id": w.hidden_event.pk}, 404),
    },
    "scenes:group-detail": {
        "client": "leader",
        "ok": lambda w: {"group_id": w.group.pk},
        "missing": lambda w: {"group_id": MISSING},
        # Someone else's group: its members are personal data.
        "foreign": lambda w: ({"group_id": w.group.pk}, 403, "stranger"),
    },
    "scenes:group-invite": {
        "client": "leader",
        "method": "post",
        "ok": lambda w: {"group_id": w.group.pk},  # no numbers: the form says so
        "missing": lambda w: {"group_id": MISSING},
        "foreign": lambda w: ({"group_id": w.group.pk}, 403, "stranger"),
    },
    "scenes:group-invite-code": {
        "client": "leader",
        "method": "post",
        "ok": lambda w: {"group_id": w.group.pk},
        "ok_status": 302,
        "missing": lambda w: {"group_id": MISSING},
        "foreign": lambda w: ({"group_id": w.group.pk}, 403, "stranger"),
    },
    "scenes:invitation-accept": {
        "client": "stranger",
        "method": "post",
        "ok": lambda w: {"invitation_id": w.invitation.pk},
        "ok_status": 302,
        "missing": lambda w: {"invitation_id": MISSING},
        # An invitation to someone else's number: not found, never "not yours".
        "foreign": lambda w: ({"invitation_id": w.other_invitation.pk}, 404),
    },
    "scenes:invitation-decline": {
        "client": "stranger",
        "method": "post",
        "ok": lambda w: {"invitation_id": w.invitation.pk},
        "ok_status": 302,
        "missing": lambda w: {"invitation_id": MISSING},
        "foreign": lambda w: ({"invitation_id": w.other_invitation.pk}, 404),
    },
    "bookings:series-new": {
        "client": "leader",
        "ok": lambda w: {"group_id": w.group.pk},
        "missing": lambda w: {"group_id": MISSING},
        "foreign": lambda w: ({"group_id": w.group.pk}, 403, "stranger"),
    },
    # A series is seen by its organiser, its group's leaders and the venue's operators;
    # anyone else is told it does not exist.
    "bookings:series-detail": {
        "client": "leader",
        "ok": lambda w: {"public_id": w.series.public_id},
        "missing": lambda w: {"public_id": "no-such-series"},
        "foreign": lambda w: ({"public_id": w.series.public_id}, 404, "stranger"),
    },
    "bookings:series-cancel": {
        "client": "leader",
        "method": "post",
        "ok": lambda w: {"public_id": w.series.public_id},  # the confirmation step
        "missing": lambda w: {"public_id": "no-such-series"},
        "foreign": lambda w: ({"public_id": w.series.public_id}, 404, "stranger"),
    },
    "bookings:series-cancel-date": {
        "client": "leader",
        "method": "post",
        "ok": lambda w: {"public_id": w.series.public_id, "booking_id": w.series_booking.public_id},
        "missing": lambda w: {"public_id": w.series.public_id, "booking_id": "no-such-booking"},
        "foreign": lambda w: (
            {"public_id": w.series.public_id, "booking_id": w.series_booking.public_id},
            404,
            "stranger",
        ),
    },
}


def test_every_id_bearing_page_is_covered():
    assert set(id_bearing_page_urls()) == set(CASES)


def _request(world, case, kwargs, client_name=None):
    client = world.clients[client_name or case["client"]]
    url = reverse(next(n for n, c in CASES.items() if c is case), kwargs=kwargs)
    return getattr(client, case.get("method", "get"))(url)


def _assert_error_page(response, status):
    assert response.status_code == status
    html = response.content.decode()
    assert '<meta name="viewport"' in html
    assert 'href="/"' in html  # a way back home


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(DEBUG=False)
def test_it_answers_a_good_id(world, name):
    case = CASES[name]
    response = _request(world, case, case["ok"](world))
    assert response.status_code == case.get("ok_status", 200)


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(DEBUG=False)
def test_it_handles_missing_id(world, name):
    case = CASES[name]
    _assert_error_page(_request(world, case, case["missing"](world)), 404)


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(DEBUG=False)
def test_it_handles_foreign_id(world, name):
    case = CASES[name]
    kwargs, status, *who = case["foreign"](world)
    _assert_error_page(_request(world, case, kwargs, *who), status)


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(DEBUG=False)
def test_it_handles_malformed_id(world, name):
    case = CASES[name]
    ok = case["ok"](world)  # once: a feed token's case issues a new token each call
    good = reverse(name, kwargs=ok)
    client = world.clients[case["client"]]
    for key, value in ok.items():
        for bad in MALFORMED:
            end = "/" if f"/{value}/" in good else ".ics"  # calendars' feeds end in .ics
            url = good.replace(f"/{value}{end}", f"/{bad}{end}", 1)
            assert url != good, key
            response = getattr(client, case.get("method", "get"))(url)
            _assert_error_page(response, 404)
