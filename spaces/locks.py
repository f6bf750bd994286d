"""The one venue lock: every write that changes what is open, scheduled or booked at a
venue takes it first, inside its transaction, before it reads anything it decides on.

Lock, then check, then write: hours, exceptions, rooms, scenes, events (and bookings
next) all read the venue's timeline to decide whether a write is allowed. Two such
writes at once must not both pass their checks against the same old state, so each
one serialises on the venue row.

On PostgreSQL this is ``SELECT ... FOR UPDATE`` on the venue row. On SQLite the
settings open every transaction IMMEDIATE, so a writer already holds the database's
write lock from ``BEGIN`` on and ``FOR UPDATE`` is a no-op; the call is still made
everywhere so that the code reads the same on both databases, the transaction is
checked to be open, and the venue row is re-read (a deleted venue is NotFound).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from linli.errors import NotFound
from linli.rows import Columns, one, quote, statement
from spaces.models import Room, Venue
from spaces.selectors import room_from_row, room_with_venue_sql


def venue_lock(venue: Venue | int) -> Venue:
    """Lock ``venue`` (or its id) until the surrounding transaction ends; return the row
    as it is now (fields changed by a writer that held the lock before us included)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("venue_lock() must be called inside transaction.atomic()")
    pk = venue if isinstance(venue, int) else venue.pk
    # Written by hand (linli.rows): every booking takes the lock, and compiling the ORM's
    # SELECT ... FOR UPDATE cost several times running it.
    row = one(_lock_sql(), [pk])
    if row is None:
        raise NotFound(_("找不到该场馆。"), code="venue_not_found")
    return _VENUE.instance(row)


def room_lock(room_id: int) -> Room:
    """Lock the venue of room ``room_id`` as ``venue_lock`` does, in the same statement
    that reads the room: the room with its ``venue``, both as they are now. NotFound
    ``room_not_found`` when there is no such room. For a write that starts from a room
    id (a booking), one round trip instead of the venue's and then the room's."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("room_lock() must be called inside transaction.atomic()")
    row = one(_room_lock_sql(), [room_id])
    if row is None:
        raise NotFound(_("找不到该功能室。"), code="room_not_found", field="room")
    return room_from_row(row)


_VENUE = Columns(Venue, "v")


@statement
def _lock_sql() -> str:
    sql = f"SELECT {_VENUE.sql()} FROM {_VENUE.table()} WHERE {_VENUE.col('id')} = %s"
    if transaction.get_connection().features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql


@statement
def _room_lock_sql() -> str:
    sql = room_with_venue_sql()  # the same read as spaces.selectors.room_with_venue
    if transaction.get_connection().features.has_select_for_update:
        # The venue row as venue_lock locks it, then the room row: PostgreSQL locks them
        # in FROM's order, so a room edit holding the venue lock (which then updates the
        # room) is waited for, not deadlocked with. Locking the room too is what brings
        # it back as it is now: after waiting for a lock PostgreSQL re-reads only the
        # rows the statement locks (READ COMMITTED), and the room would otherwise be the
        # one from before that edit. NO KEY UPDATE, as an UPDATE of the room takes: it
        # does not wait for transactions that merely insert rows referring to the room.
        # "v" and "r": room_with_venue_sql's aliases.
        sql += f" FOR UPDATE OF {quote('v')} FOR NO KEY UPDATE OF {quote('r')}"
    return sql
