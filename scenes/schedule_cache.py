"""A venue's opening hours and scenes, loaded once per change rather than once per request.

Every timeline (availability, booking checks, the venue page) needs the venue's weekly
hours, exceptions, scenes and scenes' chosen rooms: four queries whose compilation and
fetching cost far more than the timeline arithmetic. They change rarely, so they are
kept in Django's cache under the venue's ``schedule_token`` (spaces.schedule explains
why a token read before the rows makes a cached copy never older than the database).

The cache is CACHES["default"]: with the default locmem backend each gunicorn worker
keeps its own copy (one miss per worker per change; nothing to run or invalidate across
processes, since the token lives in the database). Reading the token is one query by
primary key; the cached value is unpickled per read, so callers get their own copy.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from linli.rows import cursor as rows_cursor
from scenes.models import Scene
from scenes.occurrences import ONE_DAY, SceneEntry
from spaces.hours import HoursRules
from spaces.hours.rules import load_rules
from spaces.models import Room, Venue
from spaces.schedule import schedule_changed

TIMEOUT = 60 * 60  # seconds; a stale entry is never read (new token), this only frees memory


def _load(venue: Venue) -> tuple[HoursRules, list[SceneEntry]]:
    from scenes.resolution import load_entries

    hours = load_rules(venue=venue)  # every exception, so any range is covered
    return hours, load_entries(Scene.objects.filter(venue=venue).order_by("pk"))


def schedule_token(venue: Venue) -> str | None:
    """The venue's current schedule token, read from the database (None: deleted).

    Every availability and booking check reads it first; written by hand because
    compiling the ORM's one-column primary-key read cost ten times running it."""
    with rows_cursor() as cursor:
        cursor.execute(_token_sql(), [venue.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def _token_sql() -> str:
    q, meta = connection.ops.quote_name, Venue._meta
    return (
        f"SELECT {q(meta.get_field('schedule_token').column)} FROM {q(meta.db_table)} "
        f"WHERE {q(meta.pk.column)} = %s"
    )


def venue_schedule(
    venue: Venue, *, token: str | None = None
) -> tuple[HoursRules, list[SceneEntry]]:
    """The venue's HoursRules (all exceptions) and all its scenes as SceneEntries.

    ``token``: the venue's schedule_token as the caller read it under the venue lock
    (spaces.locks), still current for its whole transaction; otherwise it is read here."""
    if token is None:
        token = schedule_token(venue)
    if token is None:  # deleted meanwhile: nothing worth keeping
        return _load(venue)
    key = f"linli:schedule:{venue.pk}:{token}"
    value = cache.get(key)
    if value is None:
        value = _load(venue)
        cache.set(key, value, TIMEOUT)
    hours, entries = value
    hours.venue = venue  # the caller's row: its zone and holiday policy as read now
    return hours, entries


def warm() -> int:
    """Load every venue's schedule into this process's cache (each under its current
    token, as ``venue_schedule`` does); returns how many. A gunicorn worker calls it
    before taking requests (linli/gunicorn.conf.py), so the first booking at each venue
    after a start does not pay for loading its schedule: about 1 ms a venue, once."""
    venues = list(Venue.objects.all())
    for venue in venues:
        venue_schedule(venue)
    return len(venues)


def entries_between(entries: list[SceneEntry], start: dt.date, end: dt.date) -> list[SceneEntry]:
    """The entries ``resolution.scenes_query`` would select for [start, end), in order."""
    before = start - ONE_DAY
    kept = []
    for entry in entries:
        s = entry.scene
        if s.one_off_date is None:
            if s.valid_from < end and (s.valid_until is None or s.valid_until >= before):
                kept.append(entry)
        elif before <= s.one_off_date < end:
            kept.append(entry)
    return kept


@receiver(post_save, sender=Scene)
@receiver(post_delete, sender=Scene)
def _scene_changed(sender, instance, **kwargs) -> None:
    schedule_changed(instance.venue_id)


@receiver(m2m_changed, sender=Scene.rooms.through)
def _scene_rooms_changed(sender, instance, action, **kwargs) -> None:
    # instance is the Scene (scene.rooms.set) or the Room (room.scenes.add)
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, (Scene, Room)):
        schedule_changed(instance.venue_id)
