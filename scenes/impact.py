"""Scene changes as changes the impact providers judge (spaces.impact holds the registry).

A scene create, update or delete is a ``SceneChange``: the scene as saved (``before``)
and as proposed (``after``), with the venue's timelines on either side. The registry,
ImpactItem, the settle function and the 409 live in spaces.impact, shared with changes
of opening hours and exceptions; see there how a provider (bookings, next) registers.
Published events are the first provider: scenes.event_impact ("events").

scenes.services calls ``settle_impact`` inside the write's transaction, after the venue
lock and before saving; with ``on_conflict="ask"`` a non-empty list stops the write with
ImpactConflict(code="scene_affects_bookings") carrying the items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from scenes.models import Scene
from scenes.occurrences import SceneEntry, entry_for
from spaces.impact import (
    ON_CONFLICT_CHOICES,
    ImpactConflict,
    ImpactItem,
    default_cancel_message,
    find_impact,
    first_affected_date,
    register_impact_provider,
    settle_impact,
    unregister_impact_provider,
)
from spaces.models import Venue

# The scene planner and older callers name the 409 after scenes; it is the shared one.
SceneImpactConflict = ImpactConflict

__all__ = [
    "ON_CONFLICT_CHOICES",
    "ImpactItem",
    "SceneChange",
    "SceneImpactConflict",
    "change_for",
    "default_cancel_message",
    "register_impact_provider",
    "scene_change_impact",
    "settle_impact",
    "unregister_impact_provider",
]


@dataclass(frozen=True)
class SceneChange:
    """A scene as saved (``before``; None when creating) and as proposed (``after``;
    None when deleting). ``after`` is not saved: its pk is that of ``before``."""

    venue: Venue
    before: SceneEntry | None
    after: SceneEntry | None
    conflict_code: str = field(default="scene_affects_bookings", init=False)

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
        return first_affected_date(self.venue)

    def what(self) -> str:
        return _("“%(scene)s”的安排") % {"scene": self.scene_name}

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
    return find_impact(change_for(scene=scene, proposed=proposed, venue=venue))
