"""Reads for accounts."""

from accounts.models import ApiToken, User
from accounts.phone import normalise_phone
from accounts.privacy import consent_needed

__all__ = ["api_token_find", "consent_needed", "user_find"]


def user_find(*, identifier: str) -> User | None:
    """A user by username, or a resident by phone number in any of the forms people type."""
    user = User.objects.filter(username=identifier).first()
    if user is not None:
        return user
    phone = normalise_phone(identifier)
    return User.objects.filter(phone=phone).first() if phone else None


def api_token_find(*, key: str) -> list[ApiToken]:
    """Tokens matching an id, a whole token, or (the start of) the prefix shown for it."""
    from accounts.tokens import PREFIX_LENGTH, TOKEN_PREFIX, token_digest

    key = key.strip().rstrip("…").rstrip(".")
    tokens = ApiToken.objects.select_related("user").order_by("pk")
    if key.isdigit():
        return list(tokens.filter(pk=int(key)))
    if not key.startswith(TOKEN_PREFIX) or len(key) <= len(TOKEN_PREFIX):
        return []
    if len(key) > PREFIX_LENGTH:
        return list(tokens.filter(token_hash=token_digest(key)))
    return list(tokens.filter(prefix__startswith=key))
