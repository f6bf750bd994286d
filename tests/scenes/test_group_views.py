"""Group pages over plain HTTP (and the htmx fragments): inviting, answering invitations,
joining with a code. No page tells the leader whether a number has an account."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scenes.models import GroupInvitation, GroupMembership
from scenes.services.group_invitations import group_invite, group_join
from scenes.services.groups import group_create
from tests.factories import ResidentFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
HX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def choir(owner):
    return group_create(user=owner, name="五福合唱团", description="每周三排练")


def text(response) -> str:
    return response.content.decode()


def test_the_leader_sees_the_invite_code_link_and_form(owner_client, choir):
    html = text(owner_client.get(f"/groups/{choir.pk}/"))

    assert choir.invite_code in html
    assert f"http://testserver/groups/join/?code={choir.invite_code}" in html
    assert f'action="/groups/{choir.pk}/invite/"' in html
    assert 'name="i-members"' in html


def test_a_member_sees_neither_code_nor_invite_form(other_client, other_resident, choir):
    group_join(user=other_resident, code=choir.invite_code)

    html = text(other_client.get(f"/groups/{choir.pk}/"))

    assert choir.invite_code not in html
    assert "/invite/" not in html


def test_inviting_a_registered_or_an_unknown_number_shows_the_same_page(owner_client, choir):
    ResidentFactory(phone="13800000003", display_name="王奶奶")

    pages = []
    for phone in ("13800000003", "13911112223"):
        response = owner_client.post(
            f"/groups/{choir.pk}/invite/", {"i-members": phone}, follow=True
        )
        assert response.status_code == 200
        pages.append(text(response).replace(phone[:3] + "****" + phone[-4:], "MASKED"))

    assert "已邀请 1 个号码。" in pages[0]
    assert "王奶奶" not in pages[0]
    # Page one lists one pending number, page two two: compare only the confirmation part.
    assert pages[0].split("已邀请")[1][:80] == pages[1].split("已邀请")[1][:80]
    assert GroupInvitation.objects.filter(group=choir).count() == 2


def test_inviting_with_htmx_answers_the_invite_section(owner_client, choir):
    response = owner_client.post(f"/groups/{choir.pk}/invite/", {"i-members": "13911112222"}, **HX)

    html = text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card group-invite" id="group-invite"')
    assert "已邀请 1 个号码。" in html
    assert "139****2222" in html
    assert "<html" not in html


def test_an_invalid_invitation_keeps_the_input_and_shows_the_error(owner_client, choir):
    response = owner_client.post(f"/groups/{choir.pk}/invite/", {"i-members": "12345"}, **HX)

    html = text(response)
    assert "以下号码不是有效的手机号：12345" in html
    assert ">\n12345</textarea>" in html
    assert not GroupInvitation.objects.exists()


def test_only_the_leader_may_invite(other_client, other_resident, choir, anonymous):
    group_join(user=other_resident, code=choir.invite_code)

    assert (
        other_client.post(f"/groups/{choir.pk}/invite/", {"i-members": "13911112222"}).status_code
        == 403
    )
    assert other_client.post(f"/groups/{choir.pk}/invite-code/").status_code == 403
    assert other_client.post("/groups/999/invite/", {"i-members": "13911112222"}).status_code == 404
    assert other_client.get(f"/groups/{choir.pk}/invite/").status_code == 405
    assert not GroupInvitation.objects.exists()


def test_the_leader_replaces_the_code(owner_client, choir):
    old = choir.invite_code

    response = owner_client.post(f"/groups/{choir.pk}/invite-code/", follow=True)

    choir.refresh_from_db()
    assert choir.invite_code != old
    assert "已换成新的邀请码和链接，旧的不能再用了。" in text(response)
    assert choir.invite_code in text(response)


def test_my_groups_shows_pending_invitations_with_accept_and_decline(
    other_client, owner, other_resident, choir
):
    group_invite(user=owner, group=choir, phones=[other_resident.phone])
    invitation = GroupInvitation.objects.get()

    html = text(other_client.get("/groups/"))

    assert "收到的邀请" in html and "五福合唱团" in html and "每周三排练" in html
    assert f'action="/groups/invitations/{invitation.pk}/accept/"' in html
    assert f'action="/groups/invitations/{invitation.pk}/decline/"' in html


def test_accepting_joins_and_opens_the_group(other_client, owner, other_resident, choir):
    group_invite(user=owner, group=choir, phones=[other_resident.phone])
    invitation = GroupInvitation.objects.get()

    response = other_client.post(f"/groups/invitations/{invitation.pk}/accept/")

    assert response["Location"] == f"/groups/{choir.pk}/"
    assert GroupMembership.objects.filter(group=choir, user=other_resident).exists()


def test_declining_with_htmx_answers_the_card(other_client, owner, other_resident, choir):
    group_invite(user=owner, group=choir, phones=[other_resident.phone])
    invitation = GroupInvitation.objects.get()

    response = other_client.post(f"/groups/invitations/{invitation.pk}/decline/", **HX)

    html = text(response)
    assert html.lstrip().startswith(
        f'<li class="card invitation-card" id="invitation-{invitation.pk}"'
    )
    assert "已拒绝该邀请，对方不会收到通知。" in html
    assert not GroupMembership.objects.filter(group=choir, user=other_resident).exists()
    assert "收到的邀请" not in text(other_client.get("/groups/"))


def test_answering_a_missing_or_foreign_invitation_is_a_404(other_client, owner, choir):
    group_invite(user=owner, group=choir, phones=["13911112222"])
    foreign = GroupInvitation.objects.get()

    assert other_client.post(f"/groups/invitations/{foreign.pk}/accept/").status_code == 404
    assert other_client.post("/groups/invitations/999/decline/").status_code == 404


def test_the_join_link_shows_the_group_and_joins_on_confirm(other_client, other_resident, choir):
    page = other_client.get(f"/groups/join/?code={choir.invite_code}")

    assert "加入“五福合唱团”" in text(page)
    assert not choir.memberships.filter(user=other_resident).exists()

    response = other_client.post("/groups/join/", {"code": choir.invite_code})

    assert response["Location"] == f"/groups/{choir.pk}/"
    assert choir.memberships.filter(user=other_resident, role="member").exists()


def test_a_wrong_code_shows_the_error_on_the_form(other_client):
    response = other_client.get("/groups/join/?code=ZZZZZZZZ")

    html = text(response)
    assert "邀请码不对或已失效，请向自组织负责人确认。" in html
    assert 'value="ZZZZZZZZ"' in html


def test_the_join_link_asks_strangers_to_sign_in_first(anonymous, choir):
    response = anonymous.get(f"/groups/join/?code={choir.invite_code}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
