"""Open now? And until / from when. For badges, lists and the "open now" filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from spaces.calendar import MAX_DATE, MIN_DATE
from spaces.hours.compute import (
    clipped,
    date_out_of_range,
    local_midnight_utc,
    prepare_rules,
    resolve,
)
from spaces.hours.rules import HoursRules, load_rules_many
from spaces.hours.types import UTC, OpenStatus
from spaces.models import Room, Venue

# How far ahead the next opening is looked for: past a two-week closure a resident is
# told "暂无开放安排" rather than a date weeks away.
LOOKAHEAD_DAYS = 14


def _window(venue: Venue, at: dt.datetime) -> tuple[dt.date, dt.date]:
    today = at.astimezone(venue.zone).date()
    if not MIN_DATE < today <= MAX_DATE - dt.timedelta(days=LOOKAHEAD_DAYS + 1):
        raise date_out_of_range()
    return today, today + dt.timedelta(days=LOOKAHEAD_DAYS + 1)


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("open_status needs an aware datetime")


def open_status(
    *,
    venue: Venue,
    room: Room | None = None,
    at: dt.datetime,
    rules: HoursRules | None = None,
) -> OpenStatus:
    """Whether ``venue`` (or ``room``) is open at ``at`` and when that next changes.

    ``changes_at`` is looked for up to LOOKAHEAD_DAYS ahead; None if nothing changes by
    then (closed all that time, or open without a break).
    """
    _require_aware(at)
    start, end = _window(venue, at)
    rules = prepare_rules(venue=venue, room=room, start=start, end=end, rules=rules)
    resolved = resolve(rules=rules, room=room, start=start, end=end)
    zone = resolved.zone
    horizon = local_midnight_utc(end, zone)
    now = at.astimezone(UTC)
    local_at = at.astimezone(zone)
    for s, e in clipped(resolved, start, end):
        if s <= now < e:
            closes = e.astimezone(zone) if e < horizon else None
            return OpenStatus(True, closes, local_at, venue.time_zone)
        if s > now:
            return OpenStatus(False, s.astimezone(zone), local_at, venue.time_zone)
    return OpenStatus(False, None, local_at, venue.time_zone)


def open_status_many(*, venues: Iterable[Venue], at: dt.datetime) -> dict[int, OpenStatus]:
    """open_status for each venue (venue-level hours), keyed by venue id, in two queries."""
    _require_aware(at)
    venues = list(venues)
    if not venues:
        return {}
    windows = [_window(v, at) for v in venues]
    start = min(w[0] for w in windows)
    end = max(w[1] for w in windows)
    all_rules = load_rules_many(venues=venues, start=start, end=end)
    return {v.pk: open_status(venue=v, at=at, rules=all_rules[v.pk]) for v in venues}
