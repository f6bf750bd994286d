#!/usr/bin/env python3
"""Metrics at a street's scale, against `make run`, over HTTP.

    make bench-metrics          # data once (50 venues, 300k bookings, 1M check-ins), then this

Prints, in one run, with the server started on a free port and stopped at the end:

1. a bare ``COUNT(*)`` of the rows the metrics read (the venue's check-ins and bookings
   of the year; all venues' for the second figure), run here, p50 — the floor any
   aggregate over those rows pays;
2. ``GET /api/metrics?venue=ID&from=&to=`` for one venue over a year, p50 (target 500 ms),
   and with neither venue nor community (every venue the caller sees), p50 (target 3 s),
   each with its ratio to the COUNT(*) of the same rows;
3. the operator dashboard page for one venue over the default period, p50 (target 1 s);
4. the peak RSS (VmHWM) of each gunicorn worker after all of it.

The caller is a bench administrator (is_staff) with an API token, and for the page an
operator of the venue with a session.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import p50, timed  # noqa: E402


def count_rows(venue_ids: list[int] | None, start: dt.date, end: dt.date) -> int:
    from django.db import connection

    where, params = "local_date >= %s AND local_date < %s", [start, end]
    if venue_ids is not None:
        where += f" AND venue_id IN ({', '.join(['%s'] * len(venue_ids))})"
        params += venue_ids
    total = 0
    with connection.cursor() as cursor:
        for table in ("bookings_checkin", "bookings_booking"):
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params)
            total += cursor.fetchone()[0]
    return total


def measure(f, n: int) -> tuple[float, object]:
    values, result = [], None
    for _ in range(n):
        started = time.perf_counter()
        result = f()
        values.append((time.perf_counter() - started) * 1000)
    return p50(values), result


def callers(venue_id: int) -> tuple[str, str]:
    """A bench administrator's API token and a session cookie of the venue's operator."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from accounts.privacy import PRIVACY_POLICY_VERSION
    from accounts.tokens import api_token_create
    from spaces.models import VenueRole

    stamp = time.time_ns() % 10**8
    admin = User.objects.create(
        username=f"bench-admin-{stamp}",
        phone=f"166{stamp:08d}",
        is_staff=True,
        is_superuser=True,  # an administrator: every venue (spaces.permissions)
        privacy_consent_at=timezone.now(),
        privacy_consent_version=PRIVACY_POLICY_VERSION,
    )
    _token, plain = api_token_create(user=admin, name="bench")
    operator = User.objects.create(
        username=f"bench-op-{stamp}",
        phone=f"167{stamp:08d}",
        is_staff=True,
        privacy_consent_at=timezone.now(),
        privacy_consent_version=PRIVACY_POLICY_VERSION,
    )
    VenueRole.objects.create(venue_id=venue_id, user=operator, role=VenueRole.Role.OPERATOR)
    session = SessionStore()
    session[SESSION_KEY] = str(operator.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = operator.get_session_auth_hash()
    session.create()
    return plain, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument(
        "--dashboard", default="/operate/metrics/?venue={venue}", help="the dashboard page's path"
    )
    options = parser.parse_args()

    # The session made here must be valid for the server: the same SECRET_KEY as `make
    # run`'s (var/secret_key, made the way the Makefile makes it when missing).
    key_file = harness.ROOT / "var" / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50) + "\n")
        key_file.chmod(0o600)
    os.environ["SECRET_KEY"] = key_file.read_text().strip()
    harness.setup_django()
    from django.db import connection
    from django.utils import timezone

    from bookings.management.commands.bench_bookings_data import PREFIX
    from spaces.models import Venue

    venues = list(
        Venue.objects.filter(name__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )
    if not venues:
        raise SystemExit("no benchmark data: run make bench-metrics-data first")
    venue = venues[len(venues) // 2]
    end = timezone.localdate()
    start = end - dt.timedelta(days=365)
    print(f"database: {harness.database_label()}; {len(venues)} bench venues")
    with connection.cursor() as cursor:
        for table in ("bookings_booking", "bookings_checkin", "bookings_rating"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            print(f"  {table}: {cursor.fetchone()[0]} rows")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")

    n = options.iterations
    one_count, rows_one = measure(lambda: count_rows([venue], start, end), n)
    all_count, rows_all = measure(lambda: count_rows(None, start, end), n)
    print(
        f"\nbare COUNT(*) here, p50 of {n}: one venue-year {one_count:.1f} ms ({rows_one} rows);"
        f" all venues {all_count:.1f} ms ({rows_all} rows)"
    )
    token, cookie = callers(venue)
    connection.close()

    port = harness.free_port()
    log = Path(tempfile.gettempdir()) / f"linli-bench-metrics-{port}.log"
    server = harness.Server(port, log)
    print(f"\nstarting `make run` on port {port} (log: {log}) ...", flush=True)
    server.start()
    results = {}
    try:
        one = f"/api/metrics?venue={venue}&from={start}&to={end}"
        every = f"/api/metrics?from={start}&to={end}"
        page = options.dashboard.format(venue=venue)
        for name, path, kwargs, target, floor in (
            ("API, one venue-year", one, {"token": token}, 500, one_count),
            ("API, all venues, a year", every, {"token": token}, 3000, all_count),
            ("dashboard page, one venue", page, {"cookie": cookie}, 1000, None),
        ):
            # The first request after the start: cold (per-process caches such as the
            # schedule's hours, metrics.selectors.hours, are empty in that worker). Then
            # the p50 of the next ones: warm, but for the booked time and the visits,
            # which are read every time.
            status, cold_ms, body = timed(port, "GET", path, **kwargs)
            if status != 200:
                print(f"  {name}: HTTP {status} {body[:160]!r} (not available yet?)")
                continue
            print(f"  {name:28s} first request (cold) {cold_ms:8.1f} ms")
            results[f"{name} (cold)"] = round(cold_ms, 1)
            ms, _ = measure(lambda p=path, k=kwargs: timed(port, "GET", p, **k), n)
            ratio = f", {ms / floor:.0f}x the bare COUNT(*)" if floor else ""
            verdict = "ok" if ms <= target else "OVER TARGET"
            print(f"  {name:28s} p50 {ms:8.1f} ms (target <= {target} ms: {verdict}){ratio}")
            results[name] = round(ms, 1)
        print(
            f"  workers' peak RSS: {', '.join(f'{v:.0f} MB' for v in server.worker_rss_mb('VmHWM'))}"
        )
    finally:
        server.stop()
    print(
        json.dumps(
            {"date": dt.date.today().isoformat(), "database": connection.vendor, **results},
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
