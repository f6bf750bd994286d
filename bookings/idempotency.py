"""Replaying a request that carried an idempotency key (a double tap books once).

Minimal on purpose, so it can be merged with the API's ``Idempotency-Key`` handling:
``replay`` finds the first answer given to (user, key); ``remember`` stores it inside the
transaction that made it, so a key is recorded exactly when its booking is. Two requests
racing with one key are serialised by the venue lock; the loser sees the winner's row.
"""

from __future__ import annotations

import hashlib
import json
import re

from bookings.models import IdempotentRequest

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def valid_key(key: object) -> bool:
    return isinstance(key, str) and bool(KEY_RE.match(key))


def fingerprint(data: dict) -> str:
    """A stable digest of what was asked (to tell a retry from a different request)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def replay(*, user, key: str) -> IdempotentRequest | None:
    if not valid_key(key):
        return None
    return IdempotentRequest.objects.filter(user=user, key=key).first()


def remember(*, user, key: str, fingerprint: str, status: int, body: dict) -> None:
    if valid_key(key):
        IdempotentRequest.objects.create(
            user=user, key=key, fingerprint=fingerprint, status=status, body=body
        )
