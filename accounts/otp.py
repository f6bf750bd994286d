"""Sign-in codes for residents: issue one by SMS, then trade it for a signed-in user.

Rules (the numbers are module constants; the per-IP and global limits can be changed with
``settings.OTP_IP_HOURLY_LIMIT``, e.g. for a venue whose residents share one public
address, and ``settings.OTP_GLOBAL_HOURLY_LIMIT``):

- a code is 6 digits, valid for 5 minutes, good for one sign-in, and dies after 5 tries;
- only the newest code of a number counts; a new one may be sent 60 s after the last;
- at most 3 codes per number in 5 minutes, 20 per IP address per hour, and
  OTP_GLOBAL_HOURLY_LIMIT for the whole site per hour.

Anyone can ask for a code for any number, so a per-number limit is one a stranger can use
against the number's owner: it is kept short (the owner waits five minutes at most), and the
per-IP and global limits carry the weight of stopping floods and SMS bills. A successful
sign-in clears the number's counters: codes sent before it no longer count against it.

Only an HMAC-SHA256 of (number, code) keyed with SECRET_KEY is stored, and it is compared
in constant time. The LoginCode rows are also the rate-limit ledger: several worker
processes share the database, not a local-memory cache. A wrong code says nothing about
whether the number has an account: accounts are only looked at once the code is right.
"""

import datetime as dt
import logging
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import sms
from accounts.errors import (
    AccountDisabled,
    CodeExpired,
    CodeUsed,
    Cooldown,
    InvalidCode,
    InvalidPhone,
    SmsFailed,
    TooManyAttempts,
)
from accounts.models import LOGIN_CODE_MAX_ATTEMPTS, LoginCode, User
from accounts.phone import mask_phone, normalise_phone
from accounts.privacy import LOGIN_RECORD_RETENTION_DAYS, consent_needed
from accounts.ratelimits import Limit, full_window_wait, human_wait, serialise, whole_seconds
from linli.errors import RateLimited

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
RESEND_COOLDOWN = dt.timedelta(seconds=60)
MAX_ATTEMPTS = LOGIN_CODE_MAX_ATTEMPTS
LEDGER_RETENTION = dt.timedelta(days=LOGIN_RECORD_RETENTION_DAYS)


def phone_limits() -> tuple[Limit, ...]:
    return (Limit(dt.timedelta(minutes=5), 3),)


def ip_limits() -> tuple[Limit, ...]:
    return (Limit(dt.timedelta(hours=1), settings.OTP_IP_HOURLY_LIMIT),)


def global_limits() -> tuple[Limit, ...]:
    return (Limit(dt.timedelta(hours=1), settings.OTP_GLOBAL_HOURLY_LIMIT),)


def _counted_for_phone(phone: str):
    """The number's ledger rows that still count: those after its last successful sign-in."""
    codes = LoginCode.objects.filter(phone=phone)
    last_sign_in = (
        codes.filter(used_at__isnull=False)
        .order_by("-used_at")
        .values_list("used_at", flat=True)
        .first()
    )
    if last_sign_in is not None:
        codes = codes.filter(created_at__gt=last_sign_in)
    return codes


@dataclass(frozen=True)
class CodeSent:
    phone: str
    expires_in: int
    resend_after: int


@dataclass(frozen=True)
class SignIn:
    user: User
    created: bool
    consent_required: bool


def code_hash(*, phone: str, code: str) -> str:
    return salted_hmac("accounts.LoginCode", f"{phone}:{code}", algorithm="sha256").hexdigest()


def parse_code(raw: str | None) -> str | None:
    """The 6 ASCII digits in what was typed (full-width digits and spaces allowed), or None."""
    text = "".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    if len(text) == CODE_DIGITS and text.isascii() and text.isdigit():
        return text
    return None


def _check_limits(*, phone: str, ip: str | None, now: dt.datetime) -> None:
    by_phone = _counted_for_phone(phone)
    waits = [full_window_wait(by_phone, limit, now) for limit in phone_limits()]
    if ip:
        by_ip = LoginCode.objects.filter(ip=ip)
        waits += [full_window_wait(by_ip, limit, now) for limit in ip_limits()]
    # Not serialised (one lock for every request would queue the whole site): concurrent
    # requests may overshoot the global cap by a few, which is all it needs to be exact to.
    waits += [full_window_wait(LoginCode.objects.all(), limit, now) for limit in global_limits()]
    waits = [w for w in waits if w is not None]
    if waits:
        seconds = whole_seconds(max(waits))
        raise RateLimited(
            _("获取验证码过于频繁，请 %(wait)s后再试。") % {"wait": human_wait(seconds)},
            retry_after=seconds,
        )
    latest = by_phone.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None and latest + RESEND_COOLDOWN > now:
        seconds = whole_seconds(latest + RESEND_COOLDOWN - now)
        raise Cooldown(
            _("验证码已发送，请 %(seconds)d 秒后再重新获取。") % {"seconds": seconds},
            retry_after=seconds,
        )


