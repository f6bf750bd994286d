"""People: residents sign in by mobile number, staff by username and password.

One user table serves both so that a community worker who is also a resident has one
identity; what a staff user may do at a venue is a role held in ``spaces``.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phone import MAINLAND_MOBILE, mask_phone

validate_mainland_mobile = RegexValidator(
    MAINLAND_MOBILE, _("请输入正确的11位手机号。"), code="invalid_phone"
)


class User(AbstractUser):
    phone = models.CharField(
        _("手机号"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        help_text=_("中国大陆手机号，11位。"),
        validators=[validate_mainland_mobile],
    )
    display_name = models.CharField(_("称呼"), max_length=40, blank=True)
    privacy_consent_at = models.DateTimeField(_("同意隐私说明的时间"), null=True, blank=True)
    privacy_consent_version = models.CharField(_("同意的隐私说明版本"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__isnull=True)
                | (models.Q(phone__regex=r"^1[3-9][0-9]{9}$") & models.Q(phone__length=11)),
                name="accounts_user_phone_mainland_mobile",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.phone_masked or self.username

    @property
    def is_resident(self) -> bool:
        return bool(self.phone)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


models.CharField.register_lookup(Length)


class ApiToken(models.Model):
    """A bearer token for an integration. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# A code is dead after this many tries, right or wrong; the database holds the line too.
LOGIN_CODE_MAX_ATTEMPTS = 5


class LoginCode(models.Model):
    """A one-time sign-in code sent by SMS. Only an HMAC of the code is stored.

    The rows double as the rate-limit ledger (codes per number, per IP), which must live in
    the database because production runs several worker processes. Only the newest code of
    a number counts; rows are purged after ``accounts.otp.LEDGER_RETENTION``.
    """

    phone = models.CharField(_("手机号"), max_length=11)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="accounts_logincode_phone"),
            models.Index(fields=["ip", "created_at"], name="accounts_logincode_ip"),
            models.Index(fields=["created_at"], name="accounts_logincode_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^1[3-9][0-9]{9}$") & models.Q(phone__length=11),
                name="accounts_logincode_phone_mainland_mobile",
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__lte=LOGIN_CODE_MAX_ATTEMPTS),
                name="accounts_logincode_attempts_max",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_logincode_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} @ {self.created_at:%Y-%m-%d %H:%M}"


class StaffLoginFailure(models.Model):
    """One staff password sign-in that did not succeed: the brute-force ledger.

    A row is written when an attempt starts (after the limits are checked, in the same
    transaction) and deleted with all of that username's rows when the attempt succeeds, so
    simultaneous guesses in several worker processes are all counted. ``username`` is what
    was typed, lower-cased; it need not name an account. Rows are purged after
    ``accounts.staff_login.RETENTION``.
    """

    username = models.CharField(_("用户名"), max_length=150)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("工作人员登录失败记录")
        verbose_name_plural = _("工作人员登录失败记录")
        indexes = [
            models.Index(fields=["username", "created_at"], name="accounts_stafflogin_user"),
            models.Index(fields=["ip", "created_at"], name="accounts_stafflogin_ip"),
            models.Index(fields=["created_at"], name="accounts_stafflogin_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(username=Lower("username")),
                name="accounts_stafflogin_username_lower",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.created_at:%Y-%m-%d %H:%M}"
