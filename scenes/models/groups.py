"""Self-organised groups (自组织): choirs, square-dance teams, drama clubs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.TextField(_("简介"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="groups_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自组织")
        verbose_name_plural = _("自组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("负责人")
        MEMBER = "member", _("成员")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("角色"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自组织成员")
        verbose_name_plural = _("自组织成员")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="scenes_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"


class GroupVenueApproval(models.Model):
    """An operator's decision that a group may organise events and book at a venue."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="approvals")
    venue = models.ForeignKey(
        "spaces.Venue", on_delete=models.CASCADE, related_name="group_approvals"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("自组织场馆审核")
        verbose_name_plural = _("自组织场馆审核")
        constraints = [
            models.UniqueConstraint(fields=["group", "venue"], name="scenes_approval_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="scenes_approval_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} @ {self.venue}: {self.status}"
