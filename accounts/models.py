"""People: residents sign in by mobile number, staff by username and password.

One user table serves both so that a community worker who is also a resident has one
identity; what a staff user may do at a venue is a role held in ``spaces``.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    phone = models.CharField(
        _("手机号"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        help_text=_("中国大陆手机号，11位。"),
    )
    display_name = models.CharField(_("称呼"), max_length=40, blank=True)
    privacy_consent_at = models.DateTimeField(_("同意隐私说明的时间"), null=True, blank=True)
    privacy_consent_version = models.CharField(max_length=20, blank=True)

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
        """138****0001: enough for a desk to recognise someone, not enough to call them."""
        if not self.phone:
            return ""
        return f"{self.phone[:3]}****{self.phone[-4:]}"


models.CharField.register_lookup(Length)


class ApiToken(models.Model):
    """A bearer token for an integration. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=80, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
