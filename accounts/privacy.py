"""The privacy statement residents agree to (PIPL), and whether someone still has to.

Bump ``PRIVACY_POLICY_VERSION`` whenever the statement changes what is stored or why:
everyone is asked again before they next use a page that needs sign-in.
"""

from accounts.models import User

PRIVACY_POLICY_VERSION = "2026-12"  # 2026-12: event registrations, groups, invitations

# How long things are kept; the statement quotes these numbers, so they live in one place.
LOGIN_RECORD_RETENTION_DAYS = 7


def consent_needed(user: User) -> bool:
    """True when a signed-in person has not agreed to the current statement."""
    if not user.is_authenticated:
        return False
    return not (
        user.privacy_consent_at is not None
        and user.privacy_consent_version == PRIVACY_POLICY_VERSION
    )
