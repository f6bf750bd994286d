"""What each room is for, minute by minute: opening hours (spaces.hours) x scenes.

The one entry point is ``room_timeline``; ``venue_timelines`` gives every room of a venue
at once with a constant number of queries (what metrics, the planner and availability
use), and ``venue_now`` reads the current and next segment per room.

A timeline is a list of contiguous Segments covering [start, end) of local dates:
- "closed": the room is not open (``scene`` None), or a closed-kind scene (maintenance,
  private use) holds open time (``scene`` set, ``reason`` its name);
- "open": open, no scene in force;
- "scene": open in ``scene``, with the booking ``rules`` that apply in this room.
Where scenes overlap, a one-off scene beats recurring ones for as long as it runs. Scene
time outside opening hours is dropped; ``scene_clipping``/``venue_clipping`` report it to
the operator ("“公益时段”在 10月1日 超出开放时间，已截断").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from linli.dates import month_day
from linli.text import join_list
from scenes.models import Scene, SceneKind
from scenes.occurrences import ONE_DAY, UTC, Occurrence, SceneEntry, occurrences
from scenes.rules import MINUTES_PER_DAY, EffectiveRules, effective_rules, window_minutes
from spaces.calendar import days_info
from spaces.hours import HoursRules, Interval, load_rules, open_intervals
from spaces.models import Room, Venue

CLOSED, OPEN, SCENE = "closed", "open", "scene"

Pair = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True, slots=True)
class Segment:
    """[start, end) in the venue's zone, in one state."""

    start: dt.datetime
    end: dt.datetime
    state: str
    scene: Scene | None = None
    rules: EffectiveRules | None = None
    reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.state != CLOSED

    @property
    def kind(self) -> str | None:
        return self.scene.kind if self.scene is not None else None

    @property
    def duration(self) -> dt.timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600

    def contains(self, at: dt.datetime) -> bool:
        return self.start.astimezone(UTC) <= at.astimezone(UTC) < self.end.astimezone(UTC)


# --- loading ---------------------------------------------------------------------------


def scenes_query(venue: Venue, start: dt.date, end: dt.date):
    """Scenes of ``venue`` that can have an occurrence touching [start, end)."""
    from django.db.models import Q

    before = start - ONE_DAY
    recurring = Q(one_off_date__isnull=True, valid_from__lt=end) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=before)
    )
    one_off = Q(one_off_date__gte=before, one_off_date__lt=end)
    return Scene.objects.filter(venue=venue).filter(recurring | one_off).order_by("pk")


def load_entries(scenes: Iterable[Scene]) -> list[SceneEntry]:
    """SceneEntries for saved scenes with one query for all their chosen rooms."""
    scenes = list(scenes)
    chosen = [s.pk for s in scenes if not s.all_rooms]
    rooms: dict[int, set[int]] = defaultdict(set)
    if chosen:
        through = Scene.rooms.through.objects.filter(scene_id__in=chosen)
        for scene_id, room_id in through.values_list("scene_id", "room_id"):
            rooms[scene_id].add(room_id)
    return [SceneEntry(s, None if s.all_rooms else frozenset(rooms[s.pk])) for s in scenes]


