"""A leader invites by phone and an invited resident accepts, with htmx, on a small phone."""

import pytest

from scenes.models import GroupInvitation, GroupMembership
from scenes.services.group_invitations import group_invite
from scenes.services.groups import group_create
from tests.factories import ResidentFactory

pytestmark = pytest.mark.browser


def test_the_leader_invites_a_number_and_sees_errors_in_place(signed_in_page, live_server):
    leader = ResidentFactory(phone="13800000001", display_name="张阿姨")
    group = group_create(user=leader, name="五福合唱团")
    page = signed_in_page(leader)
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    section = page.locator("#group-invite")
    phones = section.get_by_label("邀请成员（手机号）")

    phones.fill("12345")
    section.get_by_role("button", name="发出邀请").click()
    page.locator("#group-invite").get_by_text("以下号码不是有效的手机号：12345").wait_for()
    assert page.locator("#group-invite").get_by_label("邀请成员（手机号）").input_value() == "12345"
    assert not GroupInvitation.objects.exists()

    page.locator("#group-invite").get_by_label("邀请成员（手机号）").fill("13911112222")
    page.locator("#group-invite").get_by_role("button", name="发出邀请").click()
    page.locator("#group-invite").get_by_text("已邀请 1 个号码。", exact=False).wait_for()
    assert page.locator("#group-invite .group-awaiting").inner_text().startswith("139****2222")
    assert GroupInvitation.objects.get().phone_masked == "139****2222"


def test_an_invited_resident_accepts_from_my_groups(signed_in_page, live_server):
    leader = ResidentFactory(phone="13800000001", display_name="张阿姨")
    invitee = ResidentFactory(phone="13800000002", display_name="李叔")
    group = group_create(user=leader, name="五福合唱团")
    group_invite(user=leader, group=group, phones=[invitee.phone])
    page = signed_in_page(invitee)
    page.goto(f"{live_server.url}/groups/")

    card = page.locator(".invitation-card")
    assert "五福合唱团" in card.inner_text()
    card.get_by_role("button", name="接受并加入").click()
    page.get_by_text("你已加入“五福合唱团”。").wait_for()
    page.get_by_role("link", name="查看“五福合唱团”").click()
    page.get_by_role("heading", name="五福合唱团").wait_for()
    assert GroupMembership.objects.filter(group=group, user=invitee, role="member").exists()
