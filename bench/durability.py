#!/usr/bin/env python3
"""Durability: SIGKILL the server under booking load, again and again; every booking
that was answered 201 must still be in the database afterwards.

    .venv/bin/python bench/durability.py [--kills 20] [--clients 8]

Needs the data of `manage.py bench_bookings_data` (the same database the server uses:
DATABASE_URL, else SQLite in LINLI_VAR_DIR). Starts `make run` on a free port, lets
``--clients`` clients create bookings, kills the whole server (make, gunicorn master and
workers) with SIGKILL after a random 1-4 s, starts it again (gunicorn as `make run`
starts it, without redoing collectstatic and migrate), ``--kills`` times; then
checks in SQL that every acknowledged booking is there and that no holding bookings
overlap. Requests cut by a kill get no answer and are not counted as acknowledged.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20)
    options = parser.parse_args()

    harness.setup_django()
    from django.db import connection

    rooms = harness.bench_rooms()
    print(f"database: {harness.database_label()}; {len(rooms)} bench rooms", flush=True)
    tokens = harness.Tokens(options.residents)
    slots = harness.Slots(rooms, seed=options.seed)
    connection.close()

    port = harness.free_port()
    log = Path(tempfile.gettempdir()) / f"linli-durability-{port}.log"
    server = harness.Server(port, log)
    statuses: Counter = Counter()
    acked: list[dict] = []
    lock = threading.Lock()
    done = threading.Event()
    ran_out = threading.Event()

    def client():
        while not done.is_set():
            token = tokens.next()
            if token is None:  # every bench resident is at the active-booking limit
                ran_out.set()
                return
            body = slots.next()
            try:
                status, _ms, _ = harness.timed(
                    port, "POST", "/api/bookings", body=body, token=token, timeout=10
                )
            except OSError:  # refused while down, or cut by the kill: no answer, no claim
                status = "no answer"
                time.sleep(0.05)
            with lock:
                statuses[status] += 1
                if status == 201:
                    acked.append(body)

    rng = random.Random(options.seed)
    print(f"starting `make run` on port {port} (log: {log})", flush=True)
    server.start()
    status, _ms, body = harness.timed(
        port, "POST", "/api/bookings", body=slots.next(), token=tokens.next()
    )
    if status != 201:
        server.stop()
        print(f"POST /api/bookings answered {status} {body[:200]!r}: not available yet?")
        return 1
    threads = [threading.Thread(target=client, daemon=True) for _ in range(options.clients)]
    for t in threads:
        t.start()
    restarts = []
    try:
        for kill in range(1, options.kills + 1):
            time.sleep(rng.uniform(1, 4))
            with lock:
                before = len(acked)
            server.kill()
            restarts.append(server.start(again=True))
            print(
                f"  kill {kill:2d}: {before} acknowledged so far; back after {restarts[-1]:.1f} s",
                flush=True,
            )
        time.sleep(2)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=15)
        server.stop()
    missing = harness.acknowledged_missing(acked)
    overlaps = harness.overlaps()
    print(f"statuses: {dict(sorted(statuses.items(), key=str))}")
    print(f"{options.kills} SIGKILLs; restart took {min(restarts):.1f}-{max(restarts):.1f} s")
    print(f"acknowledged (201): {len(acked)}; missing from the database: {missing}")
    print(f"overlapping holding bookings (SQL): {overlaps}")
    if ran_out.is_set():
        print("the bench residents ran out before the last kill: not every kill was under load")
    ok = (
        missing == 0
        and overlaps == 0
        and not ran_out.is_set()
        and not any(isinstance(s, int) and s >= 500 for s in statuses)
    )
    print("durability: " + ("ok" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
