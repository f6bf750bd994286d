"""Groups API: residents register groups, invite by phone, accept or decline invitations,
join with a code; leaders ask venues for approval; operators decide.

No answer says whether a phone number has an account: inviting answers only how many
numbers were invited, and a group shows members' names only once they have accepted.
Mounted by ``scenes.events_api`` under the same prefix.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.auth import resident_auth
from linli.api_docs import errors
from linli.api_types import Id
from scenes.models import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.selectors import groups as group_selectors
from scenes.services import group_invitations as invitation_services
from scenes.services import groups as group_services
from spaces.selectors import venue_get

router = Router(tags=["groups"])


# --- schemas ------------------------------------------------------------------------------


class MemberOut(Schema):
    name: str
    phone_masked: str
    role: str


class ApprovalOut(Schema):
    id: int
    group_id: int
    group_name: str
    venue_id: int
    venue_name: str
    status: str
    note: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None


class InvitationSentOut(Schema):
    phone_masked: str = Field(description="as the leader typed it, masked")
    invited_at: dt.datetime
    expires_at: dt.datetime


class GroupOut(Schema):
    id: int
    name: str
    description: str
    my_role: str | None
    members: list[MemberOut] = Field(description="only people who accepted")
    approvals: list[ApprovalOut]
    invite_code: str | None = Field(description="the leader's to share; null for members")
    invitations: list[InvitationSentOut] = Field(
        description="leader only: invitations not accepted yet (declined ones look the same)"
    )


class GroupIn(Schema):
    name: str = Field(..., max_length=60)
    description: str = Field("", max_length=1000)
    member_phones: list[str] = Field(
        default_factory=list, description="numbers to invite; they join once they accept"
    )


class InviteIn(Schema):
    phones: list[str]


class InvitedOut(Schema):
    invited: int = Field(description="distinct numbers invited, registered or not")


class InvitationOut(Schema):
    id: int
    group_id: int
    group_name: str
    group_description: str
    invited_at: dt.datetime
    expires_at: dt.datetime


class JoinIn(Schema):
    code: str = Field(..., max_length=40)


class InviteCodeOut(Schema):
    invite_code: str


class ApprovalRequestIn(Schema):
    venue_id: Id


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=200)


# --- presenters ---------------------------------------------------------------------------


def approval_payload(approval: GroupVenueApproval) -> dict:
    return {
        "id": approval.pk,
        "group_id": approval.group_id,
        "group_name": approval.group.name,
        "venue_id": approval.venue_id,
        "venue_name": approval.venue.name,
        "status": approval.status,
        "note": approval.note,
        "requested_at": approval.requested_at,
        "decided_at": approval.decided_at,
    }


def group_payload(group: Group, *, user) -> dict:
    role = group_selectors.group_role(group=group, user=user)
    is_leader = role == GroupMembership.Role.LEADER
    return {
        "id": group.pk,
        "name": group.name,
        "description": group.description,
        "my_role": role,
        "members": [
            {"name": str(m.user), "phone_masked": m.user.phone_masked, "role": m.role}
            for m in group.memberships.all()
        ],
        "approvals": [approval_payload(a) for a in group.approvals.all()],
        "invite_code": group.invite_code if is_leader else None,
        "invitations": [
            {"phone_masked": i.phone_masked, "invited_at": i.created_at, "expires_at": i.expires_at}
            for i in group_selectors.invitations_awaiting(group=group)
        ]
        if is_leader
        else [],
    }


def invitation_payload(invitation: GroupInvitation) -> dict:
    return {
        "id": invitation.pk,
        "group_id": invitation.group_id,
        "group_name": invitation.group.name,
        "group_description": invitation.group.description,
        "invited_at": invitation.created_at,
        "expires_at": invitation.expires_at,
    }


def _mine(request: HttpRequest, group: Group) -> dict:
    return group_payload(group_selectors.group_get(group_id=group.pk), user=request.user)


# --- groups -------------------------------------------------------------------------------


@router.post("/groups", response={201: GroupOut}, auth=resident_auth, openapi_extra=errors(429))
def create_group(request: HttpRequest, payload: GroupIn):
    """Register a group; the caller leads it. ``member_phones`` are invited, not added."""
    group = group_services.group_create(
        user=request.user,
        name=payload.name,
        description=payload.description,
        member_phones=payload.member_phones,
    )
    return Status(201, _mine(request, group))


@router.get("/groups/mine", response=list[GroupOut], auth=resident_auth)
def my_groups(request: HttpRequest):
    return [
        group_payload(g, user=request.user)
        for g in group_selectors.groups_for_resident(user=request.user)
    ]


@router.post(
    "/groups/{group_id}/invitations",
    response={202: InvitedOut},
    auth=resident_auth,
    openapi_extra=errors(429),
)
def invite(request: HttpRequest, group_id: Id, payload: InviteIn):
    """The leader invites phone numbers. The answer is the same for every valid number."""
    group = group_selectors.group_get(group_id=group_id)
    invited = invitation_services.group_invite(
        user=request.user, group=group, phones=payload.phones
    )
    return Status(202, {"invited": invited.count})


@router.post("/groups/{group_id}/invite-code", response=InviteCodeOut, auth=resident_auth)
def reset_invite_code(request: HttpRequest, group_id: Id):
    """The leader replaces the group's code; the old code and link stop working."""
    group = group_selectors.group_get(group_id=group_id)
    code = invitation_services.group_invite_code_reset(user=request.user, group=group)
    return {"invite_code": code}


