"""What a change to a venue's schedule does to things already promised, before it is saved.

One registry for every change that can close time: scene changes (scenes.impact's
SceneChange) and changes of opening hours or dated exceptions (``HoursChange`` below).
spaces is the lowest app, so the registry lives here and the apps above register
providers in their AppConfig.ready() (scenes: published events; bookings next)::

    from spaces.impact import ImpactItem, register_impact_provider

    def find(change):            # -> Iterable[ImpactItem]
        # change.venue, change.room_ids() (None: every room), change.first_date; for a
        # SceneChange change.timelines_after(start=, end=, rooms=) / timelines_before(...);
        # for an HoursChange change.hours_rules(start=, end=, after=True|False) (pass it
        # on as the hours of a timeline) or change.open_intervals(room=, start=, end=,
        # after=). Yield what would no longer be allowed, with a reason the operator reads.
        ...

    def keep(items, *, change, user): ...              # exceptions to the new rules
    def cancel(items, *, change, user, message): ...   # cancel, tell each resident

    register_impact_provider("bookings", find=find, keep=keep, cancel=cancel)

A service calls ``settle_impact`` inside its transaction, after taking the venue lock
(spaces.locks) and before saving. With ``on_conflict="ask"`` a non-empty list stops the
write with ``ImpactConflict`` (409) whose code is the change's ``conflict_code``:
``scene_affects_bookings`` for scenes, ``hours_affect_bookings`` for hours and exceptions,
``room_affects_bookings`` for deleting a room or turning its bookings off (RoomChange);
the body lists the items under ``affected``. "keep" and "cancel" hand each item to the
provider that found it, in the same transaction. Only time the change newly closes counts,
so an item once kept is not asked about again on every later edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.dates import month_day
from linli.errors import Conflict, DomainError
from spaces.hours.rules import ExceptionDay, HoursRules, Span, load_rules
from spaces.models import Room, Venue

ON_CONFLICT_CHOICES = ("ask", "keep", "cancel")


MESSAGE_MAX = 200  # what providers store as a cancel reason (200-character fields)


def operator_message(message: str, *, strip: str = "") -> str:
    """The operator's message to residents as providers store it (the cancel reason an
    SMS or an event page quotes), refused when longer than MESSAGE_MAX. ``strip``: trailing
    characters to drop (a notice that adds its own 。)."""
    # Browsers count a line break as one character against maxlength but send "\r\n":
    # counted as sent, a message that fit the box could be refused.
    reason = (message or "").replace("\r\n", "\n").strip().rstrip(strip)
    if len(reason) > MESSAGE_MAX:
        raise DomainError(
            _("%(label)s不能超过 %(n)s 个字。") % {"label": _("给居民的说明"), "n": MESSAGE_MAX},
            field="cancel_message",
        )
    return reason


@dataclass(frozen=True, slots=True)
class ImpactItem:
    """One thing that would fall outside the rules after a change.

    ``kind`` says what it is: "booking" (``resident_id`` the resident who booked) or
    "event" (a published event; ``resident_id`` None, ``label`` counts its registrants).
    ``as_dict`` is the API's shape for both: kind, id, room_id, starts_at, ends_at
    (ISO 8601 in the venue's zone), label, reason, resident_id.
    """

    kind: str  # "booking" | "event"
    id: int
    room_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    label: str  # for the operator: "10月9日 19:00-21:00 议事茶亭 · 张阿姨"
    reason: str  # why: "该时段将改为暂停开放"
    resident_id: int | None = None
    provider: str = ""  # set by the registry

    def as_dict(self) -> dict:
        data = asdict(self)
        data["starts_at"] = self.starts_at.isoformat()
        data["ends_at"] = self.ends_at.isoformat()
        del data["provider"]
        return data


class Change(Protocol):
    """What every change handed to the providers offers."""

    venue: Venue
    conflict_code: str

    def room_ids(self) -> frozenset[int] | None: ...

    @property
    def first_date(self) -> dt.date: ...

    def what(self) -> str:
        """What changed, for residents: "开放时间", "“夜间茶座”的安排"."""
        ...


def first_affected_date(venue: Venue) -> dt.date:
    """Nothing before today (in the venue's zone) is affected; the day before is included
    for overnight spill."""
    return timezone.now().astimezone(venue.zone).date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class HoursChange:
    """New weekly rules for the venue or one room (``weekly``: {day: spans}; a day mapped
    to () is closed by the room's own rule; an empty mapping removes the room's rules),
    or a dated exception set or removed (``exception_date`` with ``exception``, None when
    removed). ``room`` None means the venue's own rules, which every room follows."""

    venue: Venue
    room: Room | None = None
    weekly: Mapping[int, tuple[Span, ...]] | None = None
    exception_date: dt.date | None = None
    exception: ExceptionDay | None = None
    conflict_code: str = field(default="hours_affect_bookings", init=False)

    def room_ids(self) -> frozenset[int] | None:
        return None if self.room is None else frozenset({self.room.pk})

    @property
    def first_date(self) -> dt.date:
        return first_affected_date(self.venue)

    def what(self) -> str:
        if self.exception_date is not None:
            return _("%(date)s的开放时间") % {"date": month_day(self.exception_date)}
        return _("开放时间")

    def hours_rules(self, *, start: dt.date, end: dt.date, after: bool) -> HoursRules:
        """The venue's rules for [start, end) as saved (``after`` False) or as they would
        be after the change."""
        rules = load_rules(venue=self.venue, start=start, end=end)
        if not after:
            return rules
        weekly = {day: tuple(sorted(spans)) for day, spans in (self.weekly or {}).items()}
        if self.weekly is not None and self.room is None:
            rules.weekly = weekly
        elif self.weekly is not None:
            rules.room_weekly = {**rules.room_weekly, self.room.pk: weekly}
            if not weekly:
                del rules.room_weekly[self.room.pk]
        if self.exception_date is not None:
            if self.room is None:
                target, key = rules.exceptions, self.exception_date
            else:
                target, key = rules.room_exceptions, (self.room.pk, self.exception_date)
            if self.exception is None:
                target.pop(key, None)
            else:
                target[key] = self.exception
        return rules

    def open_intervals(self, *, room: Room | None, start: dt.date, end: dt.date, after: bool):
        from spaces.hours import open_intervals

        rules = self.hours_rules(start=start, end=end, after=after)
        return open_intervals(venue=self.venue, room=room, start=start, end=end, rules=rules)


@dataclass(frozen=True)
class RoomChange:
    """A room deleted (``removed``) or no longer taking bookings (``bookable`` False).
    A deleted room takes what was promised in it along, so its items cannot be kept."""

    venue: Venue
    room: Room
    removed: bool = False
    bookable: bool = True
    conflict_code: str = field(default="room_affects_bookings", init=False)

    @property
    def keep_allowed(self) -> bool:
        return not self.removed

    def room_ids(self) -> frozenset[int] | None:
        return frozenset({self.room.pk})

    @property
    def first_date(self) -> dt.date:
        return first_affected_date(self.venue)

    def what(self) -> str:
        return _("功能室“%(room)s”的安排") % {"room": self.room.name}


@dataclass(frozen=True)
class ImpactProvider:
    name: str
    find: Callable[[Change], Iterable[ImpactItem]]
    keep: Callable[..., None]
    cancel: Callable[..., None]
    default_message: Callable[[Change], str] | None = None


_providers: dict[str, ImpactProvider] = {}


def register_impact_provider(
    name: str,
    *,
    find: Callable[[Change], Iterable[ImpactItem]],
    keep: Callable[..., None],
    cancel: Callable[..., None],
    default_message: Callable[[Change], str] | None = None,
) -> None:
    """Register (or replace, by ``name``) a source of things a change can affect."""
    _providers[name] = ImpactProvider(name, find, keep, cancel, default_message)


def unregister_impact_provider(name: str) -> None:
    _providers.pop(name, None)


def find_impact(change: Change) -> list[ImpactItem]:
    """Future things every provider says would fall outside the rules after ``change``."""
    items: list[ImpactItem] = []
    for provider in _providers.values():
        items.extend(replace(item, provider=provider.name) for item in provider.find(change))
    items.sort(key=lambda i: (i.starts_at, i.room_id, i.id))
    return items


class ImpactConflict(Conflict):
    """409 with the change's code; ``items`` lists what the operator must decide about."""

    def __init__(self, items: list[ImpactItem], *, code: str = "scene_affects_bookings"):
        kinds = {item.kind for item in items}
        if kinds == {"event"}:
            message = ngettext(
                "此更改会影响 %(count)d 个已发布的活动，请选择保留这些活动或取消并通知报名的居民。",
                "此更改会影响 %(count)d 个已发布的活动，请选择保留这些活动或取消并通知报名的居民。",
                len(items),
            )
        elif "event" in kinds:
            message = ngettext(
                "此更改会影响 %(count)d 个已有预约和活动，请选择全部保留或全部取消并通知居民。",
                "此更改会影响 %(count)d 个已有预约和活动，请选择全部保留或全部取消并通知居民。",
                len(items),
            )
        else:
            message = ngettext(
                "此更改会影响 %(count)d 个已有预约，请选择保留这些预约或取消并通知居民。",
                "此更改会影响 %(count)d 个已有预约，请选择保留这些预约或取消并通知居民。",
                len(items),
            )
        super().__init__(message % {"count": len(items)}, code=code)
        self.items = items

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["affected"] = [item.as_dict() for item in self.items]
        return body


def default_cancel_message(change: Change) -> str:
    return _("%(venue)s调整了%(what)s，您的预约已取消。如有疑问请联系场馆。") % {
        "venue": change.venue.name,
        "what": change.what(),
    }


def settle_impact(*, change: Change, on_conflict: str, user, message: str = "") -> list:
    """Find what ``change`` affects and deal with it as the operator chose.

    Runs inside the caller's transaction (venue lock held); raises ImpactConflict under
    "ask" when anything is affected.
    """
    if on_conflict not in ON_CONFLICT_CHOICES:
        raise DomainError(_("请选择如何处理受影响的预约。"), code="invalid", field="on_conflict")
    message = (message or "").strip()
    items = find_impact(change)
    if not items:
        return []
    if on_conflict == "ask":
        raise ImpactConflict(items, code=change.conflict_code)
    if on_conflict == "keep" and not getattr(change, "keep_allowed", True):
        raise DomainError(
            _("删除功能室后无法保留其中的活动和预约，请选择取消并通知居民。"),
            code="cannot_keep",
            field="on_conflict",
        )
    by_provider: dict[str, list[ImpactItem]] = {}
    for item in items:
        by_provider.setdefault(item.provider, []).append(item)
    for name, group in by_provider.items():
        provider = _providers[name]
        if on_conflict == "keep":
            provider.keep(group, change=change, user=user)
        else:
            default = provider.default_message or default_cancel_message
            provider.cancel(group, change=change, user=user, message=message or default(change))
    return items
