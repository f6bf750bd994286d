"""What a scene change does to things already promised (bookings), before it is saved.

scenes cannot import bookings (dependencies point spaces <- scenes <- bookings), so the
bookings app registers a provider in its AppConfig.ready()::

    from scenes.impact import ImpactItem, register_impact_provider

    def find(change):            # -> Iterable[ImpactItem]
        # Future bookings in change.room_ids() (None: every room of change.venue) from
        # change.first_date on; compare each with the venue as it would be after the
        # change: change.timelines_after(start=, end=) -> {room_id: [Segment]} (the
        # segments carry the scene and its EffectiveRules). Yield the ones that would
        # no longer be allowed, with a reason the operator reads.
        ...

    def keep(items, *, change, user):             # mark them as exceptions to the rules
        ...

    def cancel(items, *, change, user, message):  # cancel, and send ``message`` to each
        ...                                       # resident

    register_impact_provider("bookings", find=find, keep=keep, cancel=cancel)

A provider may pass ``default_message=callable(change) -> str``: what residents are told
when the operator writes no message (otherwise ``default_cancel_message``, which speaks
of bookings). Published events are the first provider: scenes.event_impact ("events").

scenes.services calls ``scene_change_impact`` inside the write's transaction, before
saving a create, update or delete; with ``on_conflict="ask"`` a non-empty list stops the
write with Conflict(code="scene_affects_bookings") carrying the items, "keep" and
"cancel" hand them to the provider that found them, in the same transaction. With no
provider registered the list is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.errors import Conflict, DomainError
from scenes.models import Scene
from scenes.occurrences import SceneEntry, entry_for
from spaces.models import Venue

ON_CONFLICT_CHOICES = ("ask", "keep", "cancel")


@dataclass(frozen=True, slots=True)
class ImpactItem:
    """One thing that would fall outside the rules after a scene change.

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


@dataclass(frozen=True)
class SceneChange:
    """A scene as saved (``before``; None when creating) and as proposed (``after``;
    None when deleting). ``after`` is not saved: its pk is that of ``before``."""

    venue: Venue
    before: SceneEntry | None
    after: SceneEntry | None

    @property
    def scene_name(self) -> str:
        entry = self.before or self.after
        return entry.scene.name if entry else ""

    def room_ids(self) -> frozenset[int] | None:
        """Rooms whose timeline may change; None means every room of the venue."""
        ids: set[int] = set()
        for entry in (self.before, self.after):
            if entry is None:
                continue
            if entry.room_ids is None:
                return None
            ids |= entry.room_ids
        return frozenset(ids)

    @property
    def first_date(self) -> dt.date:
        """Nothing before today (in the venue's zone) is affected; the day before is
        included for overnight spill."""
        return timezone.now().astimezone(self.venue.zone).date() - dt.timedelta(days=1)

    def _entries(self, start: dt.date, end: dt.date, *, after: bool) -> list[SceneEntry]:
        from scenes.resolution import load_entries, scenes_query

        own_pk = self.before.scene.pk if self.before else None
        entries = [
            e for e in load_entries(scenes_query(self.venue, start, end)) if e.scene.pk != own_pk
        ]
        mine = self.after if after else self.before
        if mine is not None:
            entries.append(mine)
        return entries

    def timelines_after(self, *, start: dt.date, end: dt.date, rooms=None) -> dict:
        """{room_id: [Segment]} of the venue's rooms as they would be after the change."""
        from scenes.resolution import venue_timelines

        entries = self._entries(start, end, after=True)
        return venue_timelines(venue=self.venue, start=start, end=end, rooms=rooms, entries=entries)

    def timelines_before(self, *, start: dt.date, end: dt.date, rooms=None) -> dict:
        from scenes.resolution import venue_timelines

        entries = self._entries(start, end, after=False)
        return venue_timelines(venue=self.venue, start=start, end=end, rooms=rooms, entries=entries)


@dataclass(frozen=True)
class ImpactProvider:
    name: str
    find: Callable[[SceneChange], Iterable[ImpactItem]]
    keep: Callable[..., None]
    cancel: Callable[..., None]
    default_message: Callable[[SceneChange], str] | None = None


_providers: dict[str, ImpactProvider] = {}


def register_impact_provider(
    name: str,
    *,
    find: Callable[[SceneChange], Iterable[ImpactItem]],
    keep: Callable[..., None],
    cancel: Callable[..., None],
    default_message: Callable[[SceneChange], str] | None = None,
) -> None:
    """Register (or replace, by ``name``) a source of things a scene change can affect."""
    _providers[name] = ImpactProvider(name, find, keep, cancel, default_message)


def unregister_impact_provider(name: str) -> None:
    _providers.pop(name, None)


def change_for(
    *, scene: Scene | None, proposed: SceneEntry | None, venue: Venue | None = None
) -> SceneChange:
    if venue is None:
        venue = (scene or proposed.scene).venue
    before = entry_for(scene) if scene is not None and scene.pk else None
    return SceneChange(venue=venue, before=before, after=proposed)


def scene_change_impact(
    *, scene: Scene | None, proposed: SceneEntry | None, venue: Venue | None = None
) -> list[ImpactItem]:
    """Future things every provider says would fall outside the rules after the change.

    ``scene``: the saved scene (None when creating); ``proposed``: the scene as it would be
    saved with its rooms (None when deleting).
    """
    change = change_for(scene=scene, proposed=proposed, venue=venue)
    return _find(change)


def _find(change: SceneChange) -> list[ImpactItem]:
    items: list[ImpactItem] = []
    for provider in _providers.values():
        items.extend(replace(item, provider=provider.name) for item in provider.find(change))
    items.sort(key=lambda i: (i.starts_at, i.room_id, i.id))
    return items


class SceneImpactConflict(Conflict):
    """409 scene_affects_bookings; ``items`` lists what the operator must decide about."""

    def __init__(self, items: list[ImpactItem]):
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
        message = message % {"count": len(items)}
        super().__init__(message, code="scene_affects_bookings")
        self.items = items

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["affected"] = [item.as_dict() for item in self.items]
        return body


def default_cancel_message(change: SceneChange) -> str:
    return _("%(venue)s调整了“%(scene)s”的安排，您的预约已取消。如有疑问请联系场馆。") % {
        "venue": change.venue.name,
        "scene": change.scene_name,
    }


def settle_impact(*, change: SceneChange, on_conflict: str, user, message: str = "") -> list:
    """Find what the change affects and deal with it as the operator chose.

    Runs inside the caller's transaction; raises SceneImpactConflict under "ask".
    """
    if on_conflict not in ON_CONFLICT_CHOICES:
        raise DomainError(_("请选择如何处理受影响的预约。"), code="invalid", field="on_conflict")
    message = (message or "").strip()
    items = _find(change)
    if not items:
        return []
    if on_conflict == "ask":
        raise SceneImpactConflict(items)
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
