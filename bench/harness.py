"""What the HTTP benchmarks share: the database they run on, `make run` on a free port,
bench residents with API tokens, free booking slots, plain HTTP requests, percentiles.

The database is the one the server would use: DATABASE_URL when set (PostgreSQL), else
SQLite in LINLI_VAR_DIR (default var/). Fill it first with
`manage.py bench_bookings_data` (see bookings/management/commands/bench_bookings_data.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# First on the path: bench/bookings.py would otherwise shadow the ``bookings`` app for a
# script run from bench/ (Python puts the script's directory first).
sys.path.insert(0, str(ROOT))

PURPOSE = "基准测试"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()


def database_label() -> str:
    from django.db import connection

    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`make run` on ``port`` in its own process group (make, sh, gunicorn and workers),
    so that it can be stopped, or killed with SIGKILL, as a whole."""

    def __init__(self, port: int, log_path: Path, workers: int | None = None) -> None:
        self.port, self.log_path = port, log_path
        self.env = dict(os.environ, LOG_LEVEL="WARNING")
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180, *, again: bool = False) -> float:
        """Start `make run`; ``again``: the gunicorn command `make run` ends with, with the
        same environment (collectstatic, migrate and messages are done: a restart after a
        crash is what a process supervisor does, and it takes seconds, not a minute)."""
        started = time.perf_counter()
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the server's life)
        command = ["make", "--no-print-directory", "run", f"PORT={self.port}"]
        env = self.env
        if again:
            command = [str(ROOT / ".venv/bin/gunicorn"), "--config", "linli/gunicorn.conf.py"]
            command.append("linli.wsgi:application")
            env = dict(
                self.env,
                DEBUG="0",
                SECRET_KEY=(ROOT / "var/secret_key").read_text().strip(),
                ALLOWED_HOSTS="127.0.0.1,localhost",
                SECURE_COOKIES="0",
                SMS_BACKEND=self.env.get("SMS_BACKEND", "file"),
                PORT=str(self.port),
            )
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make run exited; see {self.log_path}")
            try:
                if request(self.port, "GET", "/api/health", timeout=2)[0] == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log_path}")

    def _signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL to every process of the server at once: no shutdown code runs."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()
        self._reap_stragglers(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        self._reap_stragglers(signal.SIGKILL)

    def _reap_stragglers(self, sig: int) -> None:
        # Processes of our group outlive make if they were still starting.
        for pid in self.group_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def group_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == self.process.pid:  # process group id
                pids.append(int(entry.name))
        return pids

    def worker_rss_mb(self, field: str = "VmRSS") -> list[float]:
        """RSS of each gunicorn worker (the gunicorn processes whose parent is gunicorn);
        ``field="VmHWM"``: the peak RSS each has reached."""
        info = {}
        for pid in self.group_pids():
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            info[pid] = (
                # python .venv/bin/gunicorn ... (not the `sh -c '... exec gunicorn'` above it)
                any(a.endswith(b"/gunicorn") for a in argv[:2]),
                int(fields["PPid"].strip()),
                int(fields.get(field, "0 kB").split()[0]) / 1024,
            )
        return sorted(
            rss
            for pid, (is_gunicorn, parent, rss) in info.items()
            if is_gunicorn and info.get(parent, (False,))[0]
        )


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    token: str = "",
    timeout=30,
    cookie: str = "",
) -> tuple[int, bytes]:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = uuid.uuid4().hex
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
        headers["Accept"] = "text/html"
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def timed(port: int, method: str, path: str, **kwargs) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    status, body = request(port, method, path, **kwargs)
    return status, (time.perf_counter() - start) * 1000, body


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return p50(values)
    return statistics.quantiles(values, n=20)[-1]


# --- residents and slots ---------------------------------------------------------------


