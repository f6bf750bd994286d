"""What booking_create reads under the venue lock, written in SQL by hand.

Each booking runs these reads once, in its IMMEDIATE transaction; compiled by the ORM
each cost several times what running it does (bench/booking_breakdown.py), and their
shape never changes. What they select is still declared once elsewhere: the bounds of an
overlap are rules.overlapping's, the recorded-as-holding states models.HOLDING, a
published event scenes' Event.Status, the active bookings' conditions the ones
booking_check documents. tests/bookings/test_reads.py checks each against the ORM query
it stands for.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import NamedTuple

from django.db import connection

from bookings import rules
from bookings.models import HOLDING, Booking, Status, Visitor
from linli.rows import converter, insert, one, quote, statement
from linli.rows import cursor as rows_cursor
from scenes.models import Event

_closes = converter(Booking, "checkin_closes_at")
_key = converter(Visitor, "key")


class Recorded(NamedTuple):
    """A booking recorded as holding its slot (bookings.states sorts it)."""

    pk: int
    status: str
    checkin_closes_at: dt.datetime


@statement
def _claims_sql() -> str:
    return (
        f"SELECT {quote('id')}, {quote('status')}, {quote('checkin_closes_at')}"
        f" FROM {quote(Booking._meta.db_table)} WHERE {quote('room_id')} = %s"
        f" AND {quote('starts_at')} < %s AND {quote('starts_at')} > %s AND {quote('ends_at')} > %s"
        f" AND {quote('status')} IN (%s, %s, %s)"
        f" UNION ALL SELECT {quote('id')}, NULL, NULL FROM {quote(Event._meta.db_table)}"
        f" WHERE {quote('room_id')} = %s AND {quote('starts_at')} < %s"
        f" AND {quote('ends_at')} > %s AND {quote('status')} = %s"
    )


def claims(room_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[list, bool]:
    """The bookings recorded as holding (models.HOLDING) that overlap [starts_at,
    ends_at) in the room, and whether a published event does: one statement."""
    t = connection.ops.adapt_datetimefield_value
    lower = starts_at - rules.LONGEST  # rules.overlapping's lower bound, for the index
    params = [room_id, t(ends_at), t(lower), t(starts_at), *(s.value for s in HOLDING)]
    params += [room_id, t(ends_at), t(starts_at), Event.Status.PUBLISHED.value]
    with rows_cursor() as cursor:
        cursor.execute(_claims_sql(), params)
        rows = cursor.fetchall()
    recorded = [Recorded(pk, status, _closes(c)) for pk, status, c in rows if status is not None]
    return recorded, len(recorded) < len(rows)


@statement
def _active_sql() -> str:
    return (
        f"SELECT {quote('scene_id')} FROM {quote(Booking._meta.db_table)}"
        f" WHERE {quote('resident_id')} = %s AND {quote('group_id')} IS NULL"
        f" AND {quote('status')} IN (%s, %s) AND {quote('checkin_closes_at')} > %s"
        f" AND {quote('ends_at')} > %s"
    )


def active_scene_ids(user_id: int, now: dt.datetime) -> list[int]:
    """The scenes of the resident's own (not a group's) bookings that count against a
    scene's per-resident limit: pending or confirmed, check-in window still open (so still
    holding), not ended; one entry per booking. Read from the resident's few rows (the
    resident index), not the scene's whole history."""
    t = connection.ops.adapt_datetimefield_value
    params = [user_id, Status.PENDING.value, Status.CONFIRMED.value, t(now), t(now)]
    with rows_cursor() as cursor:
        cursor.execute(_active_sql(), params)
        return [scene_id for (scene_id,) in cursor.fetchall()]


@statement
def _visitor_sql() -> str:
    return (
        f"SELECT {quote('key')} FROM {quote(Visitor._meta.db_table)} WHERE {quote('user_id')} = %s"
    )


def visitor_key(user) -> uuid.UUID:
    """The resident's visitor key (bookings.visitors), created on first use."""
    row = one(_visitor_sql(), [user.pk])
    if row is not None:
        return _key(row[0])
    # The resident's first booking: get_or_create's insert, by hand (linli.rows). A
    # concurrent first booking at another venue may win; then its row is the one.
    visitor = Visitor(user=user)
    if not insert(visitor, skip_conflicts=True):
        return _key(one(_visitor_sql(), [user.pk])[0])
    return visitor.key
