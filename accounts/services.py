"""Writes for accounts: consent, profile, deletion and the account's personal data.

Sign-in codes live in ``accounts.otp``, staff password sign-in in ``accounts.staff_login``.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import personal_data
from accounts.models import ApiToken, LoginCode, User
from accounts.privacy import PRIVACY_POLICY_VERSION
from linli.errors import Conflict, DomainError, PermissionDenied

__all__ = [
    "account_delete",
    "account_erase",
    "account_export",
    "privacy_consent_decline",
    "privacy_consent_give",
    "user_update_profile",
]


@transaction.atomic
def privacy_consent_give(*, user: User, version: str | None = None) -> User:
    """Record that ``user`` agreed to the current statement (``version``, when given, must be it)."""
    if version is not None and version != PRIVACY_POLICY_VERSION:
        raise Conflict(
            _("隐私说明已更新，请阅读最新版本后再同意。"),
            code="policy_version_mismatch",
        )
    user.privacy_consent_at = timezone.now()
    user.privacy_consent_version = PRIVACY_POLICY_VERSION
    user.save(update_fields=["privacy_consent_at", "privacy_consent_version"])
    return user


@dataclass(frozen=True)
class Declined:
    account_deleted: bool


def privacy_consent_decline(*, user: User) -> Declined:
    """The person said no: an account that holds nothing yet goes; others are kept.

    Kept accounts (bookings made under an earlier statement, staff) stay as they are, and
    their owner can come back to agree, download their data or delete the account.
    """
    deletable = (
        user.is_resident
        and not user.is_staff
        and not user.is_superuser
        and not user.has_usable_password()
        and not personal_data.holds_data(user=user)
    )
    if deletable:
        account_delete(user=user)
    return Declined(account_deleted=deletable)


@transaction.atomic
def user_update_profile(*, user: User, display_name: str) -> User:
    name = " ".join(display_name.split())
    if display_name and not name:
        # Spaces alone would save an empty name the person did not mean to clear.
        raise DomainError(
            _("称呼不能只有空格。请填写一个称呼，或者清空后保存。"),
            code="display_name_blank",
            field="display_name",
        )
    if len(name) > User._meta.get_field("display_name").max_length:
        raise DomainError(_("称呼最多40个字。"), code="invalid", field="display_name")
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def account_delete(*, user: User) -> None:
    """Erase everything about ``user`` (all registered sections), then the user.

    All or nothing. If some other table still protects the user row, the row is kept but
    emptied of anything personal and can never sign in again.
    """
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(
            _("工作人员账户不能在这里注销，请联系管理员。"), code="staff_account"
        )
    with transaction.atomic():
        personal_data.erase_all(user=user)
        try:
            with transaction.atomic():
                _delete_row(user)
        except (ProtectedError, RestrictedError):
            _anonymise(user)


def _delete_row(user: User) -> None:
    User.objects.filter(pk=user.pk).delete()


def _anonymise(user: User) -> None:
    user.username = f"deleted-{user.pk}"
    user.phone = None
    user.display_name = ""
    user.first_name = user.last_name = user.email = ""
    user.privacy_consent_at = None
    user.privacy_consent_version = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


# --- the accounts section of a personal-data download --------------------------------------


def account_export(user: User) -> dict:
    return {
        "username": user.username,
        "phone": user.phone,
        "display_name": user.display_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "privacy_consent_at": user.privacy_consent_at,
        "privacy_consent_version": user.privacy_consent_version,
        "sign_in_codes": [
            {"requested_at": c.created_at, "ip": c.ip, "used_at": c.used_at}
            for c in LoginCode.objects.filter(phone=user.phone).order_by("created_at")
        ]
        if user.phone
        else [],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
    }


def account_erase(user: User) -> None:
    if user.phone:
        LoginCode.objects.filter(phone=user.phone).delete()
    ApiToken.objects.filter(user=user).delete()
