"""Self-organised groups (自组织): choirs, square-dance teams, drama clubs."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Easy to read aloud and type: no 0/O, 1/I/L. 31**8 (~850 billion) codes: not guessable.
INVITE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITE_CODE_LENGTH = 8


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class Group(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.TextField(_("简介"), blank=True)
    # Who registered the group; emptied when they delete their account (the group lives on
    # under the member who now leads it).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The organiser shares it (a link or the code itself) with people who may join.
    invite_code = models.CharField(
        _("邀请码"), max_length=INVITE_CODE_LENGTH, unique=True, default=new_invite_code
    )

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


class GroupInvitation(models.Model):
    """A leader's invitation to a phone number; the person joins only by accepting it.

    Stored whether or not the number has an account (so nobody learns which numbers do),
    as an HMAC of the number: it becomes visible to whoever signs in with that number.
    The leader sees only the masked number they typed, never whether it is registered.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待接受")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已拒绝")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    phone_hash = models.CharField(max_length=64)
    phone_masked = models.CharField(_("手机号"), max_length=11)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("邀请时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("自组织邀请")
        verbose_name_plural = _("自组织邀请")
        indexes = [
            models.Index(fields=["phone_hash", "status"], name="scenes_invite_phone"),
            models.Index(fields=["invited_by", "created_at"], name="scenes_invite_by"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "phone_hash"], name="scenes_invite_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]),
                name="scenes_invite_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.phone_masked}: {self.status}"
