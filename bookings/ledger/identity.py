"""Who a ledger row is about, from the phone number the community wrote down.

A phone that belongs to an account links the row to it (its own visitor pseudonym and
``resident``), so the resident sees their history and it leaves with their data. A phone
without an account is *not* given one: nobody consented to an account, and an import is
no place to create one. Its rows carry a visitor pseudonym derived from the number with a
keyed hash (HMAC with the site's SECRET_KEY), so a resident's repeat visits across rows
and imports still match, while the number itself is stored nowhere and the pseudonym
cannot be turned back into it without the key.

Row keys (``ledger_key``) use the derived pseudonym even when an account exists, so
re-importing a file after the resident has signed up still finds the rows.
"""

from __future__ import annotations

import hashlib
import uuid

from django.utils.crypto import salted_hmac

from accounts.models import User
from bookings.visitors import visitor_key

_SALT = "linli.bookings.ledger.visitor"


def phone_pseudonym(phone: str) -> uuid.UUID:
    """The visitor key of a phone number without an account (stable for the SECRET_KEY)."""
    digest = salted_hmac(_SALT, phone, algorithm="sha256").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def row_key(*parts: object) -> str:
    """A row's natural key, hashed to the 40 characters ``ledger_key`` holds."""
    text = "|".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class People:
    """Phone -> (account or None, visitor key), each number looked up once."""

    def __init__(self, phones: set[str]) -> None:
        self._users = {u.phone: u for u in User.objects.filter(phone__in=phones, is_active=True)}
        self._cache: dict[str, tuple[User | None, uuid.UUID]] = {}

    def of(self, phone: str) -> tuple[User | None, uuid.UUID]:
        if phone not in self._cache:
            user = self._users.get(phone)
            key = visitor_key(user) if user is not None else phone_pseudonym(phone)
            self._cache[phone] = (user, key)
        return self._cache[phone]
