"""Date arithmetic in SQL without per-row Python: Django's own date functions on SQLite are
Python callbacks (each row parses a date string in Python), too slow over a year of
check-ins. These compile to each backend's built-in functions instead: expressions for
the ORM, and ``raw`` for the hand-written SQL of visit_sql."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Func, IntegerField

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """What ``DayNumber`` gives for ``day``: days since 1970-01-01."""
    return (day - EPOCH).days


_RAW = {
    "sqlite": {
        "plus_days": "date({x}, '+{n} days')",
    },
    "postgresql": {
        "plus_days": "({x} + {n})",
    },
}


def raw(name: str, x: str, n: int = 0) -> str:
    """Raw SQL of this connection's backend: ``plus_days``, the date ``x`` plus ``n`` days
    (``n`` an int of ours; ISO text on SQLite, a date on PostgreSQL)."""
    return _RAW[connection.vendor][name].format(x=x, n=int(n))


class DayNumber(Func):
    """A date as days since 1970-01-01 (an integer: one day later is one more)."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')")


class MonthNumber(Func):
    """A date's month as year * 12 + month - 1 (one month later is one more)."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        # %%%% in the template: %% in the SQL, which the SQLite cursor turns into one %.
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(strftime('%%%%Y', %(expressions)s) AS INTEGER) * 12"
            " + CAST(strftime('%%%%m', %(expressions)s) AS INTEGER) - 1)",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER) * 12"
            " + CAST(EXTRACT(MONTH FROM %(expressions)s) AS INTEGER) - 1)",
        )


class Seconds(Func):
    """Whole seconds from the second datetime to the first (``end - start``)."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        # Datetimes are ISO text on SQLite; julianday reads it natively.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER)",
            arg_joiner=") - julianday(",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS BIGINT)",
            arg_joiner=" - ",
        )


class EpochSeconds(Func):
    """A datetime as whole seconds since 1970-01-01 00:00 UTC."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        # Datetimes are ISO text in UTC on SQLite (USE_TZ); julianday reads it natively.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )
