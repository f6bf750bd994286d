"""The one table calendars owns: the secret tokens of personal and group feed URLs.

Everything else a feed shows is read from scenes and bookings when it is asked for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedToken(models.Model):
    """A feed URL's token. Only its SHA-256 is stored (accounts.tokens.token_digest): the
    URL is shown once, when made. Rotating replaces the digest in place, so the old URL is
    dead the moment the new one exists; revoking deletes the row.

    ``group`` empty: the resident's personal feed; set: their own URL of a group's feed,
    which answers only while they are still a member (leaving the group ends it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "scenes.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("日历订阅链接")
        verbose_name_plural = _("日历订阅链接")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(group__isnull=True), name="calendars_one_personal"
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(group__isnull=False),
                name="calendars_one_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"feed token of {self.user_id} ({self.group_id or 'personal'})"
