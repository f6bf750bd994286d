"""Helpers for tests that run writes at the same time, each in its own thread and
database connection, as concurrent requests do in production."""

import contextlib
import re
import sqlite3
import threading
import time

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread


@pytest.fixture
def writers_queue_db(transactional_db, tmp_path):
    """A database where concurrent writers wait their turn, as in production.

    SQLite's in-memory test database is shared between threads through one shared cache,
    where a second writer fails at once ("database table is locked") instead of waiting
    on the busy timeout like the file database production uses. On SQLite, run the test
    against a copy of the test schema in a file; PostgreSQL needs nothing.
    """
    memory = connections["default"]
    if memory.vendor != "sqlite" or not memory.is_in_memory_db():
        yield
        return
    memory.ensure_connection()
    path = tmp_path / "writers.sqlite3"
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"], settings_dict["OPTIONS"]
    settings_dict["NAME"] = str(path)
    settings_dict["OPTIONS"] = _patient(settings_dict["OPTIONS"])
    on_file = connections.create_connection("default")
    connections["default"] = on_file
    try:
        yield
    finally:
        on_file.close()
        settings_dict["NAME"], settings_dict["OPTIONS"] = original
        connections["default"] = memory


# How long a test's writer waits for SQLite's write lock. Production waits 20 s
# (linli/settings.py); a test that queues hundreds of writers behind one lock on a busy
# machine is about who wins, not about how long the last one waited.
TEST_BUSY_TIMEOUT_S = 300


def _patient(options: dict) -> dict:
    options = dict(options)
    options["timeout"] = TEST_BUSY_TIMEOUT_S
    options["init_command"] = re.sub(
        r"busy_timeout\s*=\s*\d+",
        f"busy_timeout={TEST_BUSY_TIMEOUT_S * 1000}",
        options.get("init_command", ""),
    )
    return options


def run_together(*calls, timeout: float = 30):
    """Start every call at the same moment in its own thread (own connection); return
    their exceptions (None when it succeeded). ``timeout``: how long they may take."""
    barrier = threading.Barrier(len(calls))
    errors: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(timeout=max(deadline - time.monotonic(), 0))
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def pause_before(monkeypatch, module, name: str, wait) -> None:
    """Make ``module.name`` call ``wait()`` first (a rendezvous, an event's wait)."""
    original = getattr(module, name)

    def paused(*args, **kwargs):
        wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)


def rendezvous(parties: int = 2, timeout: float = 1.5):
    """A meeting point for threads inside a write: each waits until all have arrived, or
    ``timeout`` seconds. Put it between a write's reads and its checks: without the venue
    lock every thread gets there and all check the same old state; with it the others
    are still waiting for the lock, the first gives up waiting and goes on alone."""
    barrier = threading.Barrier(parties)
    arrived = threading.local()

    def wait() -> None:
        if getattr(arrived, "done", False):
            return
        arrived.done = True
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=timeout)

    return wait


class _ManyClientsServer(ThreadedWSGIServer):
    # socketserver's default backlog (5, Django's 10) would make most of a burst of
    # simultaneous connections wait for a SYN retry; a real server listens deeper.
    request_queue_size = 512


class _ServerThread(LiveServerThread):
    server_class = _ManyClientsServer


@pytest.fixture
def concurrent_server(writers_queue_db, settings):
    """A threaded HTTP server whose request threads each open their own database
    connection, as production's do; yields its base URL.

    pytest-django's ``live_server`` hands its threads the one in-memory SQLite connection,
    so on SQLite their transactions would interleave on a single connection instead of
    queueing for the database's write lock; this one serves the file database of
    ``writers_queue_db`` (PostgreSQL: the test database as usual).
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    thread = _ServerThread("127.0.0.1", lambda app: app, connections_override=None)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
