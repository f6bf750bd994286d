"""API tokens for integrations: issue, verify, revoke.

A token is ``ll_`` + 256 random bits. Only its SHA-256 is stored: with that much entropy a
plain hash cannot be brute-forced, and a lookup by hash needs no per-row key. The first
characters (``prefix``) are kept in clear so that people can tell their tokens apart.
"""

import hashlib
import secrets

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from linli.rows import Columns, one, quote, statement
from linli.rows import cursor as rows_cursor

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


_TOKEN, _USER = Columns(ApiToken, "t"), Columns(User, "u")


@statement
def _token_sql() -> str:
    return (
        f"SELECT {_TOKEN.sql()}, {_USER.sql()} FROM {_TOKEN.table()}"
        f" INNER JOIN {_USER.table()} ON {_USER.col('id')} = {_TOKEN.col('user')}"
        f" WHERE {_TOKEN.col('token_hash')} = %s"
    )


@statement
def _used_sql() -> str:
    table = quote(ApiToken._meta.db_table)
    return f"UPDATE {table} SET {quote('last_used_at')} = %s WHERE {quote('id')} = %s"


def api_token_authenticate(*, plain: str) -> User | None:
    """The active user behind an unrevoked token, or None."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_LENGTH:
        return None
    # By the unique hash alone, the rest checked on the row, in one hand-written read:
    # every API request does this, and compiling the ORM's query cost several times
    # running it (linli.rows).
    row = one(_token_sql(), [token_digest(plain)])
    if row is None:
        return None
    token = _TOKEN.instance(row)
    token.user = _USER.instance(row, _TOKEN.width)
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    # Avoid a write per request; minute resolution is plenty for "last used".
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        with rows_cursor() as cursor:  # by hand too, for the same reason
            cursor.execute(_used_sql(), [connection.ops.adapt_datetimefield_value(now), token.pk])
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke ``token``; False when it already was (revoking twice keeps the first time)."""
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if changed:
        token.revoked_at = now
    return bool(changed)
