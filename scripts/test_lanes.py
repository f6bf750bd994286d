#!/usr/bin/env python3
"""Run the test suite in lanes and end with one honest line per lane.

    .venv/bin/python scripts/test_lanes.py                 # sqlite, postgresql, browser
    .venv/bin/python scripts/test_lanes.py sqlite          # just one lane
    .venv/bin/python scripts/test_lanes.py sqlite -- -k booking -x   # extra pytest args

Lanes:
  sqlite      pytest -m "not browser" on SQLite (the embedded default)
  postgresql  the same suite on PostgreSQL, in a throwaway cluster under var/ on a free
              loopback port that this script creates, starts and always stops
  browser     pytest -m browser tests/browser: Playwright drives Debian's /usr/bin/chromium

The last lines are exactly ``<lane>: N passed, N failed`` (``, N skipped`` when any).
A lane whose server or browser cannot start, or that runs no test, is a failure: nothing
is skipped silently. The exit status is non-zero when any lane failed.

Environment: LANE_WORKERS (pytest-xdist workers for sqlite/postgresql, default 2; 0 = no
xdist), BROWSER_WORKERS (default 0), PG_BINDIR (where initdb and pg_ctl live).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
RESULTS = VAR / "test-results"
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LANES = ("sqlite", "postgresql", "browser")
PG_USER = "linli"
PG_DB = "linli"


class LaneCannotStart(Exception):
    """The lane's server or browser is missing or would not start: a loud failure."""


@dataclass
class Result:
    lane: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and self.failed == 0 and self.passed > 0

    def line(self) -> str:
        text = f"{self.lane}: {self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


def say(message: str) -> None:
    print(f"[test_lanes] {message}", flush=True)


# --- pytest -------------------------------------------------------------------------------


def workers_args(variable: str, default: int) -> list[str]:
    count = int(os.environ.get(variable, default))
    return ["-n", str(count)] if count > 0 else []


def run_pytest(lane: str, args: list[str], env: dict[str, str], extra: list[str]) -> Result:
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = RESULTS / f"{lane}.xml"
    report.unlink(missing_ok=True)
    command = [PYTHON, "-m", "pytest", *args, f"--junitxml={report}", *extra]
    say(f"lane {lane}: {shlex.join(command[2:])}")
    code = subprocess.call(command, cwd=ROOT, env=env)
    result = count_junit(lane, report)
    if code == 5:
        result.problem = "pytest collected no tests"
    elif code not in (0, 1):
        result.problem = (
            f"pytest stopped with exit status {code} (interrupted, usage or internal error)"
        )
    elif code == 1 and result.failed == 0:
        result.problem = "pytest reported failures that are not in the JUnit report"
    elif result.passed == 0:
        result.problem = "no test passed"
    return result


def count_junit(lane: str, report: Path) -> Result:
    result = Result(lane)
    if not report.exists():
        return result
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        result.failed += failed
        result.skipped += skipped
        result.passed += max(tests - failed - skipped, 0)
    return result


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    # Lanes decide the database; a DATABASE_URL left in the shell must not leak into them.
    env.pop("DATABASE_URL", None)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    # Tests run background tasks at once, inside the request that enqueues them.
    env["TASKS_BACKEND"] = "immediate"
    # whitenoise warns on every server start when STATIC_ROOT does not exist yet.
    (VAR / "staticfiles").mkdir(parents=True, exist_ok=True)
    return env


# --- PostgreSQL: a throwaway cluster ---------------------------------------------------------


