"""Rate limits counted in the database, shared by sign-in codes, staff sign-in and groups.

Several gunicorn workers share the database, not a local-memory cache, so each limit is a
count of recent ledger rows (LoginCode, StaffLoginFailure, Group, GroupInvitation) inside a
time window.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Limit:
    window: dt.timedelta
    count: int


def whole_seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def human_wait(seconds: int) -> str:
    """ "30 秒", "15 分钟", "1 小时" — how long to wait, rounded up."""
    if seconds < 60:
        return ngettext("%(n)d 秒", "%(n)d 秒", seconds) % {"n": seconds}
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d 小时", "%(n)d 小时", hours) % {"n": hours}


def serialise(*keys: str) -> None:
    """Make concurrent requests for the same key (number, username, IP) take turns.

    Without this, two simultaneous requests could both pass a limit check. PostgreSQL gets
    a transaction-scoped advisory lock per key (always taken in the same order, so no
    deadlock); SQLite needs nothing, as settings open every transaction with BEGIN
    IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in keys:
            digest = salted_hmac("accounts.otp.lock", key, algorithm="sha256").digest()
            lock_id = int.from_bytes(digest[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def full_window_wait(queryset, limit: Limit, now: dt.datetime, *, adding: int = 1):
    """How long until ``queryset`` (rows with ``created_at``) has room for ``adding`` more.

    None when there is room now. ``adding`` beyond ``limit.count`` never fits; the wait is
    then the whole window (the caller should refuse such a request outright).
    """
    if adding > limit.count:
        return limit.window
    recent = list(
        queryset.filter(created_at__gt=now - limit.window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: limit.count]
    )
    must_leave = len(recent) + adding - limit.count
    if must_leave <= 0:
        return None
    # Room for ``adding`` once the oldest ``must_leave`` of the counted rows leave the window.
    return recent[-must_leave] + limit.window - now
