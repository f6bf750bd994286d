#!/usr/bin/env python3
"""API and page latency, in-process, relative to /api/health measured in the same run.

    make bench          # or: .venv/bin/python bench/api_latency.py [--iterations 200]

Builds a throwaway SQLite database (a temporary directory, never var/linli.sqlite3), fills
it with the demo community plus extra venues up to a realistic street, then times each
endpoint with Django's test Client: no network, no server, so the numbers compare the
cost of our code paths. Absolute milliseconds depend on the machine; the ratio to
/api/health (routing, middleware, JSON; no database work) is what to compare between
runs. Endpoints that do not exist yet are reported as "not available yet".
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_VENUES = 30  # a sub-district (街道) with its community spaces

# (method, path, who): {venue_id}, {room_id}, {today}, {next_week}, {month_start}, {next_month} are
# filled from the dataset; who is anonymous, resident or operator.
ENDPOINTS = [
    ("GET", "/api/health", "anonymous"),
    ("GET", "/api/venues", "anonymous"),
    ("GET", "/api/venues?near=30.705,104.092", "anonymous"),
    ("GET", "/api/venues/{venue_id}", "anonymous"),
    ("GET", "/api/venues/{venue_id}/hours?from={today}&to={next_week}", "anonymous"),
    ("GET", "/api/venues/{venue_id}/now", "anonymous"),
    ("GET", "/api/rooms/{room_id}/timeline?from={today}&to={next_week}", "anonymous"),
    ("GET", "/api/venues/{venue_id}/scenes", "operator"),
    ("GET", "/api/rooms/{room_id}/availability?date={today}", "anonymous"),
    ("GET", "/api/venues/{venue_id}/events", "anonymous"),
    ("GET", "/api/bookings", "resident"),
    ("GET", "/api/venues/{venue_id}/metrics?from={month_start}&to={next_month}", "operator"),
    ("GET", "/", "anonymous"),
    ("GET", "/venues/", "anonymous"),
    ("GET", "/venues/{venue_id}/", "anonymous"),
    ("GET", "/accounts/me/", "resident"),
]


@dataclass
class Measurement:
    label: str
    status: int
    median_ms: float = 0.0
    queries: int = 0
    runs: int = 0


def setup_django(var_dir: str) -> None:
    os.environ["LINLI_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ["SMS_BACKEND"] = "file"
    os.environ["SMS_FILE_PATH"] = os.path.join(var_dir, "sms.log")
    os.makedirs(os.path.join(var_dir, "staticfiles"), exist_ok=True)  # quiets whitenoise
    import django

    django.setup()


def build_dataset() -> dict:
    from django.core.management import call_command

    from accounts.models import User
    from spaces.models import Room, Venue, VenueRole

    print("building the dataset (demo community + extra venues) ...", flush=True)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = TARGET_VENUES - Venue.objects.count()
    if missing > 0:
        from tests.factories import OpeningHoursFactory, RoomFactory, VenueFactory

        for i in range(missing):
            venue = VenueFactory(name=f"基准场馆{i + 1}")
            for order in range(4):
                RoomFactory(venue=venue, order=order)
            for day in range(7):
                OpeningHoursFactory(venue=venue, day=day)

    venue = Venue.objects.order_by("pk").first()
    room = Room.objects.filter(venue=venue).order_by("pk").first()
    resident = User.objects.filter(phone__isnull=False).order_by("pk").first()
    if resident is None:
        resident = User.objects.create(username="13900000000", phone="13900000000")
    role = VenueRole.objects.filter(venue=venue, role="operator").select_related("user").first()
    operator = role.user if role else None
    if operator is None:
        operator = User.objects.create(username="bench-operator", is_staff=True)
        VenueRole.objects.create(user=operator, venue=venue, role="operator")
    today = dt.date.today()
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    print(
        f"  {Venue.objects.count()} venues, {Room.objects.count()} rooms, "
        f"{User.objects.count()} users",
        flush=True,
    )
    return {
        "values": {
            "venue_id": venue.pk,
            "room_id": room.pk if room else 0,
            "today": today.isoformat(),
            "next_week": (today + dt.timedelta(days=7)).isoformat(),
            "month_start": month_start.isoformat(),
            "next_month": next_month.isoformat(),
        },
        "users": {"resident": resident, "operator": operator},
    }


def measure(client, path: str, iterations: int, budget_s: float) -> Measurement:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # a bounded deque; once full, a capture would see no growth
    response = client.get(path)
    if response.status_code != 200:
        return Measurement(path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    # Counted now: every later request starts by clearing the query log.
    queries = len(captured.captured_queries)
    for _ in range(3):  # warm caches, compiled templates, connection
        client.get(path)
    timings = []
    deadline = time.perf_counter() + budget_s
    while len(timings) < iterations and time.perf_counter() < deadline:
        start = time.perf_counter_ns()
        client.get(path)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return Measurement(path, 200, statistics.median(timings), queries, len(timings))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per endpoint at most")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="linli-bench-") as var_dir:
        setup_django(var_dir)
        from django.conf import settings
        from django.test import Client

        dataset = build_dataset()
        # DEBUG keeps every query in memory and renders debug pages; time what production runs.
        settings.DEBUG = False
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        logging.getLogger("django.server").setLevel(logging.CRITICAL)

        clients = {"anonymous": Client(raise_request_exception=False)}
        for who, user in dataset["users"].items():
            clients[who] = Client(raise_request_exception=False)
            clients[who].force_login(user)

        results = []
        for method, template, who in ENDPOINTS:
            path = template.format(**dataset["values"])
            result = measure(clients[who], path, options.iterations, options.budget)
            result.label = f"{method} {template}" + (f" ({who})" if who != "anonymous" else "")
            results.append(result)

    health = results[0]
    if health.status != 200 or health.median_ms <= 0:
        print(f"/api/health answered HTTP {health.status}; nothing to compare against")
        return 1
    width = max(len(r.label) for r in results)
    print()
    print(f"{'endpoint':<{width}}  median      ratio     queries  runs")
    for r in results:
        if r.status == 200:
            ratio = r.median_ms / health.median_ms
            print(
                f"{r.label:<{width}}  median {r.median_ms:6.2f} ms = {ratio:5.1f}x health"
                f"  {r.queries:4d}  {r.runs:4d}"
            )
        elif r.status == 404:
            print(f"{r.label:<{width}}  not available yet (404)")
        else:
            print(f"{r.label:<{width}}  HTTP {r.status}: not measured")
    print(f"\n(in-process, Django test Client, DEBUG off, SQLite; {dt.date.today().isoformat()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
