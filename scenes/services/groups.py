"""Writes for self-organised groups (自组织) and their approval at venues.

A resident registers a group and becomes its leader; people join by accepting an
invitation to their phone number or with the group's invite code
(``scenes.services.group_invitations``). The leader asks a venue to approve the group; an
operator of that venue decides. Only approved groups may organise events (and, later, book)
at a venue.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.ratelimits import Limit, serialise
from linli.errors import Conflict, DomainError
from scenes.models import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.services.group_invitations import (
    clean_invite_phones,
    invitations_create,
    invite_phone_hash,
    require_leader,
    require_resident,
    throttle,
)
from spaces.models import Venue
from spaces.permissions import venue_require_operator

NAME_MAX = 60
DESCRIPTION_MAX = 1000
NOTE_MAX = 200
GROUP_CREATE_LIMITS = (Limit(dt.timedelta(hours=1), 5), Limit(dt.timedelta(days=1), 10))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("请填写自组织名称。"), code="invalid", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            _("名称不能超过 %(n)s 个字。") % {"n": NAME_MAX}, code="invalid", field="name"
        )
    return name


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("简介不能超过 %(n)s 个字。") % {"n": DESCRIPTION_MAX},
            code="invalid",
            field="description",
        )
    return description


def _name_taken(name: str) -> bool:
    return Group.objects.filter(name__iexact=name).exists()


def _raise_name_taken(name: str):
    raise Conflict(
        _("已有名为“%(name)s”的自组织，请换一个名称。") % {"name": name},
        code="group_name_taken",
        field="name",
    )


def group_create(
    *, user, name: str, description: str = "", member_phones: Iterable[str] = ()
) -> Group:
    """Register a group led by ``user``; ``member_phones`` are invited (see group_invite).

    Throttled per resident (GROUP_CREATE_LIMITS): registering groups by the hundred is
    spam, not community work.
    """
    require_resident(user)
    name = _clean_name(name)
    description = _clean_description(description)
    phones = clean_invite_phones(member_phones)
    now = timezone.now()
    try:
        with transaction.atomic():
            serialise(f"groups:{user.pk}")
            throttle(
                Group.objects.filter(created_by=user),
                GROUP_CREATE_LIMITS,
                now=now,
                message=_("登记自组织过于频繁，请 %(wait)s后再试。"),
            )
            if _name_taken(name):
                _raise_name_taken(name)
            group = Group.objects.create(name=name, description=description, created_by=user)
            GroupMembership.objects.create(group=group, user=user, role=GroupMembership.Role.LEADER)
            if phones:
                invitations_create(user=user, group=group, phones=phones, now=now)
    except IntegrityError:
        # Two residents choosing the same name at the same moment: the unique index decides.
        _raise_name_taken(name)
    return group


def group_remove_member(*, user, group: Group, member: User) -> None:
    """The leader removes a member, or a member leaves. The leader cannot leave their group."""
    if getattr(user, "pk", None) != member.pk:
        require_leader(user=user, group=group)
    membership = GroupMembership.objects.filter(group=group, user=member).first()
    if membership is None:
        raise DomainError(_("此人不是该自组织的成员。"), code="not_group_member")
    if membership.role == GroupMembership.Role.LEADER:
        raise DomainError(_("负责人不能退出自己的自组织。"), code="leader_cannot_leave")
    with transaction.atomic():
        membership.delete()
        # The accepted invitation goes too, so the leader can invite them again later.
        GroupInvitation.objects.filter(
            group=group, phone_hash=invite_phone_hash(member.phone or "")
        ).delete()


def group_request_approval(*, user, group: Group, venue: Venue) -> GroupVenueApproval:
    """The leader asks ``venue`` to approve the group. A rejected group may ask again."""
    require_leader(user=user, group=group)
    if not venue.is_published:
        raise DomainError(_("该场馆暂未开放。"), code="venue_unavailable", field="venue")
    with transaction.atomic():
        approval = (
            GroupVenueApproval.objects.select_for_update().filter(group=group, venue=venue).first()
        )
        if approval is None:
            try:
                with transaction.atomic():
                    return GroupVenueApproval.objects.create(group=group, venue=venue)
            except IntegrityError:
                approval = GroupVenueApproval.objects.get(group=group, venue=venue)
        if approval.status == GroupVenueApproval.Status.APPROVED:
            raise Conflict(
                _("“%(group)s”已获“%(venue)s”批准。") % {"group": group, "venue": venue.name},
                code="already_requested",
            )
        if approval.status == GroupVenueApproval.Status.PENDING:
            raise Conflict(
                _("已向“%(venue)s”提交申请，请等待审核。") % {"venue": venue.name},
                code="already_requested",
            )
        approval.status = GroupVenueApproval.Status.PENDING
        approval.requested_at = timezone.now()
        approval.decided_by = None
        approval.decided_at = None
        approval.save(update_fields=["status", "requested_at", "decided_by", "decided_at"])
    return approval


def group_approval_decide(
    *, user, approval: GroupVenueApproval, approve: bool, note: str = ""
) -> GroupVenueApproval:
    """An operator of the approval's venue approves or rejects it (and may change their mind).

    The note is shown to the group's leader: why it was rejected, or what to know first.
    """
    venue_require_operator(user=user, venue=approval.venue)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            _("备注不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, code="invalid", field="note"
        )
    with transaction.atomic():
        approval = GroupVenueApproval.objects.select_for_update().get(pk=approval.pk)
        approval.status = (
            GroupVenueApproval.Status.APPROVED if approve else GroupVenueApproval.Status.REJECTED
        )
        approval.note = note
        approval.decided_by = user
        approval.decided_at = timezone.now()
        approval.save(update_fields=["status", "note", "decided_by", "decided_at"])
    return approval


def group_memberships_erase_for(*, user: User) -> None:
    """Take ``user`` out of every group (account deletion).

    A group they lead passes to its longest-standing other member; a group with nobody
    else is dissolved (its invitations and venue approvals go with it; its events stay,
    organised by the venue). Groups they registered and invitations they sent lose their
    name; invitations to their own number are deleted.
    """
    with transaction.atomic():
        led = (
            GroupMembership.objects.select_for_update()
            .filter(user=user, role=GroupMembership.Role.LEADER)
            .order_by("group_id")
        )
        for membership in led:
            successor = (
                GroupMembership.objects.select_for_update()
                .filter(group_id=membership.group_id)
                .exclude(user=user)
                .order_by("joined_at", "pk")
                .first()
            )
            if successor is None:
                Group.objects.filter(pk=membership.group_id).delete()
            else:
                successor.role = GroupMembership.Role.LEADER
                successor.save(update_fields=["role"])
        GroupMembership.objects.filter(user=user).delete()
        Group.objects.filter(created_by=user).update(created_by=None)
        GroupInvitation.objects.filter(invited_by=user).update(invited_by=None)
        if user.phone:
            GroupInvitation.objects.filter(phone_hash=invite_phone_hash(user.phone)).delete()
