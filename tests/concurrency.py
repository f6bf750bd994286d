"""Helpers for tests that run writes at the same time, each in its own thread and
database connection, as concurrent requests do in production."""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connections


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
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    on_file = connections.create_connection("default")
    connections["default"] = on_file
    try:
        yield
    finally:
        on_file.close()
        settings_dict["NAME"] = original
        connections["default"] = memory


def run_together(*calls):
    """Start every call at the same moment in its own thread (own connection); return
    their exceptions (None when it succeeded)."""
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
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


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
