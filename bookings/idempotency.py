"""Idempotent writes: a retry with the same key gets the first answer, and acts once.

A client (the API's ``Idempotency-Key`` header, the booking form's hidden key) sends a key
it chose for one intended action. ``idempotent`` runs the action the first time and keeps
its answer; a retry with the same key and the same request replays that answer without
acting again; the same key with a different request is 422 ``idempotency_mismatch``.

Usage (the API; the booking page does the same with its form's cleaned data)::

    from bookings.idempotency import fingerprint, idempotent

    def run(joined):
        booking = booking_create(user=user, room=room, ..., savepoint=not joined)
        return 201, booking_payload(booking)  # a JSON-safe dict

    status, body = idempotent(
        user=request.user, key=header_value, fingerprint=fingerprint(raw_json), run=run
    )

How it holds under crashes and concurrency:

- The key's row (``IdempotentRequest``) is inserted *first*, in the same transaction as
  whatever ``run`` writes, and filled with the answer before that transaction commits. A
  crash either loses both (the retry acts afresh) or keeps both (the retry replays): never
  a booking without its stored answer.
- A retry, and two concurrent requests with the same key: the unique constraint (user,
  key) decides. There is no look-up before the insert (one query less on every first
  request; retries are rare): a retry's insert fails at once and it replays. On
  PostgreSQL a concurrent second insert waits for the first transaction and then fails,
  and the loser replays the winner's answer; on SQLite the IMMEDIATE transaction
  serialises them and the second's insert meets the first's committed row. Neither gets
  409 ``overlap`` for its own booking.
- Only answers that ``run`` returns are kept. When ``run`` raises (a DomainError: full,
  off the grid, ...) the transaction rolls back with the key's row, nothing is written
  and a retry runs again: a fixed request under the same key is allowed.
- ``key=None`` (no header): ``run`` is simply called.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from bookings.models import IdempotentRequest
from linli.errors import DomainError
from linli.rows import cursor as rows_cursor
from linli.rows import insert, quote, statement

KEY_MAX = 200
HEADER = "Idempotency-Key"


def fingerprint(data: Any) -> str:
    """sha256 of the canonical JSON of ``data`` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_key(key: str, *, field: str = HEADER) -> str:
    """A usable key: 1-200 visible ASCII characters (it travels in an HTTP header)."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX or not all(33 <= ord(ch) < 127 for ch in key):
        raise DomainError(
            _("Idempotency-Key 须为 1 到 %(max)s 个可见 ASCII 字符。") % {"max": KEY_MAX},
            code="invalid_idempotency_key",
            field=field,
        )
    return key


class _Taken(Exception):
    """Another request holds this key (and has committed by the time we look again)."""


def _replay(stored: IdempotentRequest, fingerprint: str) -> tuple[int, Any]:
    if stored.fingerprint != fingerprint:
        raise DomainError(
            _("这个 Idempotency-Key 已用于另一个请求；新的请求请换一个新的 key。"),
            code="idempotency_mismatch",
        )
    return stored.status, stored.body


def _stored(user, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.objects.filter(user=user, key=key).first()


@statement
def _answer_sql() -> str:
    return (
        f"UPDATE {quote(IdempotentRequest._meta.db_table)} SET {quote('status')} = %s,"
        f" {quote('body')} = %s WHERE {quote('id')} = %s"
    )


def _answer(pk: int, status: int, body: Any) -> None:
    """Fill in the answer: ``save(update_fields=...)`` by hand, since every booking does it
    and compiling the UPDATE cost several times running it (linli.rows)."""
    field = IdempotentRequest._meta.get_field("body")
    with rows_cursor() as cursor:
        cursor.execute(_answer_sql(), [status, field.get_db_prep_save(body, connection), pk])


def idempotent(
    *, user, key: str | None, fingerprint: str, run: Callable[[bool], tuple[int, Any]]
) -> tuple[int, Any]:
    """``run(joined)`` once per (user, key); returns its ``(status, body)`` or the stored
    one. ``joined`` is True when ``run`` is inside the key's transaction (there is a key),
    which fails with anything ``run`` raises: a write in it needs no savepoint of its own.

    ``body`` must be JSON-safe (it is stored in a JSONField and replayed as is; return the
    same stored body to the first caller too, so first answer and replay are identical).
    Raises DomainError ``idempotency_mismatch`` (422) when ``key`` was used with another
    fingerprint, ``invalid_idempotency_key`` (422) for an unusable key.
    """
    if key is None:
        return run(False)
    key = check_key(key)
    try:
        with transaction.atomic():
            try:
                # No savepoint: a refused insert leaves this transaction at once (_Taken).
                row = IdempotentRequest(
                    user=user, key=key, fingerprint=fingerprint, status=0, body={}
                )
                insert(row)  # create(), by hand (linli.rows)
            except IntegrityError:
                raise _Taken() from None
            status, body = run(True)
            _answer(row.pk, status, body)
            return status, body
    except _Taken:
        return _replay(IdempotentRequest.objects.get(user=user, key=key), fingerprint)


def stored(*, user, key: str | None) -> IdempotentRequest | None:
    """The answer kept for (user, key), or None (also for a missing or unusable key): a
    page posted twice shows the first answer again instead of an error."""
    try:
        key = check_key(key or "")
    except DomainError:
        return None
    return _stored(user, key)
