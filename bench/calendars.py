#!/usr/bin/env python3
"""A venue's calendar feed with 5,000 events, against `make run`, over HTTP.

    make bench-calendars        # data once (var/bench-calendars), then this

Prints, in one run, with the server started on a free port and stopped at the end:
1. ``/api/health`` p50, the floor of any request;
2. the venue feed (``/calendars/venues/ID.ics``), a full generation each time, p50
   (target 300 ms), and with the scene layer (``?scenes=1``);
3. the same feed asked with the ETag it gave (If-None-Match), answered 304, p50, and how
   many times cheaper than a full generation it is (target at least 20x);
4. the peak RSS (VmHWM) of each gunicorn worker after all of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from harness import p50, timed  # noqa: E402


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, float, dict, bytes]:
    """GET ``path`` with ``headers``: status, milliseconds, response headers, body."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return (
            response.status,
            (time.perf_counter() - start) * 1000,
            dict(response.getheaders()),
            body,
        )
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=30)
    options = parser.parse_args()
    harness.setup_django()
    from django.db import connection

    from calendars.management.commands.bench_calendar_data import NAME
    from scenes.models import Event
    from spaces.models import Venue

    venue = Venue.objects.filter(name=NAME).first()
    if venue is None:
        raise SystemExit("no benchmark data: run make bench-calendars (or bench_calendar_data)")
    events = Event.objects.filter(venue=venue).count()
    print(f"database: {harness.database_label()}; {NAME} (id {venue.pk}) with {events} events")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    connection.close()

    port = harness.free_port()
    log = Path(tempfile.gettempdir()) / f"linli-bench-calendars-{port}.log"
    server = harness.Server(port, log)
    print(f"\nstarting `make run` on port {port} (log: {log}) ...", flush=True)
    server.start()
    n = options.iterations
    results = {}
    try:
        feed = f"/calendars/venues/{venue.pk}.ics"
        health = [timed(port, "GET", "/api/health")[1] for _ in range(n)]
        results["health p50 ms"] = round(p50(health), 2)
        print(f"  /api/health                 p50 {p50(health):8.2f} ms")
        for name, path in (("venue feed", feed), ("venue feed + scenes", feed + "?scenes=1")):
            status, cold, headers, body = fetch(port, path)
            assert status == 200, (status, body[:200])
            entries = body.count(b"BEGIN:VEVENT")
            full = [fetch(port, path)[1] for _ in range(n)]
            not_modified = []
            for _ in range(n):
                status, ms, _h, _b = fetch(port, path, {"If-None-Match": headers["ETag"]})
                assert status == 304, status
                not_modified.append(ms)
            ratio = p50(full) / p50(not_modified)
            verdict = "ok" if p50(full) <= 300 else "OVER TARGET"
            print(
                f"  {name:27s} first {cold:8.1f} ms; p50 {p50(full):8.1f} ms for {entries}"
                f" entries, {len(body) / 1e6:.2f} MB (target <= 300 ms: {verdict})"
            )
            verdict = "ok" if ratio >= 20 else "UNDER TARGET"
            print(
                f"  {name + ', 304':27s} p50 {p50(not_modified):8.2f} ms: {ratio:.0f}x cheaper"
                f" (target >= 20x: {verdict}); {p50(full) / p50(health):.0f}x /api/health"
            )
            results[f"{name} p50 ms"] = round(p50(full), 1)
            results[f"{name} 304 p50 ms"] = round(p50(not_modified), 2)
        rss = server.worker_rss_mb("VmHWM")
        print(f"  workers' peak RSS: {', '.join(f'{v:.0f} MB' for v in rss)}")
        results["peak RSS MB"] = [round(v) for v in rss]
    finally:
        server.stop()
    print(json.dumps({"date": dt.date.today().isoformat(), **results}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
