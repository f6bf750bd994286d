#!/usr/bin/env python3
"""Where the milliseconds of POST /api/bookings go, in-process (no server, no profiler).

    LINLI_VAR_DIR=/tmp/copy-of-bench-data .venv/bin/python bench/booking_breakdown.py [N]

Runs N bookings (default 200) through django.test.Client on the bench data (it creates
them: use a copy), interleaved with GET /api/health, and prints the median CPU time of
each step (this process's: time spent waiting for a busy machine does not count),
measured by wrapping the functions the request goes through. Steps nest (the indented
ones are inside the line above); "SQL executed" is the time inside SQLite's execute()
for all statements, the rest of a query's cost is Django building the SQL and the rows. The numbers are for finding what to cut; bench/bookings.py is the benchmark.
"""

from __future__ import annotations

import importlib
import json
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

STEPS = [  # (module, attribute, class or None, label)
    ("ninja.operation", "_run_authentication", "Operation", "auth (ninja)"),
    ("accounts.auth", "api_token_authenticate", None, "  token look-up (+ last_used_at)"),
    ("ninja.operation", "_get_values", "Operation", "body parsing (ninja, pydantic)"),
    ("bookings.api", "idempotent", None, "idempotent(): the transaction"),
    ("bookings.models", "save", "IdempotentRequest", "  key row insert + answer update"),
    ("bookings.api", "booking_create", None, "  booking_create"),
    ("bookings.services.bookings", "room_lock", None, "    venue lock + the room"),
    ("bookings.services.bookings", "booking_check", None, "    booking_check"),
    ("bookings.services.bookings", "timeline_around", None, "      timeline"),
    ("bookings.services.bookings", "venue_can_operate", None, "      venue_can_operate"),
    ("bookings.services.reads", "before_insert", None, "    read: active, claims, visitor key"),
    ("bookings.services.reads", "visitor_key", None, "    visitor key (a first booking)"),
    ("bookings.services.bookings", "_insert", None, "    insert"),
    ("bookings.notifications", "_enqueue", None, "    notices enqueued (2 task rows)"),
    ("bookings.presenters", "booking_json", None, "  booking_json"),
    ("django.db.backends.base.base", "_commit", "BaseDatabaseWrapper", "  COMMIT"),
    ("ninja.operation", "_result_to_response", "Operation", "response (ninja, pydantic)"),
]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    harness.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.DEBUG = False
    rooms = harness.bench_rooms()
    tokens = harness.Tokens(n + 20)
    slots = harness.Slots(random.sample(rooms, min(8, len(rooms))))
    client = Client(raise_request_exception=True)
    spent: dict[str, float] = defaultdict(float)
    statements = [0]

    def wrap(module: str, attribute: str, cls: str | None, label: str) -> None:
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        if not hasattr(owner, attribute):
            print(f"  (no {module}.{attribute}: skipped)")
            return
        f = getattr(owner, attribute)

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                spent[label] += (time.process_time() - start) * 1000

        setattr(owner, attribute, timed)

    for step in STEPS:
        wrap(*step)

    def executed(execute, sql, params, many, context):
        start = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["SQL executed (all statements)"] += (time.process_time() - start) * 1000
            statements[0] += 1

    connection.ensure_connection()
    connection.execute_wrappers.append(executed)

    def post() -> None:
        response = client.post(
            "/api/bookings",
            data=json.dumps(slots.next()),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens.next()}",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        assert response.status_code == 201, response.content

    for _ in range(5):  # warm: imports, the schedule cache, prepared statements
        post()
        client.get("/api/health")
    health, total, counts = [], [], []
    per: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        start = time.process_time()
        client.get("/api/health")
        health.append((time.process_time() - start) * 1000)
        spent.clear()
        statements[0] = 0
        start = time.process_time()
        post()
        total.append((time.process_time() - start) * 1000)
        counts.append(statements[0])
        for label, ms in spent.items():
            per[label].append(ms)
    med = statistics.median
    print(f"GET /api/health (test Client)      {med(health):6.2f} ms")
    print(
        f"POST /api/bookings (test Client)   {med(total):6.2f} ms = {med(total) / med(health):.1f}x"
        f" health; {med(counts):.0f} SQL statements"
    )
    for *_, label in STEPS:
        if per[label]:
            print(f"  {label:40s} {med(per[label]):6.2f}")
    print(
        f"  {'SQL executed (all statements)':40s} {med(per['SQL executed (all statements)']):6.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
