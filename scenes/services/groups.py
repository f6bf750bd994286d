"""Writes for self-organised groups (自组织) and their approval at venues.

A resident registers a group and becomes its leader; members are existing residents added
by phone number. The leader asks a venue to approve the group; an operator of that venue
decides. Only approved groups may organise events (and, later, book) at a venue.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone import normalise_phone
from linli.errors import Conflict, DomainError, PermissionDenied
from linli.text import join_list
from scenes.models import Group, GroupMembership, GroupVenueApproval
from spaces.models import Venue
from spaces.permissions import venue_require_operator

NAME_MAX = 60
DESCRIPTION_MAX = 1000
MEMBERS_MAX = 200
NOTE_MAX = 200


def require_resident(user) -> None:
    """Groups and registrations belong to residents: signed in, with a verified phone."""
    if not (user and user.is_authenticated and user.is_active and getattr(user, "phone", None)):
        raise PermissionDenied(_("请先用手机号登录。"), code="not_resident")


def _require_leader(*, user, group: Group) -> None:
    is_leader = GroupMembership.objects.filter(
        group=group, user_id=getattr(user, "pk", None), role=GroupMembership.Role.LEADER
    ).exists()
    if not is_leader:
        raise PermissionDenied(_("只有自组织负责人可以进行此操作。"), code="not_group_leader")


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


def resolve_member_phones(phones: Iterable[str]) -> list[User]:
    """The residents with these numbers, in the order given, without duplicates.

    Every number must be a mainland mobile of a resident who has signed in to Linli at
    least once; the error lists all the numbers that are not, so nobody has to guess which
    line was wrong.
    """
    raw = [str(p).strip() for p in phones if str(p).strip()]
    if len(raw) > MEMBERS_MAX:
        raise DomainError(
            _("一次最多添加 %(n)s 位成员。") % {"n": MEMBERS_MAX}, code="invalid", field="members"
        )
    malformed = [p for p in raw if normalise_phone(p) is None]
    if malformed:
        raise DomainError(
            _("以下号码不是有效的手机号：%(phones)s") % {"phones": join_list(malformed)},
            code="invalid_phone",
            field="members",
        )
    numbers = list(dict.fromkeys(normalise_phone(p) for p in raw))
    found = {u.phone: u for u in User.objects.filter(phone__in=numbers, is_active=True)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise DomainError(
            _("以下号码还没有在邻里登录过，请对方先用手机号登录一次：%(phones)s")
            % {"phones": join_list(unknown)},
            code="unknown_members",
            field="members",
            fields={"unknown_phones": unknown},
        )
    return [found[n] for n in numbers]


def _name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    qs = Group.objects.filter(name__iexact=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _raise_name_taken(name: str):
    raise Conflict(
        _("已有名为“%(name)s”的自组织，请换一个名称。") % {"name": name},
        code="group_name_taken",
        field="name",
    )


def group_create(
    *, user, name: str, description: str = "", member_phones: Iterable[str] = ()
) -> Group:
    """Register a group led by ``user``; members are existing residents, added by phone."""
    require_resident(user)
    name = _clean_name(name)
    description = _clean_description(description)
    members = [m for m in resolve_member_phones(member_phones) if m.pk != user.pk]
    if _name_taken(name):
        _raise_name_taken(name)
    try:
        with transaction.atomic():
            group = Group.objects.create(name=name, description=description, created_by=user)
            GroupMembership.objects.create(group=group, user=user, role=GroupMembership.Role.LEADER)
            GroupMembership.objects.bulk_create(
                [GroupMembership(group=group, user=m) for m in members]
            )
    except IntegrityError:
        # Two residents choosing the same name at the same moment: the unique index decides.
        _raise_name_taken(name)
    return group


def group_add_members(*, user, group: Group, member_phones: Iterable[str]) -> list[User]:
    """Add residents by phone; returns those who were not members yet."""
    _require_leader(user=user, group=group)
    members = resolve_member_phones(member_phones)
    if not members:
        raise DomainError(_("请至少填写一个手机号。"), code="invalid", field="members")
    with transaction.atomic():
        existing = set(
            GroupMembership.objects.filter(group=group, user__in=members).values_list(
                "user_id", flat=True
            )
        )
        added = [m for m in members if m.pk not in existing]
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=group, user=m) for m in added], ignore_conflicts=True
        )
    return added


def group_remove_member(*, user, group: Group, member: User) -> None:
    """The leader removes a member, or a member leaves. The leader cannot leave their group."""
    if getattr(user, "pk", None) != member.pk:
        _require_leader(user=user, group=group)
    membership = GroupMembership.objects.filter(group=group, user=member).first()
    if membership is None:
        raise DomainError(_("此人不是该自组织的成员。"), code="not_group_member")
    if membership.role == GroupMembership.Role.LEADER:
        raise DomainError(_("负责人不能退出自己的自组织。"), code="leader_cannot_leave")
    with transaction.atomic():
        membership.delete()


def group_request_approval(*, user, group: Group, venue: Venue) -> GroupVenueApproval:
    """The leader asks ``venue`` to approve the group. A rejected group may ask again."""
    _require_leader(user=user, group=group)
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
