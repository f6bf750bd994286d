"""A brute-force limit for staff password sign-in (the staff page and the Django admin).

Rules (defaults; each can be changed in settings):

- at most ``STAFF_LOGIN_MAX_FAILURES`` (5) failed attempts per username and
  ``STAFF_LOGIN_IP_MAX_FAILURES`` (20) per client IP within ``STAFF_LOGIN_WINDOW_SECONDS``
  (900 s); after that, attempts are refused, without checking the password, until the
  oldest counted failure leaves the window;
- a successful sign-in clears the username's failures (not the IP's: one right password
  must not buy an address another 20 guesses at other accounts).

The username is counted as typed (lower-cased, so "Admin" and "admin" share a limit)
whether or not an account has it: an unknown name is refused exactly like a real one,
with the same message and no password check in either case, so the limit tells nobody
which names exist. Refused attempts are not recorded; otherwise someone hammering a name
would keep its owner locked out for good.

The ledger is the database (``StaffLoginFailure``), not a local-memory cache, because
production runs several worker processes. An attempt's row is written before the password
is checked, in the transaction that checked the limits, so simultaneous guesses in
different workers cannot all slip under the limit; success deletes it again.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffLoginFailure
from accounts.privacy import LOGIN_RECORD_RETENTION_DAYS

# Shared with the resident code limits, so both lock, wait and word their waits alike.
from accounts.ratelimits import Limit, full_window_wait, human_wait, serialise, whole_seconds
from linli.errors import RateLimited

USERNAME_MAX_LENGTH = StaffLoginFailure._meta.get_field("username").max_length
RETENTION = dt.timedelta(days=LOGIN_RECORD_RETENTION_DAYS)


class StaffLoginLocked(RateLimited):
    default_code = "too_many_sign_in_failures"


@dataclass(frozen=True)
class Limits:
    username: Limit
    ip: Limit


def staff_login_limits() -> Limits:
    seconds = max(1, int(getattr(settings, "STAFF_LOGIN_WINDOW_SECONDS", 15 * 60)))
    window = dt.timedelta(seconds=seconds)
    return Limits(
        # At least one try each: a limit of 0 would lock everybody out for good.
        username=Limit(window, max(1, int(getattr(settings, "STAFF_LOGIN_MAX_FAILURES", 5)))),
        ip=Limit(window, max(1, int(getattr(settings, "STAFF_LOGIN_IP_MAX_FAILURES", 20)))),
    )


def normalise_username(raw: str | None) -> str:
    """The ledger's key for what was typed: NFKC, trimmed, lower-case, at most 150 chars."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().lower()
    return text[:USERNAME_MAX_LENGTH]


def staff_login_wait(*, username: str, ip: str | None, now: dt.datetime | None = None) -> int:
    """Seconds before ``username`` (from ``ip``) may try a password again; 0 = now."""
    now = now or timezone.now()
    limits = staff_login_limits()
    key = normalise_username(username)
    waits = [full_window_wait(StaffLoginFailure.objects.filter(username=key), limits.username, now)]
    if ip:
        waits.append(full_window_wait(StaffLoginFailure.objects.filter(ip=ip), limits.ip, now))
    waits = [w for w in waits if w is not None]
    return whole_seconds(max(waits)) if waits else 0


def staff_login_attempt_start(*, username: str, ip: str | None) -> StaffLoginFailure:
    """Check the limits and record the attempt as a failure until it is known to succeed.

    Call just before checking the password; raises StaffLoginLocked (nothing recorded) when
    the username or the IP has failed too often. Call ``staff_login_succeeded`` afterwards
    if the password was right.
    """
    key = normalise_username(username)
    now = timezone.now()
    with transaction.atomic():
        serialise(f"staff-username:{key}", *([f"staff-ip:{ip}"] if ip else []))
        # The ledger purges itself, so the retention holds on a site where cron never runs.
        staff_login_failures_purge(now=now)
        seconds = staff_login_wait(username=key, ip=ip, now=now)
        if seconds:
            raise StaffLoginLocked(
                _("登录失败次数过多，请 %(wait)s后再试。") % {"wait": human_wait(seconds)},
                retry_after=seconds,
            )
        return StaffLoginFailure.objects.create(username=key, ip=ip, created_at=now)


def staff_login_succeeded(*, username: str) -> int:
    """Forget the failures of ``username`` (the attempt just made included)."""
    deleted, _by_model = StaffLoginFailure.objects.filter(
        username=normalise_username(username)
    ).delete()
    return deleted


def staff_login_failures_purge(*, now: dt.datetime | None = None) -> int:
    """Delete ledger rows past retention (never one still counted); returns how many went."""
    now = now or timezone.now()
    keep = max(RETENTION, staff_login_limits().username.window)
    deleted, _by_model = StaffLoginFailure.objects.filter(created_at__lt=now - keep).delete()
    return deleted
