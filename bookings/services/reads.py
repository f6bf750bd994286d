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


def _claims_parts() -> tuple[str, str]:
    booked = (
        f"SELECT {quote('id')}, {quote('status')}, {quote('checkin_closes_at')}"
        f" FROM {quote(Booking._meta.db_table)} WHERE {quote('room_id')} = %s"
        f" AND {quote('starts_at')} < %s AND {quote('starts_at')} > %s AND {quote('ends_at')} > %s"
        f" AND {quote('status')} IN (%s, %s, %s)"
    )
    event = (
        f"SELECT {quote('id')}, NULL, NULL FROM {quote(Event._meta.db_table)}"
        f" WHERE {quote('room_id')} = %s AND {quote('starts_at')} < %s"
        f" AND {quote('ends_at')} > %s AND {quote('status')} = %s"
    )
    return booked, event


def _claims_params(room_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> list:
    t = connection.ops.adapt_datetimefield_value
    lower = starts_at - rules.LONGEST  # rules.overlapping's lower bound, for the index
    params = [room_id, t(ends_at), t(lower), t(starts_at), *(s.value for s in HOLDING)]
    return params + [room_id, t(ends_at), t(starts_at), Event.Status.PUBLISHED.value]


def _active_part() -> str:
    return (
        f"SELECT {quote('scene_id')} FROM {quote(Booking._meta.db_table)}"
        f" WHERE {quote('resident_id')} = %s AND {quote('group_id')} IS NULL"
        f" AND {quote('status')} IN (%s, %s) AND {quote('checkin_closes_at')} > %s"
        f" AND {quote('ends_at')} > %s"
    )


def _active_params(user_id: int, now: dt.datetime) -> list:
    t = connection.ops.adapt_datetimefield_value
    return [user_id, Status.PENDING.value, Status.CONFIRMED.value, t(now), t(now)]


_active_sql = statement(_active_part)


def active_scene_ids(user_id: int, now: dt.datetime) -> list[int]:
    """The scenes of the resident's own (not a group's) bookings that count against a
    scene's per-resident limit: pending or confirmed, check-in window still open (so still
    holding), not ended; one entry per booking. Read from the resident's few rows (the
    resident index), not the scene's whole history."""
    with rows_cursor() as cursor:
        cursor.execute(_active_sql(), _active_params(user_id, now))
        return [scene_id for (scene_id,) in cursor.fetchall()]


@statement
def _visitor_sql() -> str:
    return (
        f"SELECT {quote('key')} FROM {quote(Visitor._meta.db_table)} WHERE {quote('user_id')} = %s"
    )


def visitor_key(user, *, missing: bool = False) -> uuid.UUID:
    """The resident's visitor key (bookings.visitors), created on first use.
    ``missing``: the caller read it just now and found none (``before_insert``)."""
    if not missing:
        row = one(_visitor_sql(), [user.pk])
        if row is not None:
            return _key(row[0])
    # The resident's first booking: get_or_create's insert, by hand (linli.rows). A
    # concurrent first booking at another venue may win; then its row is the one.
    visitor = Visitor(user=user)
    if not insert(visitor, skip_conflicts=True):
        return _key(one(_visitor_sql(), [user.pk])[0])
    return visitor.key


class Before(NamedTuple):
    """What booking_create decides on under the lock, read in one statement."""

    active: list[int] | None  # active_scene_ids (None: not asked)
    recorded: list[Recorded]  # claims
    event: bool  # claims
    visitor: uuid.UUID | None  # the resident's visitor key, None until the first booking


_ACTIVE, _BOOKED, _EVENT, _VISITOR = 1, 2, 3, 4


def _before_sql(with_active: bool) -> str:
    booked, event = _claims_parts()
    # Each part's rows tagged with where they come from, in the same four columns; the
    # key is cast to text so the columns agree on PostgreSQL (uuid and varchar).
    parts = [
        booked.replace("SELECT ", f"SELECT {_BOOKED}, ", 1),
        event.replace("SELECT ", f"SELECT {_EVENT}, ", 1),
        _visitor_sql().replace(
            f"SELECT {quote('key')}",
            f"SELECT {_VISITOR}, NULL, CAST({quote('key')} AS TEXT), NULL",
            1,
        ),
    ]
    if with_active:
        active = _active_part().replace(
            f"SELECT {quote('scene_id')}", f"SELECT {_ACTIVE}, {quote('scene_id')}, NULL, NULL", 1
        )
        parts.append(active)
    return " UNION ALL ".join(parts)


_before_with_active = statement(lambda: _before_sql(True))
_before_without = statement(lambda: _before_sql(False))


def before_insert(
    *,
    user_id: int,
    room_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    active: bool,
) -> Before:
    """``active_scene_ids`` (when ``active``), ``claims`` and the visitor key, in one
    statement: three round trips to PostgreSQL were one each."""
    params = _claims_params(room_id, starts_at, ends_at) + [user_id]
    if active:
        params += _active_params(user_id, now)
    sql = _before_with_active() if active else _before_without()
    with rows_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = Before([] if active else None, [], False, None)
    for tag, pk, text, closes in rows:
        if tag == _BOOKED:
            found.recorded.append(Recorded(pk, text, _closes(closes)))
        elif tag == _EVENT:
            found = found._replace(event=True)
        elif tag == _VISITOR:
            found = found._replace(visitor=uuid.UUID(text))
        else:
            found.active.append(pk)
    return found
