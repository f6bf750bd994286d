"""Self-organised groups: registration by a resident, members by phone, venue approval."""

import pytest

from linli.errors import Conflict, DomainError, PermissionDenied
from scenes.models import Group, GroupMembership, GroupVenueApproval
from scenes.selectors.groups import (
    group_can_book_at,
    groups_approved_at,
    groups_for_resident,
)
from scenes.services.groups import (
    group_add_members,
    group_approval_decide,
    group_create,
    group_remove_member,
    group_request_approval,
)
from tests.factories import ResidentFactory, UserFactory, VenueFactory, VenueRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return [ResidentFactory(phone=f"1380000000{n}") for n in (3, 4, 5)]


@pytest.fixture
def choir(owner, members):
    return group_create(
        user=owner,
        name="五福合唱团",
        description="每周三排练",
        member_phones=["13800000003", "138 0000 0004", "+86 138-0000-0005"],
    )


def test_it_makes_the_creator_leader_and_adds_members_by_phone(choir, owner, members):
    roles = dict(GroupMembership.objects.filter(group=choir).values_list("user__phone", "role"))

    assert roles == {
        "13800000001": "leader",
        "13800000003": "member",
        "13800000004": "member",
        "13800000005": "member",
    }
    assert choir.created_by == owner
    assert choir.description == "每周三排练"


def test_it_lists_every_unknown_number_and_saves_nothing(owner, members):
    with pytest.raises(DomainError) as exc:
        group_create(
            user=owner,
            name="广场舞队",
            member_phones=["13800000003", "13911112222", "13933334444"],
        )

    assert exc.value.code == "unknown_members"
    assert exc.value.fields["unknown_phones"] == ["13911112222", "13933334444"]
    assert "13911112222、13933334444" in str(exc.value.message)
    assert not Group.objects.exists()


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
    assert exc.value.status == 409
    assert Group.objects.count() == 1


def test_a_leader_listed_among_members_stays_leader(owner):
    group = group_create(user=owner, name="书法社", member_phones=["13800000001"])

    assert list(group.memberships.values_list("role", flat=True)) == ["leader"]


def test_staff_without_a_phone_cannot_register_a_group(operator):
    with pytest.raises(PermissionDenied) as exc:
        group_create(user=operator, name="运营团队")

    assert exc.value.code == "not_resident"


def test_only_the_leader_adds_members_or_asks_a_venue(choir, members, venue):
    with pytest.raises(PermissionDenied) as exc:
        group_add_members(user=members[0], group=choir, member_phones=["13800000002"])
    assert exc.value.code == "not_group_leader"

    with pytest.raises(PermissionDenied) as exc:
        group_request_approval(user=members[0], group=choir, venue=venue)
    assert exc.value.code == "not_group_leader"
    assert not GroupVenueApproval.objects.exists()


def test_the_leader_adds_members_and_a_member_may_leave(choir, owner, other_resident, members):
    added = group_add_members(user=owner, group=choir, member_phones=["13800000002", "13800000003"])

    assert added == [other_resident]
    group_remove_member(user=members[0], group=choir, member=members[0])
    assert set(choir.memberships.values_list("user__phone", flat=True)) == {
        "13800000001",
        "13800000002",
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
