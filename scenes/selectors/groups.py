"""Reads for self-organised groups (自组织) and their venue approvals.

``group_can_book_at`` and ``groups_for_resident`` are what bookings asks: may this group
book at this venue, and on behalf of which groups may this resident act.
"""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import NotFound
from scenes.models import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.services.group_invitations import invite_phone_hash
from spaces.models import Venue


def _with_people(qs: QuerySet[Group]) -> QuerySet[Group]:
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.select_related("user").order_by(
                "role", "joined_at", "pk"
            ),
        ),
        Prefetch(
            "approvals",
            queryset=GroupVenueApproval.objects.select_related("venue").order_by("venue__name"),
        ),
    )


def group_get(*, group_id: int) -> Group:
    group = _with_people(Group.objects.filter(pk=group_id)).first()
    if group is None:
        raise NotFound(_("找不到该自组织。"), code="group_not_found")
    return group


def groups_for_resident(*, user, leader_only: bool = False) -> QuerySet[Group]:
    """The groups ``user`` belongs to (or leads, with ``leader_only``), by name."""
    if not (user and user.is_authenticated):
        return Group.objects.none()
    memberships = GroupMembership.objects.filter(user=user)
    if leader_only:
        memberships = memberships.filter(role=GroupMembership.Role.LEADER)
    return _with_people(Group.objects.filter(pk__in=memberships.values("group_id")))


def group_role(*, group: Group, user) -> str | None:
    """ "leader", "member" or None. Uses the prefetched memberships when present."""
    if not (user and user.is_authenticated):
        return None
    for membership in group.memberships.all():
        if membership.user_id == user.pk:
            return membership.role
    return None


def group_can_book_at(*, group: Group, venue: Venue) -> bool:
    """True when an operator of ``venue`` has approved ``group`` there."""
    return GroupVenueApproval.objects.filter(
        group=group, venue=venue, status=GroupVenueApproval.Status.APPROVED
    ).exists()


def groups_approved_at(*, venue: Venue) -> QuerySet[Group]:
    """Groups that may organise events at ``venue``: the choices for an event's organiser."""
    return Group.objects.filter(
        approvals__venue=venue, approvals__status=GroupVenueApproval.Status.APPROVED
    ).order_by("name")


def group_approvals_for_venue(
    *, venue: Venue, status: str | None = None
) -> QuerySet[GroupVenueApproval]:
    """Requests to ``venue``, oldest first; with ``status``, only those (e.g. "pending")."""
    qs = GroupVenueApproval.objects.filter(venue=venue).select_related("group", "decided_by")
    if status:
        return qs.filter(status=status).order_by("requested_at", "pk")
    return qs.prefetch_related("group__memberships__user").order_by("requested_at", "pk")


def group_approval_get(*, approval_id: int) -> GroupVenueApproval:
    approval = (
        GroupVenueApproval.objects.select_related("group", "venue").filter(pk=approval_id).first()
    )
    if approval is None:
        raise NotFound(_("找不到该审核申请。"), code="approval_not_found")
    return approval


def invitations_for_resident(*, user) -> QuerySet[GroupInvitation]:
    """Open invitations to ``user``'s number (sent before or after they signed up), newest
    first, leaving out groups they already belong to."""
    if not (user and user.is_authenticated and getattr(user, "phone", None)):
        return GroupInvitation.objects.none()
    return (
        GroupInvitation.objects.filter(
            phone_hash=invite_phone_hash(user.phone),
            status=GroupInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .exclude(group__memberships__user=user)
        .select_related("group")
        .order_by("-created_at", "-pk")
    )


def invitations_awaiting(*, group: Group) -> QuerySet[GroupInvitation]:
    """What the leader sees: invitations not (yet) accepted and not expired, oldest first.

    Declined ones are included and look the same as pending ones, so a "no" does not tell
    the leader that the number has an account.
    """
    return GroupInvitation.objects.filter(
        group=group,
        status__in=[GroupInvitation.Status.PENDING, GroupInvitation.Status.DECLINED],
        expires_at__gt=timezone.now(),
    ).order_by("created_at", "pk")
