"""Self-organised groups: registration by a resident, joining by invitation or code, venue
approval. Nothing here may reveal whether a phone number has an account."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from linli.errors import Conflict, DomainError, NotFound, PermissionDenied, RateLimited
from scenes.models import Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.selectors.groups import (
    group_can_book_at,
    groups_approved_at,
    groups_for_resident,
    invitations_awaiting,
    invitations_for_resident,
)
from scenes.services.group_invitations import (
    INVITE_TTL,
    group_by_invite_code,
    group_invitation_accept,
    group_invitation_decline,
    group_invite,
    group_invite_code_reset,
    group_join,
    invite_phone_hash,
)
from scenes.services.groups import (
    group_approval_decide,
    group_create,
    group_remove_member,
    group_request_approval,
)
from tests.factories import ResidentFactory, UserFactory, VenueFactory, VenueRoleFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def members():
    return [ResidentFactory(phone=f"1380000000{n}") for n in (3, 4, 5)]


def accept_all(group, people):
    for person in people:
        [invitation] = [i for i in invitations_for_resident(user=person) if i.group_id == group.pk]
        group_invitation_accept(user=person, invitation_id=invitation.pk)


@pytest.fixture
def choir(owner, members):
    group = group_create(
        user=owner,
        name="五福合唱团",
        description="每周三排练",
        member_phones=["13800000003", "138 0000 0004", "+86 138-0000-0005"],
    )
    accept_all(group, members)
    return group


# --- registering ---------------------------------------------------------------------------


def test_creating_a_group_makes_the_creator_leader_and_only_invites_the_others(owner, members):
    group = group_create(
        user=owner, name="五福合唱团", member_phones=["13800000003", "138 0000 0004"]
    )

    roles = dict(GroupMembership.objects.filter(group=group).values_list("user__phone", "role"))
    assert roles == {"13800000001": "leader"}
    assert group.created_by == owner
    assert sorted(i.phone_masked for i in invitations_awaiting(group=group)) == [
        "138****0003",
        "138****0004",
    ]
    assert [i.group for i in invitations_for_resident(user=members[0])] == [group]


def test_invited_residents_join_only_by_accepting(choir, owner, members):
    roles = dict(GroupMembership.objects.filter(group=choir).values_list("user__phone", "role"))
    assert roles == {
        "13800000001": "leader",
        "13800000003": "member",
        "13800000004": "member",
        "13800000005": "member",
    }
    assert list(invitations_awaiting(group=choir)) == []
    assert set(GroupInvitation.objects.values_list("status", flat=True)) == {"accepted"}


def test_unknown_numbers_are_invited_exactly_like_registered_ones(owner, members):
    group = group_create(
        user=owner,
        name="五福合唱团",
        member_phones=["13800000003", "13911112222", "13933334444"],
    )

    assert GroupInvitation.objects.filter(group=group).count() == 3
    rows = GroupInvitation.objects.filter(group=group).order_by("phone_masked")
    assert [(i.phone_masked, i.status) for i in rows] == [
        ("138****0003", "pending"),
        ("139****2222", "pending"),
        ("139****4444", "pending"),
    ]
    # Only a hash of the number is stored.
    assert not GroupInvitation.objects.filter(phone_hash__contains="13911112222").exists()


def test_an_invitation_to_an_unregistered_number_appears_when_it_signs_up(owner):
    group = group_create(user=owner, name="五福合唱团", member_phones=["13911112222"])

    newcomer = ResidentFactory(phone="13911112222")

    [invitation] = invitations_for_resident(user=newcomer)
    assert invitation.group == group
    group_invitation_accept(user=newcomer, invitation_id=invitation.pk)
    assert GroupMembership.objects.filter(group=group, user=newcomer, role="member").exists()


def test_group_invite_answers_the_same_for_registered_and_unknown_numbers(choir, owner, members):
    registered = group_invite(user=owner, group=choir, phones=["13800000002"])
    unknown = group_invite(user=owner, group=choir, phones=["13966667777"])
    already_member = group_invite(user=owner, group=choir, phones=["13800000003"])

    assert registered == unknown == already_member
    assert registered.count == 1


def test_it_rejects_numbers_that_are_not_mobiles(owner):
    with pytest.raises(DomainError) as exc:
        group_create(user=owner, name="广场舞队", member_phones=["12345"])

    assert exc.value.code == "invalid_phone"
    assert exc.value.fields["members"]
    assert not Group.objects.exists()


def test_it_rejects_a_taken_name_whatever_the_case(owner, other_resident):
    group_create(user=owner, name="Drama Club")

    with pytest.raises(Conflict) as exc:
        group_create(user=other_resident, name="  drama   club ")

    assert exc.value.code == "group_name_taken"
    assert Group.objects.count() == 1


def test_a_leader_listed_among_members_is_not_invited(owner):
    group = group_create(user=owner, name="书法社", member_phones=["13800000001"])

    assert list(group.memberships.values_list("role", flat=True)) == ["leader"]
    assert not GroupInvitation.objects.exists()


def test_staff_without_a_phone_cannot_register_a_group(operator):
    with pytest.raises(PermissionDenied) as exc:
        group_create(user=operator, name="运营团队")

    assert exc.value.code == "not_resident"


# --- invitations -------------------------------------------------------------------------


def test_only_the_leader_invites_or_asks_a_venue(choir, members, venue):
    with pytest.raises(PermissionDenied) as exc:
        group_invite(user=members[0], group=choir, phones=["13800000002"])
    assert exc.value.code == "not_group_leader"

    with pytest.raises(PermissionDenied) as exc:
        group_request_approval(user=members[0], group=choir, venue=venue)
    assert exc.value.code == "not_group_leader"
    assert not GroupVenueApproval.objects.exists()


def test_an_empty_invitation_is_refused(choir, owner):
    with pytest.raises(DomainError) as exc:
        group_invite(user=owner, group=choir, phones=["  "])
    assert (exc.value.code, list(exc.value.fields)) == ("invalid", ["members"])


def test_a_declined_invitation_stays_declined_and_still_looks_pending_to_the_leader(
    choir, owner, other_resident
):
    group_invite(user=owner, group=choir, phones=[other_resident.phone])
    [invitation] = invitations_for_resident(user=other_resident)

    group_invitation_decline(user=other_resident, invitation_id=invitation.pk)

    assert list(invitations_for_resident(user=other_resident)) == []
    assert [i.phone_masked for i in invitations_awaiting(group=choir)] == ["138****0002"]
    # Inviting again does not pester them.
    group_invite(user=owner, group=choir, phones=[other_resident.phone])
    assert list(invitations_for_resident(user=other_resident)) == []
    assert not choir.memberships.filter(user=other_resident).exists()


def test_a_declined_invitation_is_renewed_like_a_pending_one_on_the_leaders_list(
    now, choir, owner, other_resident
):
    # Only an account can decline: the leader's list must not tell a declined row apart.
    group_invite(user=owner, group=choir, phones=[other_resident.phone, "13700000001"])
    [invitation] = invitations_for_resident(user=other_resident)
    group_invitation_decline(user=other_resident, invitation_id=invitation.pk)
    now.move_to(T0 + dt.timedelta(days=3), tick=False)

    group_invite(user=owner, group=choir, phones=[other_resident.phone, "13700000001"])

    shown = {(i.phone_masked, i.created_at) for i in invitations_awaiting(group=choir)}
    assert shown == {
        ("138****0002", T0 + dt.timedelta(days=3)),
        ("137****0001", T0 + dt.timedelta(days=3)),
    }
    assert list(invitations_for_resident(user=other_resident)) == []


def test_a_removed_member_can_be_invited_again(choir, owner, members):
    group_remove_member(user=owner, group=choir, member=members[0])

    group_invite(user=owner, group=choir, phones=[members[0].phone])

    [invitation] = invitations_for_resident(user=members[0])
    assert invitation.group_id == choir.pk
    group_invitation_accept(user=members[0], invitation_id=invitation.pk)
    assert choir.memberships.filter(user=members[0]).exists()


def test_nobody_can_answer_someone_elses_invitation(choir, owner, other_resident):
    group_invite(user=owner, group=choir, phones=["13966667777"])
    invitation = GroupInvitation.objects.get(phone_masked="139****7777")

    with pytest.raises(NotFound) as exc:
        group_invitation_accept(user=other_resident, invitation_id=invitation.pk)
    assert exc.value.code == "invitation_not_found"
    with pytest.raises(NotFound):
        group_invitation_decline(user=other_resident, invitation_id=invitation.pk)
    assert not choir.memberships.filter(user=other_resident).exists()


def test_an_invitation_expires_after_thirty_days(now, owner, other_resident):
    group = group_create(user=owner, name="五福合唱团", member_phones=[other_resident.phone])
    [invitation] = invitations_for_resident(user=other_resident)
    assert invitation.expires_at == T0 + INVITE_TTL

    now.shift(INVITE_TTL)
    assert list(invitations_for_resident(user=other_resident)) == []
    assert list(invitations_awaiting(group=group)) == []
    with pytest.raises(NotFound):
        group_invitation_accept(user=other_resident, invitation_id=invitation.pk)


def test_inviting_again_renews_a_pending_invitation(now, owner, other_resident):
    group = group_create(user=owner, name="五福合唱团", member_phones=[other_resident.phone])
    now.shift(dt.timedelta(days=20))
    group_invite(user=owner, group=group, phones=[other_resident.phone])

    invitation = GroupInvitation.objects.get()
    assert (invitation.created_at, invitation.expires_at) == (
        T0 + dt.timedelta(days=20),
        T0 + dt.timedelta(days=20) + INVITE_TTL,
    )


def test_invitations_are_throttled_per_resident(now, owner):
    group = group_create(user=owner, name="五福合唱团")
    group_invite(user=owner, group=group, phones=[f"1390000{n:04d}" for n in range(200)])

    with pytest.raises(RateLimited) as exc:
        group_invite(user=owner, group=group, phones=["13911112222"])
    assert exc.value.code == "rate_limited"
    assert exc.value.retry_after == 3600
    assert GroupInvitation.objects.count() == 200

    now.shift(dt.timedelta(hours=1))
    group_invite(user=owner, group=group, phones=["13911112222"])
    assert GroupInvitation.objects.count() == 201


def test_group_registration_is_throttled_per_resident(now, owner, other_resident):
    for n in range(5):
        group_create(user=owner, name=f"兴趣小组{n}")
        now.shift(dt.timedelta(minutes=1))

    with pytest.raises(RateLimited) as exc:
        group_create(user=owner, name="兴趣小组5")
    assert exc.value.retry_after == 55 * 60
    assert Group.objects.count() == 5
    # Someone else is not held up.
    group_create(user=other_resident, name="兴趣小组5")


# --- invite codes ------------------------------------------------------------------------


def test_a_resident_joins_with_the_code_once(choir, other_resident):
    code = " " + choir.invite_code.lower() + " "

    assert group_join(user=other_resident, code=code) == choir
    assert group_join(user=other_resident, code=choir.invite_code) == choir
    assert choir.memberships.filter(user=other_resident, role="member").count() == 1


def test_joining_with_the_code_answers_a_pending_invitation(owner, other_resident):
    group = group_create(user=owner, name="五福合唱团", member_phones=[other_resident.phone])
    group_join(user=other_resident, code=group.invite_code)

    assert GroupInvitation.objects.get().status == "accepted"
    assert list(invitations_for_resident(user=other_resident)) == []


def test_a_wrong_code_is_refused(choir, other_resident):
    with pytest.raises(DomainError) as exc:
        group_join(user=other_resident, code="ZZZZZZZZ")
    assert (exc.value.code, list(exc.value.fields)) == ("invite_code_invalid", ["code"])
    with pytest.raises(DomainError):
        group_by_invite_code(code="")


def test_a_new_code_retires_the_old_one(choir, owner, members, other_resident):
    old = choir.invite_code
    with pytest.raises(PermissionDenied):
        group_invite_code_reset(user=members[0], group=choir)

    new = group_invite_code_reset(user=owner, group=choir)

    assert new != old and len(new) == 8
    choir.refresh_from_db()
    assert choir.invite_code == new
    with pytest.raises(DomainError):
        group_join(user=other_resident, code=old)
    assert group_join(user=other_resident, code=new) == choir


def test_invite_codes_differ_between_groups(owner):
    codes = {group_create(user=owner, name=f"小组{n}").invite_code for n in range(5)}
    assert len(codes) == 5


def test_the_invitation_hash_does_not_depend_on_how_the_number_was_typed(owner):
    group = group_create(user=owner, name="五福合唱团", member_phones=["+86 139-1111-2222"])
    assert GroupInvitation.objects.get(group=group).phone_hash == invite_phone_hash("13911112222")


# --- members, venues -------------------------------------------------------------------------


def test_a_member_may_leave(choir, members):
    group_remove_member(user=members[0], group=choir, member=members[0])
    assert set(choir.memberships.values_list("user__phone", flat=True)) == {
        "13800000001",
        "13800000004",
        "13800000005",
    }


def test_the_leader_cannot_leave(choir, owner):
    with pytest.raises(DomainError) as exc:
        group_remove_member(user=owner, group=choir, member=owner)

    assert exc.value.code == "leader_cannot_leave"


def test_a_venue_approves_a_group_which_may_then_book_there_only(choir, owner, venue, operator):
    elsewhere = VenueFactory(name="驷马桥党群服务中心")
    approval = group_request_approval(user=owner, group=choir, venue=venue)
    assert approval.status == "pending"
    assert group_can_book_at(group=choir, venue=venue) is False

    group_approval_decide(user=operator, approval=approval, approve=True, note="欢迎")

    approval.refresh_from_db()
    assert (approval.status, approval.note, approval.decided_by) == ("approved", "欢迎", operator)
    assert approval.decided_at is not None
    assert group_can_book_at(group=choir, venue=venue) is True
    assert group_can_book_at(group=choir, venue=elsewhere) is False
    assert list(groups_approved_at(venue=venue)) == [choir]


def test_asking_twice_is_refused_until_rejected(choir, owner, venue, operator):
    approval = group_request_approval(user=owner, group=choir, venue=venue)

    with pytest.raises(Conflict) as exc:
        group_request_approval(user=owner, group=choir, venue=venue)
    assert exc.value.code == "already_requested"

    group_approval_decide(user=operator, approval=approval, approve=False, note="请补充成员名单")
    again = group_request_approval(user=owner, group=choir, venue=venue)

    assert again.pk == approval.pk
    assert (again.status, again.decided_by, again.decided_at) == ("pending", None, None)
    assert GroupVenueApproval.objects.count() == 1


def test_an_approved_group_asking_again_is_refused(choir, owner, venue, operator):
    approval = group_request_approval(user=owner, group=choir, venue=venue)
    group_approval_decide(user=operator, approval=approval, approve=True)

    with pytest.raises(Conflict) as exc:
        group_request_approval(user=owner, group=choir, venue=venue)

    assert exc.value.code == "already_requested"


def test_an_operator_of_another_venue_cannot_decide(choir, owner, venue):
    approval = group_request_approval(user=owner, group=choir, venue=venue)
    stranger = UserFactory(username="other-operator")
    VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")

    with pytest.raises(PermissionDenied) as exc:
        group_approval_decide(user=stranger, approval=approval, approve=True)

    assert exc.value.code == "not_venue_operator"
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_groups_for_resident_lists_member_and_led_groups(choir, owner, members):
    other = group_create(user=members[0], name="太极队")

    assert set(groups_for_resident(user=members[0])) == {other, choir}
    assert list(groups_for_resident(user=members[0], leader_only=True)) == [other]
    assert list(groups_for_resident(user=owner)) == [choir]
