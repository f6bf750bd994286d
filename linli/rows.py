"""Model rows read by hand-written SQL, turned into instances exactly as the ORM would.

For the few reads every booking or availability request makes (the venue lock, the room,
the caller's token): compiling an ORM query costs ~0.15 ms of Python on each call, five
to ten times executing it (bench/booking_breakdown.py), while the statement itself never
changes. ``Columns`` writes a model's column list once per alias and applies the same
converters the ORM applies to each value (SQLite's booleans, aware datetimes, JSON), so
the instances are the ones ``Model.objects.get()`` would return::

    room, venue = Columns(Room, "r"), Columns(Venue, "v")
    row = one(f"SELECT {room.sql()}, {venue.sql()} FROM ... WHERE r.id = %s", [pk])
    r, v = room.instance(row), venue.instance(row, room.width)

tests/test_rows.py checks instances against the ORM's for every model used this way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


@contextlib.contextmanager
def cursor() -> Iterator:
    """A cursor for these hand-written statements: ``connection.cursor()``, except that on
    PostgreSQL each statement is prepared on the connection and then run from its
    generic plan (settings: ``plan_cache_mode``). Planning the few statements a booking
    runs took longer than running them (~0.3-1 ms each against a million bookings,
    EXPLAIN ANALYZE), and they are the same statements every time, only the values
    change. Django's own cursors bind values on the client, which cannot prepare
    (``server_side_binding`` stays off: some ORM queries fail with it); this one binds
    them on the server. It is made by ``connection.cursor()`` itself (health check, time
    zone, error translation, wrapping), only of the server-binding class.

    psycopg forgets every prepared statement at a rollback (and asks the server to drop
    them): after a refused booking (409, 422) each is prepared again on its next run,
    one round trip more each, once. With prepared statements off (``DATABASE_PREPARED=0``,
    linli/settings.py: behind a pooler in transaction mode) it is an ordinary cursor
    that binds on the server. While Django logs queries (DEBUG, assertNumQueries) it is
    Django's own cursor: the log shows each statement with its values, which Django
    cannot write for a server-bound one."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        with connection.cursor() as found:
            yield found
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    default = raw.cursor_factory
    raw.cursor_factory = _prepared_cursor_class()
    try:
        made = connection.cursor()
    finally:
        raw.cursor_factory = default
    with made as found:
        yield found


@functools.cache
def _prepared_cursor_class() -> type:
    # Imported here: the PostgreSQL backend needs psycopg, which SQLite setups may lack.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparedCursor


def one(sql: str, params: Sequence) -> tuple | None:
    """The first row of ``sql``, or None."""
    with cursor() as found:
        found.execute(sql, params)
        return found.fetchone()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def statement(build: Callable[[], str]) -> Callable[[], str]:
    """``build()``'s SQL text, written once per database backend and then reused: quoting
    each name through the connection on every call cost as much as running the query."""
    texts: dict[str, str] = {}

    def text() -> str:
        vendor = connection.vendor
        found = texts.get(vendor)
        if found is None:
            found = texts[vendor] = build()
        return found

    return text


class Columns:
    """A model's concrete columns under a table alias: the SELECT list, and instances from
    the values a row holds there."""

    def __init__(self, model: type[models.Model], alias: str) -> None:
        self.model, self.alias = model, alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: dict[str, list] = {}

    def table(self) -> str:
        """``"table" "alias"`` for the FROM clause."""
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def col(self, name: str) -> str:
        """One column of this alias, by field name (``venue`` -> ``"v"."venue_id"``)."""
        return f"{quote(self.alias)}.{quote(self.model._meta.get_field(name).column)}"

    def sql(self) -> str:
        return ", ".join(f"{quote(self.alias)}.{quote(f.column)}" for f in self.fields)

    def _converters_for(self) -> list[tuple[int, object, list]]:
        # Per backend: what the ORM's compiler applies to each selected column (only the
        # columns that have any).
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for i, field in enumerate(self.fields):
                col = field.get_col(self.alias)
                convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if convs:
                    found.append((i, col, convs))
            self._converters[connection.vendor] = found
        return found

    def instance(self, row: Sequence, start: int = 0) -> models.Model:
        """The instance whose columns are ``row[start:start + width]``."""
        values = list(row[start : start + self.width])
        for i, col, converters in self._converters_for():
            value = values[i]
            for convert in converters:
                value = convert(value, col, connection)
            values[i] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


