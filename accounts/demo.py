"""Demo people for ``make demo``: an administrator, an operator and five residents.

Idempotent: running it again resets their passwords and flags to what is listed here.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.privacy import PRIVACY_POLICY_VERSION

ADMIN = ("admin", "linli-admin")
OPERATOR = ("wufu-operator", "linli-operator")
RESIDENTS = [
    ("13800000001", "张阿姨"),
    ("13800000002", "李叔"),
    ("13800000003", "王奶奶"),
    ("13800000004", "刘大爷"),
    ("13800000005", "陈姐"),
]


def _staff(username: str, password: str, *, superuser: bool, display_name: str) -> User:
    user, _created = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.is_superuser = superuser
    user.is_active = True
    user.display_name = user.display_name or display_name
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def load(*, stdout) -> list[str]:
    """Create or refresh the demo accounts; return lines telling people how to sign in."""
    _staff(*ADMIN, superuser=True, display_name="管理员")
    _staff(*OPERATOR, superuser=False, display_name="五福茶馆运营")
    now = timezone.now()
    for phone, name in RESIDENTS:
        user = User.objects.filter(phone=phone).first() or User(username=phone, phone=phone)
        user.display_name = name
        user.is_active = True
        if user.privacy_consent_version != PRIVACY_POLICY_VERSION:
            user.privacy_consent_at = now
            user.privacy_consent_version = PRIVACY_POLICY_VERSION
        user.set_unusable_password()
        user.save()
    stdout.write(f"accounts: 2 staff and {len(RESIDENTS)} residents ready\n")

    where = {
        "console": "printed in the terminal running the server",
        "file": f"appended to {settings.SMS_FILE_PATH}",
    }.get(settings.SMS_BACKEND, f"sent through SMS_BACKEND={settings.SMS_BACKEND!r}")
    return [
        f"Administrator: {ADMIN[0]} / {ADMIN[1]}  (staff sign-in /accounts/staff/sign-in/, /admin/)",
        f"Operator:      {OPERATOR[0]} / {OPERATOR[1]}  (staff sign-in /accounts/staff/sign-in/)",
        "Residents:     "
        + ", ".join(f"{phone} {name}" for phone, name in RESIDENTS)
        + "  (sign in at /accounts/sign-in/)",
        f"Sign-in codes: {where}"
        + ("" if settings.SMS_BACKEND == "file" else " (`make run` writes them to var/sms.log)."),
    ]