@router.post("/groups/join", response=GroupOut, auth=resident_auth)
def join(request: HttpRequest, payload: JoinIn):
    """Join with the code a leader shared (422 invite_code_invalid when it is wrong)."""
    group = invitation_services.group_join(user=request.user, code=payload.code)
    return _mine(request, group)


@router.get("/groups/invitations", response=list[InvitationOut], auth=resident_auth)
def my_invitations(request: HttpRequest):
    """Invitations to the caller's number that they have not answered yet."""
    return [
        invitation_payload(i) for i in group_selectors.invitations_for_resident(user=request.user)
    ]


@router.post("/groups/invitations/{invitation_id}/accept", response=GroupOut, auth=resident_auth)
def accept_invitation(request: HttpRequest, invitation_id: Id):
    group = invitation_services.group_invitation_accept(
        user=request.user, invitation_id=invitation_id
    )
    return _mine(request, group)


@router.post(
    "/groups/invitations/{invitation_id}/decline", response={204: None}, auth=resident_auth
)
def decline_invitation(request: HttpRequest, invitation_id: Id):
    invitation_services.group_invitation_decline(user=request.user, invitation_id=invitation_id)
    return Status(204, None)


# --- venue approvals ----------------------------------------------------------------------


@router.post("/groups/{group_id}/approvals", response={201: ApprovalOut}, auth=resident_auth)
def request_approval(request: HttpRequest, group_id: Id, payload: ApprovalRequestIn):
    """The group's leader asks a venue to approve the group there."""
    group = group_selectors.group_get(group_id=group_id)
    venue = venue_get(venue_id=payload.venue_id)
    approval = group_services.group_request_approval(user=request.user, group=group, venue=venue)
    return Status(201, approval_payload(approval))


@router.get("/venues/{venue_id}/group-approvals", response=list[ApprovalOut])
def venue_group_approvals(request: HttpRequest, venue_id: Id, status: str | None = None):
    """Operators: groups that asked to use this venue (filter by status, e.g. pending)."""
    from spaces.permissions import venue_require_operator

    venue = venue_get(venue_id=venue_id, published_only=False)
    venue_require_operator(user=request.user, venue=venue)
    approvals = group_selectors.group_approvals_for_venue(venue=venue, status=status)
    return [approval_payload(a) for a in approvals.select_related("venue")]


@router.post("/group-approvals/{approval_id}/decide", response=ApprovalOut)
def decide_approval(request: HttpRequest, approval_id: Id, payload: DecisionIn):
    """Operators of the approval's venue: approve or reject, with a note for the leader."""
    approval = group_selectors.group_approval_get(approval_id=approval_id)
    approval = group_services.group_approval_decide(
        user=request.user, approval=approval, approve=payload.approve, note=payload.note
    )
    return approval_payload(approval)