def converter(model: type[models.Model], name: str) -> Callable:
    """A function turning one value of ``model``'s field ``name``, as the database hands it
    back, into what the ORM would give (for hand-written reads of single columns)."""
    col = model._meta.get_field(name).get_col(model._meta.db_table)
    found: dict[str, list] = {}

    def convert(value):
        converters = found.get(connection.vendor)
        if converters is None:
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            found[connection.vendor] = converters
        for f in converters:
            value = f(value, col, connection)
        return value

    return convert


# The fields whose common values get_db_prep_save passes through unchanged (str and int
# subclasses, choices' members among them, go the long way), and those that pass an int
# through the backend's adapter. Exact classes: a subclass may prepare its values itself.
_UNCHANGED: dict[type, type] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
}
_INTEGERS = {
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
}


def preparer(field: models.Field) -> Callable:
    """``prep(value, connection)``: ``field.get_db_prep_save(value, connection)``, with
    the common values of the common fields taken straight: None, a plain str, bool or
    int as they are, or an int, an aware datetime and a date through the backend's
    adapter, as the field would. Anything else takes the field's own path. A booking's
    insert prepares some sixty values, and the full call chain for each was a quarter
    of the request's time (tests/test_rows.py compares the two for every field written
    this way, on both databases)."""

    def slow(value, conn):
        return field.get_db_prep_save(value, conn)

    target = field.target_field if field.is_relation else field
    kind = type(target)
    if kind in _INTEGERS:
        name = target.get_internal_type()
        # As the field does: PostgreSQL's backend types the value (psycopg's Int4, Int8)
        # for server-side binding; SQLite's returns it as it is.
        return lambda value, conn: (
            None
            if value is None
            else conn.ops.adapt_integerfield_value(value, name)
            if type(value) is int
            else slow(value, conn)
        )
    if kind in _UNCHANGED:
        plain = _UNCHANGED[kind]
        return lambda value, conn: (
            value if value is None or type(value) is plain else slow(value, conn)
        )
    if kind is models.DateTimeField:
        return lambda value, conn: (
            None
            if value is None
            else conn.ops.adapt_datetimefield_value(value)
            if type(value) is dt.datetime and value.tzinfo is not None
            else slow(value, conn)
        )
    if kind is models.DateField:
        return lambda value, conn: (
            None
            if value is None
            else conn.ops.adapt_datefield_value(value)
            if type(value) is dt.date
            else slow(value, conn)
        )
    return slow


_INSERTS: dict[tuple[str, type, int, bool], tuple[str, list]] = {}  # (backend, model, rows, skip)


def insert(*objs: models.Model, skip_conflicts: bool = False) -> bool:
    """``obj.save()`` for new rows of one model, by hand, in one statement: the same
    columns and values (each field's ``pre_save`` and ``get_db_prep_save``, so defaults
    and ``auto_now_add`` are filled in on each object as save() fills them), and an
    automatic primary key set on the object (one row at a time then; a key with a
    Python default is there already). No pre_save/post_save signal is sent: only for
    models nobody listens to, or whose listeners' work the caller does (tests/
    test_rows.py checks the rows against save()'s).

    ``skip_conflicts``: ``ON CONFLICT DO NOTHING``, for one row: a row that a unique
    constraint (or, on PostgreSQL, an exclusion constraint) refuses is not written and
    insert() returns False instead of raising, leaving the transaction usable without a
    savepoint around the insert (two statements fewer; on PostgreSQL a failed statement
    would end the transaction). Any other refusal still raises IntegrityError. Returns
    whether the row was written."""
    model, meta = type(objs[0]), objs[0]._meta
    auto = meta.auto_field is not None
    if auto and len(objs) != 1:
        raise ValueError("insert() writes one row at a time when the database makes the key")
    if skip_conflicts and len(objs) != 1:
        raise ValueError("insert(skip_conflicts=True) writes one row")
    key = (connection.vendor, model, len(objs), skip_conflicts)
    found = _INSERTS.get(key)
    if found is None:
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
            f" VALUES {', '.join([row] * len(objs))}"
        )
        if skip_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if auto and connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(meta.pk.column)}"
        found = _INSERTS[key] = (sql, [(f, preparer(f)) for f in fields])
    sql, fields = found
    conn = connections[DEFAULT_DB_ALIAS]  # this thread's, looked up once
    values = [prep(f.pre_save(obj, True), conn) for obj in objs for f, prep in fields]
    with cursor() as found:
        found.execute(sql, values)
        if auto and connection.features.can_return_columns_from_insert:
            returned = found.fetchone()
            if returned is None:  # skipped: a conflict
                return False
            objs[0].pk = returned[0]
        elif skip_conflicts and found.rowcount == 0:
            return False
        elif auto:
            objs[0].pk = found.lastrowid
    for obj in objs:
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
    return True
