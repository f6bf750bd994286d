"""The file's communities, venues and rooms as specs, checked without touching the database.

Every field is checked and every problem recorded, so one run lists all that is wrong with
a file. A record with a problem of its own is marked not ``ok`` and is not written (nor
are its children, which need it); the import then fails as a whole anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from spaces.importer.fields import MISSING, Reader
from spaces.importer.intervals import ExceptionSpec, read_exceptions, read_hours
from spaces.importer.report import Loc
from spaces.models import (
    AccessibilityFeature,
    Community,
    HolidayPolicy,
    Room,
    Venue,
    VenueKind,
)
from spaces.services import HoursRule

FORMAT_VERSION = 1
TOP_KEYS = ("version", "communities")
COMMUNITY_KEYS = ("name", "street", "district", "city", "location", "venues")
VENUE_KEYS = (
    "name",
    "kind",
    "address",
    "location",
    "time_zone",
    "description",
    "accessibility",
    "contact_phone",
    "holiday_policy",
    "published",
    "hours",
    "exceptions",
    "rooms",
)
ROOM_KEYS = (
    "name",
    "capacity",
    "description",
    "amenities",
    "bookable",
    "order",
    "hours",
    "exceptions",
)
MAX_CAPACITY = 10000
MAX_ORDER = 32767


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _present(**values: Any) -> dict[str, Any]:
    """Model field values the file gave; left-out keys keep what the database has."""
    return {k: v for k, v in values.items() if v is not MISSING}


@dataclass
class RoomSpec:
    loc: Loc
    name: str
    fields: dict[str, Any]
    hours: tuple[HoursRule, ...] | None  # None: the file does not manage them
    exceptions: tuple[ExceptionSpec, ...] | None
    ok: bool = True


@dataclass
class VenueSpec:
    loc: Loc
    name: str
    fields: dict[str, Any]
    hours: tuple[HoursRule, ...] | None
    exceptions: tuple[ExceptionSpec, ...] | None
    rooms: list[RoomSpec] = field(default_factory=list)
    ok: bool = True


@dataclass
class CommunitySpec:
    loc: Loc
    street: str
    name: str
    fields: dict[str, Any]
    venues: list[VenueSpec] = field(default_factory=list)
    ok: bool = True


def _name_of(raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return name.strip() if isinstance(name, str) else ""


def _or_none(value: Any) -> Any:
    return None if value is MISSING else value


def read_file(reader: Reader, data: Any) -> list[CommunitySpec]:
    root = reader.obj(data, Loc(), "", TOP_KEYS, ("communities",))
    if root is None:
        return []
    if "version" in root and root["version"] != FORMAT_VERSION:
        reader.error(
            Loc(),
            "version",
            _("不支持的格式版本 %(v)s，目前只有 %(ok)d。")
            % {"v": root["version"], "ok": FORMAT_VERSION},
            "version",
        )
    specs: list[CommunitySpec] = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(reader.items(root, "communities", Loc())):
        spec = _community(reader, Loc().child("communities", index), raw)
        if spec is None:
            continue
        key = (spec.street, spec.name)
        if key in seen:
            reader.error(
                spec.loc,
                "name",
                _("%(street)s的%(name)s在文件中出现了两次（另见 communities[%(other)d]）。")
                % {"street": spec.street, "name": spec.name, "other": seen[key]},
                "duplicate",
            )
            spec.ok = False
        else:
            seen[key] = index
        specs.append(spec)
    return specs


def _community(reader: Reader, loc: Loc, raw: Any) -> CommunitySpec | None:
    mark = reader.mark()
    d = reader.obj(raw, loc, "", COMMUNITY_KEYS, ("name", "street"))
    if d is None:
        return None
    name = reader.text(d, "name", loc, max_length=_max(Community, "name"), required=True)
    street = reader.text(d, "street", loc, max_length=_max(Community, "street"), required=True)
    location = reader.location(d, "location", loc)
    fields = _present(
        district=reader.text(d, "district", loc, max_length=_max(Community, "district")),
        city=reader.text(d, "city", loc, max_length=_max(Community, "city")),
    )
    if location is not MISSING:
        fields["latitude"], fields["longitude"] = location
    ok = reader.clean_since(mark)
    spec = CommunitySpec(loc, _or_none(street), _or_none(name), fields, ok=ok)
    seen: dict[str, int] = {}
    for index, raw_venue in enumerate(reader.items(d, "venues", loc)):
        venue = _venue(reader, loc.child("venues", index, name=_name_of(raw_venue)), raw_venue)
        if venue is None:
            continue
        if venue.name in seen:
            reader.error(
                venue.loc,
                "name",
                _("同一社区内场馆名称重复（另见 venues[%(other)d]）。")
                % {"other": seen[venue.name]},
                "duplicate",
            )
            venue.ok = False
        elif venue.name:
            seen[venue.name] = index
        spec.venues.append(venue)
    return spec


def _venue(reader: Reader, loc: Loc, raw: Any) -> VenueSpec | None:
    mark = reader.mark()
    d = reader.obj(
        raw, loc, "", VENUE_KEYS, ("name", "kind", "address", "location", "holiday_policy")
    )
    if d is None:
        return None
    name = reader.text(d, "name", loc, max_length=_max(Venue, "name"), required=True)
    policy = reader.choice(d, "holiday_policy", loc, HolidayPolicy.choices)
    location = reader.location(d, "location", loc)
    fields = _present(
        kind=reader.choice(d, "kind", loc, VenueKind.choices),
        address=reader.text(d, "address", loc, max_length=_max(Venue, "address"), required=True),
        time_zone=reader.time_zone(d, "time_zone", loc),
        description=reader.text(d, "description", loc),
        accessibility=reader.codes(d, "accessibility", loc, AccessibilityFeature.choices),
        contact_phone=reader.phone(
            d, "contact_phone", loc, max_length=_max(Venue, "contact_phone")
        ),
        holiday_policy=policy,
        is_published=reader.boolean(d, "published", loc),
    )
    if location is not MISSING:
        fields["latitude"], fields["longitude"] = location
    hours = read_hours(reader, loc, d, policy=_or_none(policy), for_room=False)
    exceptions = read_exceptions(reader, loc, d)
    ok = reader.clean_since(mark)
    spec = VenueSpec(loc, _or_none(name), fields, _or_none(hours), _or_none(exceptions), ok=ok)
    seen: dict[str, int] = {}
    for index, raw_room in enumerate(reader.items(d, "rooms", loc)):
        rloc = loc.child("rooms", index, name=_name_of(raw_room))
        room = _room(reader, rloc, raw_room, order=index, policy=_or_none(policy))
        if room is None:
            continue
        if room.name in seen:
            reader.error(
                room.loc,
                "name",
                _("同一场馆内功能室名称重复（另见 rooms[%(other)d]）。")
                % {"other": seen[room.name]},
                "duplicate",
            )
            room.ok = False
        elif room.name:
            seen[room.name] = index
        spec.rooms.append(room)
    return spec


def _room(reader: Reader, loc: Loc, raw: Any, *, order: int, policy: str | None) -> RoomSpec | None:
    mark = reader.mark()
    d = reader.obj(raw, loc, "", ROOM_KEYS, ("name", "capacity"))
    if d is None:
        return None
    name = reader.text(d, "name", loc, max_length=_max(Room, "name"), required=True)
    fields = _present(
        capacity=reader.integer(
            d, "capacity", loc, low=1, high=MAX_CAPACITY, message=_("必须是正整数。")
        ),
        description=reader.text(d, "description", loc),
        amenities=reader.strings(d, "amenities", loc, max_length=40),
        is_bookable=reader.boolean(d, "bookable", loc),
    )
    # The file's order is the display order unless the room says otherwise.
    given_order = reader.integer(
        d,
        "order",
        loc,
        low=0,
        high=MAX_ORDER,
        message=_("必须是 0 到 %(max)d 之间的整数。") % {"max": MAX_ORDER},
    )
    fields["order"] = order if given_order is MISSING else given_order
    hours = read_hours(reader, loc, d, policy=policy, for_room=True)
    exceptions = read_exceptions(reader, loc, d)
    ok = reader.clean_since(mark)
    return RoomSpec(loc, _or_none(name), fields, _or_none(hours), _or_none(exceptions), ok=ok)
