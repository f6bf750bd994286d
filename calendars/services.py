"""Feed tokens: issue (or rotate), revoke, and find the feed a token opens.

A token is 256 random bits, URL-safe; only its SHA-256 is stored (the same digest as the
API tokens, accounts.tokens). Issuing when a token exists replaces its digest in the same
row: the old URL answers 404 from the moment the new one is shown. A group feed's token
belongs to one member and opens the feed only while they are a member."""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tokens import token_digest
from calendars.models import FeedToken
from linli.errors import NotFound
from scenes.models import Group, GroupMembership

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def _member(user: User, group: Group) -> bool:
    return GroupMembership.objects.filter(group=group, user=user).exists()


def feed_token_issue(*, user: User, group: Group | None = None) -> str:
    """A new secret URL token for ``user``'s personal feed, or for their copy of
    ``group``'s feed (members only: NotFound otherwise, as for a group they cannot see).
    Any earlier token of the same feed stops working at once. Returns the plain token,
    which is never retrievable again."""
    if group is not None and not _member(user, group):
        raise NotFound()
    plain = secrets.token_urlsafe(32)
    digest = token_digest(plain)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = FeedToken.objects.filter(user=user, group=group).update(digest=digest)
                if not updated:
                    FeedToken.objects.create(user=user, group=group, digest=digest)
            return plain
        except IntegrityError:
            continue  # a double tap made the row meanwhile: replace its digest instead
    raise RuntimeError("could not store a feed token")


def feed_token_revoke(*, user: User, group: Group | None = None) -> bool:
    """Stop the feed's URL; False when there was none."""
    deleted, _ = FeedToken.objects.filter(user=user, group=group).delete()
    return bool(deleted)


def feed_token_find(*, token: str) -> FeedToken | None:
    """The live token ``token`` names (with its user and group), or None: malformed,
    unknown, rotated, revoked, an inactive account or a member no longer in the group."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    row = (
        FeedToken.objects.select_related("user", "group").filter(digest=token_digest(token)).first()
    )
    if row is None or not row.user.is_active:
        return None
    if row.group is not None and not _member(row.user, row.group):
        return None
    return row


def feed_tokens_of(*, user: User) -> dict[int | None, FeedToken]:
    """{group id or None for the personal feed: token} of ``user``'s live feed URLs."""
    return {t.group_id: t for t in FeedToken.objects.filter(user=user)}