def pg_bindir() -> Path:
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        candidates.append(subprocess.check_output(["pg_config", "--bindir"], text=True).strip())
    # Debian's pg_config (libpq-dev) may point at /usr/bin, where initdb is not.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    raise LaneCannotStart(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's "
        "'postgresql' package (bash .ci/run does) or set PG_BINDIR"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """initdb + pg_ctl in var/, trust auth on loopback only; removed when stopped.

    PostgreSQL refuses to run as root, so as root the server runs as Debian's unprivileged
    ``postgres`` user, which then owns the cluster directory.
    """

    def __init__(self) -> None:
        self.bindir = pg_bindir()
        self.as_root = os.geteuid() == 0
        self.port = 0
        self.started = False
        VAR.mkdir(parents=True, exist_ok=True)
        self.home = Path(tempfile.mkdtemp(prefix="pg-test-", dir=VAR))
        # Unix socket paths are limited to ~100 bytes, so the socket lives in a short path.
        self.sockets = Path(tempfile.mkdtemp(prefix="linli-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def prepare_ownership(self) -> None:
        if not self.as_root:
            return
        if not shutil.which("runuser"):
            raise LaneCannotStart(
                "running as root needs runuser (util-linux) to drop to 'postgres'"
            )
        try:
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as error:
            raise LaneCannotStart(
                "running as root, and PostgreSQL refuses root: the unprivileged 'postgres' "
                "user (created by Debian's postgresql package) is missing"
            ) from error
        for path in (self.home, self.sockets):
            shutil.chown(path, "postgres", "postgres")
        if self.run("test", "-w", str(self.home), check=False).returncode != 0:
            # A checkout under a private directory (/root is 0700) is out of the postgres
            # user's reach; the cluster then lives in the system temp directory instead.
            fallback = Path(tempfile.mkdtemp(prefix="linli-pg-cluster-"))
            say(f"user 'postgres' cannot reach {self.home}; using {fallback} instead")
            shutil.rmtree(self.home, ignore_errors=True)
            self.home, self.data, self.log = fallback, fallback / "data", fallback / "server.log"
            shutil.chown(self.home, "postgres", "postgres")

    def start(self) -> str:
        self.prepare_ownership()
        initdb = self.run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            PG_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            check=False,
        )
        if initdb.returncode != 0:
            raise LaneCannotStart(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        # A port can be taken between choosing it and binding it; try a few.
        for _attempt in range(3):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                # Throwaway data: durability would only cost time.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                # tests/bookings/test_concurrency.py holds 200 connections at once, and
                # each xdist worker may run such a test at the same time.
                "-c max_connections=600"
            )
            started = self.run(
                str(self.bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                check=False,
            )
            if started.returncode == 0:
                self.started = True
                break
        else:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise LaneCannotStart(f"pg_ctl start failed:\n{started.stderr}\n{log[-2000:]}")
        created = self.run(
            str(self.bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            PG_USER,
            PG_DB,
            check=False,
        )
        if created.returncode != 0:
            raise LaneCannotStart(f"createdb failed: {created.stderr}")
        say(f"PostgreSQL {self.version()} started on 127.0.0.1:{self.port} in {self.data}")
        return f"postgres://{PG_USER}@127.0.0.1:{self.port}/{PG_DB}"

    def version(self) -> str:
        out = self.run(str(self.bindir / "postgres"), "--version", check=False).stdout
        found = re.search(r"\d+(?:\.\d+)+", out)
        return found.group(0) if found else out.strip()

    def stop(self) -> None:
        if self.started:
            stopped = self.run(
                str(self.bindir / "pg_ctl"),
                "stop",
                "-D",
                str(self.data),
                "-m",
                "fast",
                "-w",
                check=False,
            )
            if stopped.returncode != 0:
                self.run(
                    str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate"
                )
            self.started = False
            say("PostgreSQL stopped")
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


# --- lanes ---------------------------------------------------------------------------------


def lane_sqlite(extra: list[str]) -> Result:
    args = ["-m", "not browser", *workers_args("LANE_WORKERS", 2)]
    return run_pytest("sqlite", args, base_env(), extra)


def lane_postgresql(extra: list[str]) -> Result:
    cluster = ThrowawayCluster()
    try:
        env = base_env()
        env["DATABASE_URL"] = cluster.start()
        args = ["-m", "not browser", *workers_args("LANE_WORKERS", 2)]
        return run_pytest("postgresql", args, env, extra)
    finally:
        cluster.stop()


def lane_browser(extra: list[str]) -> Result:
    if not os.access(CHROMIUM, os.X_OK):
        raise LaneCannotStart(
            f"{CHROMIUM} not found: install Debian's 'chromium' package (bash .ci/run does); "
            "'playwright install' cannot download browsers here"
        )
    args = ["-m", "browser", "tests/browser", *workers_args("BROWSER_WORKERS", 0)]
    return run_pytest("browser", args, base_env(), extra)


RUNNERS = {"sqlite": lane_sqlite, "postgresql": lane_postgresql, "browser": lane_browser}


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        names, extra = argv[:split], argv[split + 1 :]
    else:
        names, extra = argv, []
    unknown = [n for n in names if n not in RUNNERS]
    if unknown:
        print(f"unknown lane(s): {', '.join(unknown)}; choose from {', '.join(LANES)}")
        return 2
    selected = [lane for lane in LANES if lane in names] or list(LANES)

    # SIGTERM (CI timeout, Ctrl-C in some terminals) must still run the finally blocks that
    # stop PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    results: list[Result] = []
    for lane in selected:
        started = time.monotonic()
        try:
            result = RUNNERS[lane](extra)
        except LaneCannotStart as error:
            result = Result(lane, problem=f"could not start: {error}")
        except Exception as error:  # a broken lane must not hide the others' results
            traceback.print_exc()
            result = Result(lane, problem=f"crashed: {error!r}")
        result.seconds = time.monotonic() - started
        if result.problem and result.failed == 0:
            # Counted as a failure so that the closing line itself says the lane failed.
            result.failed = 1
        results.append(result)

    print()
    for result in results:
        verdict = "ok" if result.ok else "FAILED"
        say(f"lane {result.lane}: {verdict} in {result.seconds:.1f} s")
        if result.problem:
            say(f"lane {result.lane} FAILED: {result.problem}")
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
