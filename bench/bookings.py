#!/usr/bin/env python3
"""Bookings at city scale: availability and booking creation against `make run`, over HTTP.

    .venv/bin/python manage.py bench_bookings_data --rooms 1000 --bookings 1000000
    .venv/bin/python bench/bookings.py [--duration 60] [--clients 32]
    make bench-bookings                       # both, in var/bench (SQLite)

Uses the database the server would use (DATABASE_URL, else SQLite in LINLI_VAR_DIR), fills
it with `bench_bookings_data` first. Prints, in one run:

1. in-process (no server; CPU time of this process, so other load on the machine does not
   count): a room-week's availability with the schedule cache and its grid (bookings.
   selectors.grid) and without either, the room's timeline with the schedule cache and
   without it, and booking_create, each as a ratio to /api/health's own median;
2. over HTTP against `make run` started on a free port (and stopped at the end): p50 of
   GET /api/rooms/{id}/availability?from=&to= (a week) and of POST /api/bookings, both
   interleaved with GET /api/health so that all three see the same machine;
3. 32 concurrent clients creating bookings for --duration seconds: statuses, 5xx (must be
   0), throughput, then overlaps checked in SQL (must be 0) and every 201 found;
4. the RSS of each gunicorn worker before and after the load.

Endpoints that do not exist yet are reported as such and their phases skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import p50, p95, timed  # noqa: E402


def in_process(room_id: int, iterations: int) -> None:
    """Ratios to /api/health of the code paths behind the endpoints, no network."""
    from django.conf import settings
    from django.core.cache.backends.dummy import DummyCache
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    import scenes.schedule_cache as schedule_cache
    from bookings.selectors import grid
    from bookings.selectors.availability import room_availability
    from bookings.services.bookings import booking_create
    from scenes.resolution import room_timeline
    from spaces.models import Room

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    room = Room.objects.select_related("venue").get(pk=room_id)
    today = timezone.localdate()
    week = today + dt.timedelta(days=7)
    users = iter(harness.Tokens(iterations + 10).users)
    slots = harness.Slots([room_id])
    cached = schedule_cache.cache

    def uncached(f):
        def run():
            schedule_cache.cache = DummyCache("dummy", {})  # every read loads the rows
            grid.clear()  # and the availability grid is computed from them again
            try:
                f()
            finally:
                schedule_cache.cache = cached

        return run

    def create():
        # Rolled back: the measured cost is the service's, the room stays as generated.
        body = slots.next()
        with transaction.atomic():
            booking_create(
                user=next(users),
                room=room,
                starts_at=dt.datetime.fromisoformat(body["starts_at"]),
                ends_at=dt.datetime.fromisoformat(body["ends_at"]),
                people=2,
                purpose=harness.PURPOSE,
            )
            transaction.set_rollback(True)

    paths = {
        "GET /api/health (test Client)": lambda: client.get("/api/health"),
        "room_availability, a week": lambda: room_availability(room=room, start=today, end=week),
        "room_availability, schedule + grid not cached": uncached(
            lambda: room_availability(room=room, start=today, end=week)
        ),
        "room_timeline, a week": lambda: room_timeline(room=room, start=today, end=week),
        "room_timeline, schedule not cached": uncached(
            lambda: room_timeline(room=room, start=today, end=week)
        ),
        "booking_create (rolled back)": create,
    }
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for f in paths.values():  # warm
        f()
    for _ in range(iterations):
        for name, f in paths.items():
            start = time.process_time()
            f()
            samples[name].append((time.process_time() - start) * 1000)
    health = p50(samples["GET /api/health (test Client)"])
    print(f"\nin-process, CPU time of this process (p50 of {iterations}, interleaved):")
    for name, values in samples.items():
        print(f"  {name:46s} {p50(values):7.2f} ms  {p50(values) / health:5.1f}x health")


def latency(port: int, room_id: int, token_source, iterations: int) -> dict:
    today = dt.date.today()
    availability = (
        f"/api/rooms/{room_id}/availability?from={today}&to={today + dt.timedelta(days=7)}"
    )
    status, _ms, _body = timed(port, "GET", availability)
    create_status, _ms, body = timed(
        port, "POST", "/api/bookings", body=token_source[1].next(), token=token_source[0].next()
    )
    has_availability = status == 200
    has_create = create_status == 201
    if not has_availability:
        print(f"  GET /api/rooms/{{id}}/availability: HTTP {status} (not available yet?)")
    if not has_create:
        print(f"  POST /api/bookings: HTTP {create_status} {body[:200]!r} (not available yet?)")
    samples: dict[str, list[float]] = {"health": [], "availability": [], "create": []}
    for _ in range(iterations):
        samples["health"].append(timed(port, "GET", "/api/health")[1])
        if has_availability:
            samples["availability"].append(timed(port, "GET", availability)[1])
        if has_create:
            s, ms, body = timed(
                port,
                "POST",
                "/api/bookings",
                body=token_source[1].next(),
                token=token_source[0].next(),
            )
            if s == 201:
                samples["create"].append(ms)
    health = p50(samples["health"])
    print(f"\nover HTTP, one client, p50 of {iterations} (interleaved):")
    print(
        f"  GET /api/health                 p50 {health:6.2f} ms  p95 {p95(samples['health']):6.2f}"
    )
    for name, target in (("availability", 3), ("create", 5)):
        values = samples[name]
        if values:
            ratio = p50(values) / health
            verdict = "ok" if ratio <= target else "OVER TARGET"
            label = {
                "availability": "GET availability (a week)",
                "create": "POST /api/bookings (201)",
            }[name]
            print(
                f"  {label:31s} p50 {p50(values):6.2f} ms  p95 {p95(values):6.2f}"
                f"  = {ratio:4.1f}x health (target <= {target}x: {verdict})"
            )
    return {"create": has_create}


def load(port: int, tokens, slots, clients: int, duration: float) -> list[dict]:
    statuses: Counter = Counter()
    acked: list[dict] = []
    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    ran_out: list[float] = []

    def client():
        while time.monotonic() < stop:
            token = tokens.next()
            if token is None:  # every bench resident is at the scene's active-booking limit
                with lock:
                    ran_out.append(time.perf_counter() - started)
                return
            body = slots.next()
            try:
                status, ms, _ = timed(port, "POST", "/api/bookings", body=body, token=token)
            except OSError as error:
                status, ms = type(error).__name__, 0.0
            with lock:
                statuses[status] += 1
                if status == 201:
                    acked.append(body)
                    times.append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = sum(statuses.values())
    errors = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
    print(f"\n{clients} concurrent clients creating bookings for {elapsed:.0f} s:")
    print(f"  statuses: {dict(sorted(statuses.items(), key=str))}")
    print(
        f"  {total / elapsed:.1f} requests/s, {len(acked) / elapsed:.1f} bookings/s created;"
        f" 201 latency p50 {p50(times):.1f} ms, p95 {p95(times):.1f} ms"
    )
    print(f"  5xx: {errors} ({'ok' if errors == 0 else 'FAIL'})")
    if ran_out:
        print(
            f"  the bench residents ran out after {min(ran_out):.0f} s: the rate above is over"
            f" the {elapsed:.0f} s the clients ran (--residents is at most 10,000: shorten"
            " --duration)"
        )
    return acked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--iterations", type=int, default=100
    )  # a room has ~200 free cells in two weeks; each call takes one
    parser.add_argument(
        "--residents", type=int, default=10_000, help="bench residents (tokens), 3 bookings each"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--skip-in-process", action="store_true")
    options = parser.parse_args()

    harness.setup_django()
    from django.db import connection

    rooms = harness.bench_rooms()
    print(f"database: {harness.database_label()}; {len(rooms)} bench rooms")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bookings_booking")
        print(f"bookings in the database: {cursor.fetchone()[0]}")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    if not options.skip_in_process:
        in_process(rooms[len(rooms) // 2], options.iterations)

    tokens = harness.Tokens(options.residents)
    slots = harness.Slots(rooms)
    print(f"\n{slots.count} free half-hour cells to book in the next two weeks")
    connection.close()  # the server's workers get the database to themselves

    port = harness.free_port()
    log = Path(tempfile.gettempdir()) / f"linli-bench-server-{port}.log"
    server = harness.Server(port, log, workers=options.workers)
    print(f"\nstarting `make run` on port {port} (log: {log}) ...", flush=True)
    startup = server.start()
    try:
        print(f"  answered after {startup:.1f} s; workers RSS {fmt(server.worker_rss_mb())}")
        found = latency(port, rooms[len(rooms) // 3], (tokens, slots), options.iterations)
        acked = []
        if found["create"]:
            acked = load(port, tokens, slots, options.clients, options.duration)
        print(f"  workers RSS after the load: {fmt(server.worker_rss_mb())}")
    finally:
        server.stop()
    if acked:
        n = harness.overlaps()
        missing = harness.acknowledged_missing(acked)
        print(f"  overlapping holding bookings (SQL): {n} ({'ok' if n == 0 else 'FAIL'})")
        print(f"  201s not in the database: {missing} ({'ok' if missing == 0 else 'FAIL'})")
    print(json.dumps({"date": dt.date.today().isoformat(), "database": connection.vendor}))
    return 0


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f} MB" for v in values) or "n/a"


if __name__ == "__main__":
    sys.exit(main())
