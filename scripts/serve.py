"""`make run`: gunicorn and one background task worker (`manage.py db_worker`), started and
stopped together.

The booking SMS notices are django-tasks queued in the database (django-tasks-db); without
a worker they would wait forever. This small supervisor starts both processes with the
environment it was given, forwards SIGINT/SIGTERM/SIGHUP to both as SIGTERM (each shuts
down gracefully: gunicorn finishes its requests, the worker its task), and when either one
exits on its own it stops the other and exits with that one's status, so a crash is never
half-hidden. Production setups may run the same two commands under systemd instead (README).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GRACE_SECONDS = 30

COMMANDS = {
    "web": [str(BIN / "gunicorn"), "--config", "linli/gunicorn.conf.py", "linli.wsgi:application"],
    "worker": [sys.executable, "manage.py", "db_worker", "--no-reload"],
}


def main() -> int:
    procs = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in COMMANDS.items()}
    stopping = False

    def stop(signum=None, frame=None) -> None:
        nonlocal stopping
        stopping = stopping or signum is not None
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    web, worker = procs["web"].pid, procs["worker"].pid
    print(f"serve: web pid {web}, worker pid {worker}", file=sys.stderr, flush=True)
    while all(proc.poll() is None for proc in procs.values()):
        time.sleep(0.5)
    name, first = next((n, p) for n, p in procs.items() if p.returncode is not None)
    if not stopping:
        print(f"serve: {name} exited with {first.returncode}; stopping the rest", file=sys.stderr)
    stop()
    deadline = time.monotonic() + GRACE_SECONDS
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0 if stopping else (first.returncode or 1)


if __name__ == "__main__":
    sys.exit(main())