@dataclass
class VenueData:
    """Everything one venue's timelines over [start, end) need, fetched once.

    ``timeline(room)`` and ``clipping()`` compute from it without further queries.
    """

    venue: Venue
    rooms: list[Room]
    start: dt.date
    end: dt.date
    hours: HoursRules
    entries: list[SceneEntry]
    zone: ZoneInfo
    occurrences: list[Occurrence]

    def open_pairs(self, room: Room) -> list[Pair]:
        intervals = open_intervals(
            venue=self.venue, room=room, start=self.start, end=self.end, rules=self.hours
        )
        return [(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in intervals]

    def timeline(self, room: Room) -> list[Segment]:
        return _timeline(self, room)

    def clipping(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[ClipNote]:
        """ClipNotes of occurrences starting on [start, end) (default: the loaded range)."""
        return _clipping(self, start or self.start, end or self.end)


def load_venue_data(
    *,
    venue: Venue,
    start: dt.date,
    end: dt.date,
    rooms: list[Room] | None = None,
    entries: list[SceneEntry] | None = None,
    hours: HoursRules | None = None,
    schedule_token: str | None = None,
) -> VenueData:
    """A venue's rooms, hours and scenes for [start, end): one query for the rooms (unless
    given) and one for the schedule token when the saved hours and scenes are cached
    (scenes.schedule_cache), four more on a miss.

    Pass ``rooms`` / ``hours`` the caller already holds (the venue page's VenuePage) to
    skip those queries; ``hours`` is reloaded if it doesn't cover the range. A caller
    holding the venue lock passes the locked row's ``schedule_token`` (see
    ``venue_schedule``) to skip reading it again.
    """
    if rooms is None:
        rooms = list(venue.rooms.order_by("order", "pk"))
    if hours is None or entries is None:
        # The saved schedule: loaded once per change and per process (scenes.schedule_cache).
        from scenes.schedule_cache import entries_between, venue_schedule

        saved_hours, saved_entries = venue_schedule(venue, token=schedule_token)
        hours = saved_hours if hours is None else hours
        if entries is None:
            entries = entries_between(saved_entries, start, end)
    if hours is None or not hours.covers(start - ONE_DAY, end):
        hours = load_rules(venue=venue, start=start, end=end)
    if entries is None:
        entries = load_entries(scenes_query(venue, start, end))
    zone = venue.zone
    infos = days_info(start - ONE_DAY, end)
    occs = occurrences(entries, start=start - ONE_DAY, end=end, zone=zone, infos=infos)
    return VenueData(venue, rooms, start, end, hours, entries, zone, occs)


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)


# --- the timeline ----------------------------------------------------------------------


def _best(active: list[Occurrence]) -> Occurrence | None:
    if not active:
        return None
    return max(active, key=lambda o: (o.precedence, -(o.scene.pk or 0)))


def _timeline(ctx: VenueData, room: Room) -> list[Segment]:
    lo, hi = _midnight(ctx.start, ctx.zone), _midnight(ctx.end, ctx.zone)
    if hi <= lo:
        return []
    opens = ctx.open_pairs(room)
    occs = [o for o in ctx.occurrences if o.entry.covers(room.pk) and o.end > lo and o.start < hi]
    points = {lo, hi}
    for s, e in opens:
        points.update((s, e))
    for o in occs:
        points.update(p for p in (o.start, o.end) if lo < p < hi)
    ordered = sorted(points)
    rules_cache: dict[int, EffectiveRules] = {}
    pieces: list[tuple[dt.datetime, dt.datetime, str, Scene | None, str]] = []
    oi = qi = 0
    active: list[Occurrence] = []
    not_open = _("不在开放时间")
    for p, q in zip(ordered, ordered[1:], strict=False):
        while oi < len(opens) and opens[oi][1] <= p:
            oi += 1
        is_open = oi < len(opens) and opens[oi][0] <= p
        while qi < len(occs) and occs[qi].start <= p:
            active.append(occs[qi])
            qi += 1
        active = [o for o in active if o.end > p]
        best = _best(active) if is_open else None
        if not is_open:
            piece = (p, q, CLOSED, None, not_open)
        elif best is None:
            piece = (p, q, OPEN, None, "")
        elif best.scene.kind == SceneKind.CLOSED:
            piece = (p, q, CLOSED, best.scene, best.scene.name)
        else:
            piece = (p, q, SCENE, best.scene, "")
        if pieces and pieces[-1][1] == p and pieces[-1][2:] == piece[2:]:
            pieces[-1] = (pieces[-1][0], q, *piece[2:])
        else:
            pieces.append(piece)
    segments = []
    for s, e, state, scene, reason in pieces:
        rules = None
        if state == SCENE:
            key = id(scene)
            if key not in rules_cache:
                rules_cache[key] = effective_rules(scene, room)
            rules = rules_cache[key]
        segments.append(
            Segment(s.astimezone(ctx.zone), e.astimezone(ctx.zone), state, scene, rules, reason)
        )
    return segments


def venue_timelines(
    *,
    venue: Venue,
    start: dt.date,
    end: dt.date,
    rooms: Iterable[Room] | None = None,
    entries: list[SceneEntry] | None = None,
    hours: HoursRules | None = None,
    schedule_token: str | None = None,
) -> dict[int, list[Segment]]:
    """Timelines of all the venue's rooms (or ``rooms``) over the local dates [start, end).

    A constant number of queries whatever the number of rooms, scenes and days (see
    ``load_venue_data``). ``entries`` replaces the saved scenes and
    ``hours`` the saved opening hours (the impact check uses them to see a venue as it
    would be after a change).
    """
    rooms = list(rooms) if rooms is not None else None
    ctx = load_venue_data(
        venue=venue,
        start=start,
        end=end,
        rooms=rooms,
        entries=entries,
        hours=hours,
        schedule_token=schedule_token,
    )
    return {room.pk: _timeline(ctx, room) for room in ctx.rooms}


def room_timeline(
    *, room: Room, start: dt.date, end: dt.date, schedule_token: str | None = None
) -> list[Segment]:
    """Ordered, contiguous segments covering the local dates [start, end) of ``room``
    (``schedule_token``: see ``load_venue_data``)."""
    return venue_timelines(
        venue=room.venue, start=start, end=end, rooms=[room], schedule_token=schedule_token
    )[room.pk]


def segments_between(
    segments: list[Segment], start: dt.datetime, end: dt.datetime
) -> list[Segment]:
    """The segments overlapping [start, end), in order (not cut to it)."""
    s, e = start.astimezone(UTC), end.astimezone(UTC)
    return [g for g in segments if g.end.astimezone(UTC) > s and g.start.astimezone(UTC) < e]


# --- now -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomNow:
    room: Room
    current: Segment | None
    next: Segment | None

    @property
    def is_open(self) -> bool:
        return self.current is not None and self.current.is_open


NOW_LOOKAHEAD_DAYS = 8


def venue_now(*, venue: Venue, at: dt.datetime, data: VenueData | None = None) -> list[RoomNow]:
    """Per room, in the venue's room order: the segment at ``at`` and the one after it.

    ``data`` (from ``load_venue_data`` over today and the days after) saves the queries
    when the caller has it already.
    """
    if at.tzinfo is None:
        raise ValueError("venue_now needs an aware datetime")
    today = at.astimezone(venue.zone).date()
    ctx = data or load_venue_data(
        venue=venue, start=today, end=today + dt.timedelta(days=NOW_LOOKAHEAD_DAYS)
    )
    result = []
    for room in ctx.rooms:
        segments = _timeline(ctx, room)
        current = next_ = None
        for i, segment in enumerate(segments):
            if segment.contains(at):
                current = segment
                next_ = segments[i + 1] if i + 1 < len(segments) else None
                break
        result.append(RoomNow(room, current, next_))
    return result


# --- clipping --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClipNote:
    """A scene's occurrence that reaches outside opening hours on ``date``."""

    scene: Scene
    date: dt.date
    room_names: tuple[str, ...]  # empty: every room the scene covers
    outside: tuple[Interval, ...]
    entirely: bool  # no part of it falls in opening hours

    @property
    def message(self) -> str:
        values = {"scene": self.scene.name, "date": month_day(self.date)}
        if self.room_names:
            values["rooms"] = join_list(self.room_names)
            if self.entirely:
                return _("“%(scene)s（%(rooms)s）”在 %(date)s 不在开放时间内，未生效") % values
            return _("“%(scene)s（%(rooms)s）”在 %(date)s 超出开放时间，已截断") % values
        if self.entirely:
            return _("“%(scene)s”在 %(date)s 不在开放时间内，未生效") % values
        return _("“%(scene)s”在 %(date)s 超出开放时间，已截断") % values

    def __str__(self) -> str:
        return self.message


def _subtract(a: Pair, opens: list[Pair]) -> list[Pair]:
    s, e = a
    rest = []
    for os_, oe in opens:
        if oe <= s or os_ >= e:
            continue
        if os_ > s:
            rest.append((s, os_))
        s = max(s, oe)
        if s >= e:
            break
    if s < e:
        rest.append((s, e))
    return rest


def _clipping(ctx: VenueData, start: dt.date, end: dt.date) -> list[ClipNote]:
    opens = {room.pk: ctx.open_pairs(room) for room in ctx.rooms}
    notes = []
    for occ in ctx.occurrences:
        if not start <= occ.date < end:
            continue
        scene = occ.scene
        # A 24-hour scene means "whenever the room is open"; being cut is its purpose.
        if window_minutes(scene.starts, scene.ends, scene.overnight) >= MINUTES_PER_DAY:
            continue
        covered = [r for r in ctx.rooms if occ.entry.covers(r.pk)]
        affected: list[Room] = []
        outside: set[Pair] = set()
        entirely = True
        for room in covered:
            rest = _subtract((occ.start, occ.end), opens[room.pk])
            if rest:
                affected.append(room)
                outside.update(rest)
                total = sum((e - s for s, e in rest), dt.timedelta())
                entirely = entirely and total == occ.end - occ.start
        if not affected:
            continue
        names = () if len(affected) == len(covered) else tuple(r.name for r in affected)
        notes.append(
            ClipNote(
                scene=scene,
                date=occ.date,
                room_names=names,
                outside=tuple(
                    Interval(s.astimezone(ctx.zone), e.astimezone(ctx.zone))
                    for s, e in sorted(outside)
                ),
                entirely=entirely,
            )
        )
    notes.sort(key=lambda n: (n.date, n.scene.starts, n.scene.pk or 0))
    return notes


def scene_clipping(*, scene: Scene, start: dt.date, end: dt.date) -> list[ClipNote]:
    """Where ``scene`` reaches outside its rooms' opening hours on the dates [start, end)."""
    from scenes.occurrences import entry_for

    ctx = load_venue_data(venue=scene.venue, start=start, end=end, entries=[entry_for(scene)])
    return ctx.clipping()


def venue_clipping(*, venue: Venue, start: dt.date, end: dt.date) -> list[ClipNote]:
    """ClipNotes of every scene of ``venue`` on the dates [start, end)."""
    return load_venue_data(venue=venue, start=start, end=end).clipping()
