"""API tokens for integrations: issue, verify, revoke.

A token is ``ll_`` + 256 random bits. Only its SHA-256 is stored: with that much entropy a
plain hash cannot be brute-forced, and a lookup by hash needs no per-row key. The first
characters (``prefix``) are kept in clear so that people can tell their tokens apart.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User

TOKEN_PREFIX = "ll_"
PREFIX_LENGTH = 10
MAX_TOKEN_LENGTH = 100


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Return the stored token and the plain token, which is never retrievable again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[: ApiToken._meta.get_field("name").max_length],
        prefix=plain[:PREFIX_LENGTH],
        token_hash=token_digest(plain),
    )
    return token, plain


def api_token_authenticate(*, plain: str) -> User | None:
    """The active user behind an unrevoked token, or None."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    # By the unique hash alone, the rest checked on the row: every API request does this,
    # and each condition Django compiles costs more than comparing it here.
    try:
        token = ApiToken.objects.select_related("user").get(token_hash=token_digest(plain))
    except ApiToken.DoesNotExist:
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    # Avoid a write per request; minute resolution is plenty for "last used".
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke ``token``; False when it already was (revoking twice keeps the first time)."""
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if changed:
        token.revoked_at = now
    return bool(changed)
