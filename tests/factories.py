"""Factories shared by every app's tests. Defaults describe the model case: 五福茶馆."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.privacy import PRIVACY_POLICY_VERSION
from spaces.models import Community, OpeningHours, Room, Venue, VenueRole


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    password = factory.django.Password("correct horse battery staple")


class ResidentFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    username = factory.LazyAttribute(lambda o: o.phone)
    display_name = ""
    privacy_consent_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    privacy_consent_version = PRIVACY_POLICY_VERSION

    @factory.post_generation
    def no_password(obj, create, extracted, **kwargs):
        obj.set_unusable_password()
        if create:
            obj.save(update_fields=["password"])


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("street", "name")

    name = "五福桥社区"
    street = "驷马桥街道"
    district = "成华区"
    city = "成都市"


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    community = factory.SubFactory(CommunityFactory)
    kind = "teahouse"
    name = factory.Sequence(lambda n: "五福茶馆" if n == 0 else f"社区空间{n}")
    address = "成都市成华区五福桥东路1号"
    latitude = 30.7050
    longitude = 104.0920
    time_zone = "Asia/Shanghai"
    holiday_policy = "closed"


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"活动室{n}")
    capacity = 12
    is_bookable = True


class OpeningHoursFactory(DjangoModelFactory):
    class Meta:
        model = OpeningHours

    venue = factory.SubFactory(VenueFactory)
    day = 0
    opens = dt.time(9, 0)
    closes = dt.time(21, 0)
    overnight = False


class VenueRoleFactory(DjangoModelFactory):
    class Meta:
        model = VenueRole

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    role = "operator"


def weekly_hours(venue, opens=dt.time(9, 0), closes=dt.time(21, 0), days=range(7), room=None):
    """Give a venue (or room) the same interval every listed day."""
    return [
        OpeningHours.objects.create(venue=venue, room=room, day=d, opens=opens, closes=closes)
        for d in days
    ]


def closed_days(room, days):
    """Close a room on ``days`` by its own rule (rather than following its venue)."""
    return [
        OpeningHours.objects.create(venue=room.venue, room=room, day=d, opens=None, closes=None)
        for d in days
    ]


def make_scene(venue, *, kind="public", rooms=(), **fields):
    """A scene with the kind's default booking rules; 09:00-18:00 from 2026-01-01 unless told."""
    from scenes.booking_rules import kind_defaults
    from scenes.models import Scene

    values = {
        "name": {"public": "公益时段", "commercial": "商业时段", "closed": "设备检修"}[kind],
        "starts": dt.time(9),
        "ends": dt.time(18),
        "valid_from": dt.date(2026, 1, 1),
        **kind_defaults(kind),
        **fields,
    }
    scene = Scene.objects.create(venue=venue, kind=kind, all_rooms=not rooms, **values)
    if rooms:
        scene.rooms.set(rooms)
    return scene


def make_booking(room, start, **fields):
    """A booking row written directly, with the windows the default rules give (check-in
    15 minutes either side of the start, cancel up to an hour before): for tests and page
    audits that need a booking without going through bookings.services."""
    booking = build_booking(room, start, **fields)
    booking.save()
    return booking


def build_booking(
    room,
    start,
    *,
    resident=None,
    hours: float = 1,
    status: str = "confirmed",
    code: str = "123456",
    people: int = 2,
    purpose: str = "品茶议事",
    **fields,
):
    """``make_booking``'s booking, not saved yet."""
    from bookings.models import Booking

    values = {
        "venue": room.venue,
        "room": room,
        "resident": resident,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=hours),
        "local_date": start.astimezone(room.venue.zone).date(),
        "checkin_opens_at": start - dt.timedelta(minutes=15),
        "checkin_closes_at": start + dt.timedelta(minutes=15),
        "cancel_deadline": start - dt.timedelta(hours=1),
        "people": people,
        "purpose": purpose,
        "status": status,
        "code": code,
    }
    return Booking(**{**values, **fields})