class Tokens:
    """Bench residents (privacy consent given) with API tokens, handed out so that none
    books more than ``per_resident`` times (the scenes' max_active_bookings)."""

    def __init__(self, count: int, per_resident: int = 3) -> None:
        from django.utils import timezone

        from accounts.models import ApiToken, User
        from accounts.privacy import PRIVACY_POLICY_VERSION
        from accounts.tokens import TOKEN_PREFIX, token_digest

        if count > 10_000:
            raise ValueError("at most 10,000 bench residents per run")
        stamp = random.randrange(10**5)  # a fresh block of phone numbers per run
        users = User.objects.bulk_create(
            User(
                username=f"15{stamp:05d}{n:04d}",
                phone=f"15{stamp:05d}{n:04d}",
                privacy_consent_at=timezone.now(),
                privacy_consent_version=PRIVACY_POLICY_VERSION,
            )
            for n in range(count)
        )
        plain = [TOKEN_PREFIX + uuid.uuid4().hex + uuid.uuid4().hex for _ in users]
        ApiToken.objects.bulk_create(
            ApiToken(user=u, name="bench", prefix=p[:10], token_hash=token_digest(p))
            for u, p in zip(users, plain, strict=True)
        )
        self.users = users
        self._cycle = iter([p for p in plain for _ in range(per_resident)])
        self._lock = threading.Lock()

    def next(self) -> str | None:
        """The next token, or None once every resident has booked ``per_resident`` times."""
        with self._lock:
            return next(self._cycle, None)


@dataclass
class Slots:
    """Free 30-minute public-scene cells (09:00-18:00) in the bench rooms, from tomorrow
    to 13 days ahead (inside notice and days-ahead), each handed out once."""

    rooms: list[int]
    seed: int = 9
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from django.utils import timezone

        from bookings.models import HOLDING, Booking
        from spaces.models import Room

        rooms = list(Room.objects.filter(pk__in=self.rooms).select_related("venue"))
        zone = rooms[0].venue.zone
        today = timezone.localdate()
        first = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9), tzinfo=zone)
        last = first + dt.timedelta(days=13)
        taken = {
            (room_id, s)
            for room_id, starts, ends in Booking.objects.filter(
                room_id__in=self.rooms, status__in=HOLDING, starts_at__lt=last, ends_at__gt=first
            ).values_list("room_id", "starts_at", "ends_at")
            for s in _cells(starts, ends)
        }
        cells = []
        for room in rooms:
            for d in range(13):
                opening = first + dt.timedelta(days=d)
                for c in range(18):
                    s = (opening + dt.timedelta(minutes=30 * c)).astimezone(dt.UTC)
                    if (room.pk, s) not in taken:
                        cells.append((room.pk, s))
        random.Random(self.seed).shuffle(cells)
        self.count = len(cells)
        self._iter = iter(cells)

    def next(self) -> dict:
        with self._lock:
            room_id, starts = next(self._iter)
        ends = starts + dt.timedelta(minutes=30)
        zone = dt.timezone(dt.timedelta(hours=8))  # ISO 8601 with an offset, as clients send
        return {
            "room": room_id,
            "starts_at": starts.astimezone(zone).isoformat(),
            "ends_at": ends.astimezone(zone).isoformat(),
            "people": 2,
            "purpose": PURPOSE,
        }


def _cells(starts: dt.datetime, ends: dt.datetime):
    t = starts.astimezone(dt.UTC)
    t -= dt.timedelta(minutes=t.minute % 30, seconds=t.second, microseconds=t.microsecond)
    while t < ends:
        yield t
        t += dt.timedelta(minutes=30)


def bench_rooms(limit: int | None = None) -> list[int]:
    from bookings.management.commands.bench_bookings_data import PREFIX
    from spaces.models import Room

    ids = list(
        Room.objects.filter(venue__name__startswith=PREFIX, is_bookable=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        raise SystemExit("no benchmark data: run manage.py bench_bookings_data first")
    return ids[:limit] if limit else ids


def acknowledged_missing(acked: list[dict]) -> int:
    """How many bookings answered 201 are not in the database, holding their slot."""
    from bookings.models import HOLDING, Booking

    missing = 0
    for i in range(0, len(acked), 500):
        chunk = acked[i : i + 500]
        wanted = {(b["room"], dt.datetime.fromisoformat(b["starts_at"])) for b in chunk}
        found = {
            (room_id, starts)
            for room_id, starts in Booking.objects.filter(
                room_id__in={r for r, _s in wanted},
                starts_at__in={s for _r, s in wanted},
                status__in=HOLDING,
                purpose=PURPOSE,
            ).values_list("room_id", "starts_at")
        }
        missing += len(wanted - found)
    return missing


def overlaps() -> int:
    from bookings.management.commands.bench_bookings_data import overlap_count

    return overlap_count()