def sms_text(*, code: str) -> str:
    minutes = int(CODE_TTL.total_seconds() // 60)
    return _("【邻里】验证码 %(code)s，%(minutes)d分钟内有效。请勿告诉他人。") % {
        "code": code,
        "minutes": minutes,
    }


def login_code_request(*, phone: str, ip: str | None = None) -> CodeSent:
    """Send a new sign-in code to ``phone``; raises InvalidPhone, Cooldown, RateLimited or SmsFailed."""
    number = normalise_phone(phone)
    if number is None:
        raise InvalidPhone()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        serialise(f"phone:{number}", *([f"ip:{ip}"] if ip else []))
        # The ledger purges itself: rows older than any window are personal data we no
        # longer need (the privacy statement promises LOGIN_RECORD_RETENTION_DAYS).
        login_codes_purge(now=now)
        _check_limits(phone=number, ip=ip, now=now)
        row = LoginCode.objects.create(
            phone=number,
            code_hash=code_hash(phone=number, code=code),
            ip=ip,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    # Sent after commit so a slow SMS gateway never holds the database lock. If it fails,
    # the row goes again: the resident did not get a code, so it must not count against
    # them (cooldown, hourly limit).
    try:
        sms.send(number, sms_text(code=code))
    except Exception as exc:
        logger.exception("SMS to %s failed", mask_phone(number))
        LoginCode.objects.filter(pk=row.pk).delete()
        raise SmsFailed() from exc
    return CodeSent(
        phone=number,
        expires_in=int(CODE_TTL.total_seconds()),
        resend_after=int(RESEND_COOLDOWN.total_seconds()),
    )


def _resident_for(phone: str) -> tuple[User, bool]:
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        if not user.is_active:
            raise AccountDisabled()
        return user, False
    # A staff account may already be called by this number without having it as its
    # phone; it must not be taken over, so the resident gets a different username.
    username = phone if not User.objects.filter(username=phone).exists() else f"r-{phone}"
    user = User(username=username, phone=phone)
    user.set_unusable_password()
    user.save()
    return user, True


def login_code_verify(*, phone: str, code: str) -> SignIn:
    """Check ``code`` for ``phone`` and return the resident, created on first sign-in.

    Raises InvalidPhone, InvalidCode, CodeExpired, CodeUsed, TooManyAttempts or
    AccountDisabled. A wrong guess is recorded (committed) before the error is raised.
    """
    number = normalise_phone(phone)
    if number is None:
        raise InvalidPhone()
    typed = parse_code(code)
    if typed is None:
        raise InvalidCode(_("请输入短信中的6位数字验证码。"))
    now = timezone.now()
    wrong: InvalidCode | TooManyAttempts | None = None
    with transaction.atomic():
        latest = (
            LoginCode.objects.select_for_update()
            .filter(phone=number)
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is None:
            raise InvalidCode()
        if latest.used_at is not None:
            raise CodeUsed()
        if latest.attempts >= MAX_ATTEMPTS:
            raise TooManyAttempts()
        if latest.expires_at <= now:
            raise CodeExpired()
        attempts = latest.attempts + 1
        if constant_time_compare(latest.code_hash, code_hash(phone=number, code=typed)):
            LoginCode.objects.filter(pk=latest.pk).update(attempts=attempts, used_at=now)
            user, created = _resident_for(number)
        else:
            LoginCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
            left = MAX_ATTEMPTS - attempts
            if left <= 0:
                wrong = TooManyAttempts()
            else:
                wrong = InvalidCode(
                    ngettext(
                        "验证码不正确，还可以再试 %(left)d 次。",
                        "验证码不正确，还可以再试 %(left)d 次。",
                        left,
                    )
                    % {"left": left}
                )
    # Raised outside the transaction, or the attempt just counted would be rolled back.
    if wrong is not None:
        raise wrong
    return SignIn(user=user, created=created, consent_required=consent_needed(user))


def login_codes_purge(*, now: dt.datetime | None = None) -> int:
    """Delete ledger rows past retention; returns how many went."""
    now = now or timezone.now()
    deleted, _by_model = LoginCode.objects.filter(created_at__lt=now - LEDGER_RETENTION).delete()
    return deleted


def login_code_resend_wait(*, phone: str) -> int:
    """Seconds before ``phone`` may be sent another code (cooldown only; 0 = now)."""
    number = normalise_phone(phone)
    if number is None:
        return 0
    latest = (
        _counted_for_phone(number)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None:
        return 0
    remaining = latest + RESEND_COOLDOWN - timezone.now()
    return whole_seconds(remaining) if remaining.total_seconds() > 0 else 0
