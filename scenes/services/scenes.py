"""Writes for scenes: create, update, delete. The API and the planner both call these.

Each write, in one transaction with the venue row locked (two operators saving at once
cannot both slip past the overlap check): permission, every rule contradiction at once
(422), overlap with the venue's other scenes at the same precedence (409 scene_overlap,
naming both), then what it does to future bookings (scenes.impact; 409
scene_affects_bookings under on_conflict="ask"), then the save.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.errors import Conflict, DomainError, NotFound, from_validation_error
from linli.text import join_list
from scenes.booking_rules import RULE_FIELDS, kind_defaults
from scenes.impact import SceneChange, settle_impact
from scenes.models import DayFilter, Scene
from scenes.occurrences import Overlap, SceneEntry, entry_for, find_overlap
from scenes.resolution import load_entries
from scenes.rules import validate_scene
from spaces.locks import venue_lock
from spaces.models import Room, Venue
from spaces.permissions import venue_require_operator
from spaces.selectors import local_today

ALL_WEEKDAYS = 0b1111111
SCHEDULE_FIELDS = (
    "kind",
    "name",
    "description",
    "all_rooms",
    "weekdays",
    "starts",
    "ends",
    "overnight",
    "valid_from",
    "valid_until",
    "day_filter",
    "one_off_date",
)
EDITABLE = frozenset(SCHEDULE_FIELDS) | frozenset(RULE_FIELDS)


class SceneOverlap(Conflict):
    """409 scene_overlap; ``overlap`` says with which scene and when."""

    def __init__(self, scene_name: str, overlap: Overlap):
        message = _("“%(scene)s”与“%(other)s”在 %(when)s 重叠，请调整日期、时间或功能室。") % {
            "scene": scene_name,
            "other": overlap.other.name,
            "when": overlap.when(),
        }
        super().__init__(message, code="scene_overlap")
        self.overlap = overlap

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["overlaps"] = [
            {
                "scene_id": self.overlap.other.pk,
                "name": self.overlap.other.name,
                "date": self.overlap.date.isoformat(),
                "start": self.overlap.start.isoformat(),
                "end": self.overlap.end.isoformat(),
            }
        ]
        return body


def _check_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise DomainError(
            _("不能设置这些字段：%(names)s") % {"names": join_list(unknown)},
            code="invalid",
            fields={name: [_("不能设置此字段。")] for name in unknown},
        )


def _normalise(values: dict) -> dict:
    """A dated one-off scene happens on its date only, whatever else was sent."""
    values["description"] = (values.get("description") or "").strip()
    values["name"] = (values.get("name") or "").strip()
    if values.get("one_off_date") is not None:
        values["valid_from"] = values["valid_until"] = values["one_off_date"]
        values["weekdays"] = ALL_WEEKDAYS
        values["day_filter"] = DayFilter.ALL
    return values


def _rooms_of(venue: Venue, rooms: Iterable) -> list[Room]:
    """Rooms given as objects or ids; ids of other venues' rooms are reported, not found."""
    rooms = list(rooms)
    ids = [r for r in rooms if not isinstance(r, Room)]
    objects = [r for r in rooms if isinstance(r, Room)]
    if ids:
        found = {r.pk: r for r in Room.objects.filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise DomainError(
                _("找不到功能室：%(ids)s") % {"ids": join_list(str(i) for i in missing)},
                code="room_not_in_venue",
                field="rooms",
            )
        objects.extend(found[i] for i in ids)
    return list({r.pk: r for r in objects}.values())


def _full_clean(scene: Scene) -> None:
    try:
        scene.full_clean(exclude=["venue", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _check_overlaps(entry: SceneEntry, venue: Venue) -> None:

    zone = venue.zone
    others = Scene.objects.filter(venue=venue).order_by("pk")
    if entry.scene.pk:
        others = others.exclude(pk=entry.scene.pk)
    for other in load_entries(others):
        overlap = find_overlap(entry, other, zone=zone)
        if overlap is not None:
            raise SceneOverlap(entry.scene.name, overlap)


def _saved(scene: Scene) -> Scene:
    saved = Scene.objects.select_related("venue").filter(pk=scene.pk).first()
    if saved is None:
        raise NotFound(_("场景不存在或已被删除。"), code="scene_not_found")
    return saved


def _save(scene: Scene, rooms: list[Room] | None) -> Scene:
    try:
        with transaction.atomic():
            scene.save()
    except IntegrityError as exc:  # the database's own checks: a bug upstream, said plainly
        raise DomainError(_("场景设置自相矛盾，请检查后再保存。"), code="invalid") from exc
    if rooms is not None:
        scene.rooms.set([] if scene.all_rooms else rooms)
    return scene


@transaction.atomic
def scene_create(
    *,
    user,
    venue: Venue,
    kind: str,
    rooms: Iterable = (),
    on_conflict: str = "ask",
    message: str = "",
    **fields,
) -> Scene:
    """Create a scene; rule fields left out (or None) take ``kind``'s defaults.

    ``rooms`` (Room objects or ids) with ``all_rooms`` unset means those rooms only.
    """
    venue_require_operator(user=user, venue=venue)
    _check_fields(fields)
    venue_lock(venue)
    rooms = _rooms_of(venue, rooms)
    values = {
        "weekdays": ALL_WEEKDAYS,
        "overnight": False,
        "day_filter": DayFilter.ALL,
        "all_rooms": not rooms,
        **kind_defaults(kind),
    }
    values.update({k: v for k, v in fields.items() if v is not None or k not in RULE_FIELDS})
    values["kind"] = kind
    values = _normalise(values)
    validate_scene(values, venue_id=venue.pk, rooms=rooms, today=local_today(venue))
    scene = Scene(venue=venue, created_by=user, **values)
    _full_clean(scene)
    entry = entry_for(scene, [r.pk for r in rooms])
    _check_overlaps(entry, venue)
    settle_impact(
        change=SceneChange(venue=venue, before=None, after=entry),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    return _save(scene, rooms)


@transaction.atomic
def scene_update(
    *,
    user,
    scene: Scene,
    rooms: Iterable | None = None,
    on_conflict: str = "ask",
    message: str = "",
    **changes,
) -> Scene:
    """Change some of a scene's fields; ``rooms`` None keeps its rooms."""
    venue = scene.venue
    venue_require_operator(user=user, venue=venue)
    _check_fields(changes)
    venue_lock(venue)
    saved = _saved(scene)
    before = entry_for(saved)
    draft = copy.copy(saved)
    if rooms is not None:
        room_list = _rooms_of(venue, rooms)
        changes.setdefault("all_rooms", not room_list)
    else:
        room_list = list(Room.objects.filter(pk__in=before.room_ids)) if before.room_ids else []
    for name, value in changes.items():
        setattr(draft, name, value)
    values = _normalise({name: getattr(draft, name) for name in EDITABLE})
    for name, value in values.items():
        setattr(draft, name, value)
    # A one-off scene that has happened may still be edited (its name, say); moving one to
    # a past date may not.
    moved = values["one_off_date"] != saved.one_off_date
    validate_scene(
        values, venue_id=venue.pk, rooms=room_list, today=local_today(venue) if moved else None
    )
    _full_clean(draft)
    after = entry_for(draft, [r.pk for r in room_list])
    _check_overlaps(after, venue)
    settle_impact(
        change=SceneChange(venue=venue, before=before, after=after),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    scene = _save(draft, room_list)
    return scene


@transaction.atomic
def scene_delete(*, user, scene: Scene, on_conflict: str = "ask", message: str = "") -> None:
    venue = scene.venue
    venue_require_operator(user=user, venue=venue)
    venue_lock(venue)
    saved = _saved(scene)
    settle_impact(
        change=SceneChange(venue=venue, before=entry_for(saved), after=None),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    saved.delete()
