"""Event and group pages: what residents and operators see, permissions, forms that keep
their input when the service says no."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from scenes.models import Event, EventRegistration, Group, GroupVenueApproval
from scenes.services.group_invitations import group_join
from scenes.services.groups import group_create, group_request_approval
from scenes.services.registrations import event_register
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    weekly_hours,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_event(room, *, capacity=2, starts_at=dt.datetime(2026, 10, 14, 14, 30, tzinfo=SH), **kw):
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=kw.pop("title", "品茶议事"),
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
        **kw,
    )


def stranger_client():
    stranger = UserFactory(username="other-operator")
    VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")
    client = Client()
    client.force_login(stranger)
    return client


# --- residents: events --------------------------------------------------------------------


def test_the_venue_page_shows_upcoming_events_with_seats_and_register_buttons(
    owner_client, venue, room, other_resident
):
    weekly_hours(venue)
    full = make_event(room, capacity=1, title="书法课")
    event_register(user=other_resident, event=full)
    make_event(room, starts_at=dt.datetime(2026, 10, 15, 14, 30, tzinfo=SH))

    html = owner_client.get(f"/venues/{venue.pk}/").content.decode()

    assert "近期活动" in html
    assert "书法课" in html
    assert "10月14日 周三 14:30–16:00" in html
    assert "名额已满" in html
    assert "加入候补" in html
    assert "还剩 <strong>2</strong> 个名额（共 2 个）" in html
    assert f'action="/events/{full.pk}/register/"' in html


def test_an_anonymous_visitor_is_asked_to_sign_in_to_register(anonymous, venue, room):
    event = make_event(room)

    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    # A real POST form (CSRF-protected): the tap is remembered and finished after sign-in.
    assert "登录后报名" in html
    assert f'action="/events/{event.pk}/register/"' in html


def test_registering_from_a_form_redirects_back_with_a_message(owner_client, owner, venue, room):
    event = make_event(room)

    response = owner_client.post(
        f"/events/{event.pk}/register/", {"next": f"/venues/{venue.pk}/"}, follow=True
    )

    assert response.redirect_chain == [(f"/venues/{venue.pk}/", 302)]
    assert "报名成功。" in response.content.decode()
    assert EventRegistration.objects.get(event=event).resident == owner


def test_registering_with_htmx_swaps_the_card(owner_client, room, other_resident):
    event = make_event(room, capacity=1)
    event_register(user=other_resident, event=event)

    response = owner_client.post(
        f"/events/{event.pk}/register/",
        {"next": "/events/", "compact": "1"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<article class="card event-card event-card-compact"')
    assert "名额已满，你已加入候补（第 1 位），有人取消时会自动递补。" in html
    assert "候补第 1 位" in html
    assert "取消候补" in html


def test_registering_for_a_past_event_shows_why(owner_client, room):
    event = make_event(room, starts_at=dt.datetime(2026, 9, 30, 9, 0, tzinfo=SH))

    response = owner_client.post(f"/events/{event.pk}/register/", follow=True)

    assert "该活动已开始或已结束，不能报名。" in response.content.decode()
    assert not EventRegistration.objects.exists()


def test_an_open_redirect_is_refused(owner_client, room):
    event = make_event(room)

    response = owner_client.post(f"/events/{event.pk}/register/", {"next": "https://evil.example/"})

    assert response["Location"] == f"/events/{event.pk}/"


def test_registration_needs_sign_in(anonymous, room):
    event = make_event(room)

    response = anonymous.post(f"/events/{event.pk}/register/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")
    assert not EventRegistration.objects.exists()


def test_cancelling_a_registration_promotes_the_waitlist(owner_client, owner, room):
    event = make_event(room, capacity=1)
    event_register(user=owner, event=event)
    waiting = ResidentFactory()
    event_register(user=waiting, event=event)

    response = owner_client.post(f"/events/{event.pk}/unregister/", {"confirm": "yes"}, follow=True)

    assert "已取消报名，名额已自动让给候补的居民。" in response.content.decode()
    assert EventRegistration.objects.get(resident=waiting).status == "registered"


def test_cancelling_a_registration_asks_first(owner_client, owner, room):
    event = make_event(room, capacity=1)
    event_register(user=owner, event=event)
    url = f"/events/{event.pk}/unregister/"

    # Without JavaScript: the event's page, with the question on its card.
    asked = owner_client.post(url, {"next": "/events/"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "确定取消报名吗？名额会让给候补的居民。" in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert '<a class="button" href="/events/">不取消</a>' in html
    assert EventRegistration.objects.get(resident=owner).status == "registered"
    # With htmx: only the card, asking in place.
    card = owner_client.post(url, {"next": "/events/"}, headers={"HX-Request": "true"})
    assert card.content.decode().lstrip().startswith("<article")
    assert "确认取消报名" in card.content.decode()
    assert EventRegistration.objects.get(resident=owner).status == "registered"

    done = owner_client.post(url, {"confirm": "yes", "next": "/events/"})
    assert done.status_code == 302
    assert EventRegistration.objects.get(resident=owner).status == "cancelled"


def test_events_list_filters_by_venue_and_shows_my_registrations(owner_client, owner, room):
    here = make_event(room, title="品茶议事")
    other_room = RoomFactory(venue=VenueFactory(name="驷马桥党群服务中心"), name="活动室")
    make_event(other_room, title="亲子阅读")
    event_register(user=owner, event=here)

    everything = owner_client.get("/events/").content.decode()
    filtered = owner_client.get(f"/events/?venue={room.venue_id}").content.decode()

    assert "亲子阅读" in everything and "品茶议事" in everything
    assert "亲子阅读" not in filtered
    assert "我的报名" in filtered
    assert "已报名" in filtered


def test_events_list_htmx_filter_returns_only_the_results(anonymous, room):
    make_event(room)

    response = anonymous.get(
        f"/events/?venue={room.venue_id}",
        headers={"HX-Request": "true", "HX-Target": "event-results"},
    )

    html = response.content.decode()
    assert "品茶议事" in html
    assert "<h1>" not in html


def test_event_detail_of_a_cancelled_event_shows_the_reason_and_no_button(anonymous, room):
    event = make_event(room, status="cancelled", cancel_reason="停电")

    html = anonymous.get(f"/events/{event.pk}/").content.decode()

    assert "已取消" in html
    assert "取消原因：停电" in html
    assert "登录后报名" not in html


def test_an_unknown_event_is_a_404(anonymous, db):
    assert anonymous.get("/events/999/").status_code == 404


# --- residents: groups --------------------------------------------------------------------


def test_a_resident_registers_a_group_from_the_form(owner_client, owner):
    ResidentFactory(phone="13800000003")

    response = owner_client.post(
        "/groups/new/",
        {"name": "五福合唱团", "description": "每周三排练", "members": "13800000003\n"},
    )

    group = Group.objects.get()
    assert response["Location"] == f"/groups/{group.pk}/"
    # The other number is invited; it joins only when its owner accepts.
    assert set(group.memberships.values_list("user__phone", "role")) == {
        ("13800000001", "leader"),
    }
    assert group.invitations.get().phone_masked == "138****0003"


def test_the_group_form_keeps_input_and_names_malformed_numbers(owner_client):
    response = owner_client.post(
        "/groups/new/",
        {"name": "五福合唱团", "description": "每周三排练", "members": "1391111，13933334444"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "以下号码不是有效的手机号：1391111" in html
    assert 'value="五福合唱团"' in html
    assert "每周三排练" in html
    assert not Group.objects.exists()


def test_the_leader_asks_a_venue_from_the_group_page(owner_client, owner, venue):
    group = group_create(user=owner, name="五福合唱团")

    response = owner_client.post(
        f"/groups/{group.pk}/", {"action": "request_approval", "a-venue": venue.pk}, follow=True
    )

    assert "已向“五福茶馆”提交申请，请等待审核。" in response.content.decode()
    assert GroupVenueApproval.objects.get().status == "pending"


def test_asking_twice_shows_the_error_on_the_form(owner_client, owner, venue):
    group = group_create(user=owner, name="五福合唱团")
    group_request_approval(user=owner, group=group, venue=venue)

    response = owner_client.post(
        f"/groups/{group.pk}/", {"action": "request_approval", "a-venue": venue.pk}
    )

    assert response.status_code == 200
    assert "已向“五福茶馆”提交申请，请等待审核。" in response.content.decode()
    assert GroupVenueApproval.objects.count() == 1


def test_a_group_page_is_only_for_its_members(other_client, owner):
    group = group_create(user=owner, name="五福合唱团")

    assert other_client.get(f"/groups/{group.pk}/").status_code == 403


def test_a_member_cannot_act_as_leader(other_client, owner, other_resident, venue):
    group = group_create(user=owner, name="五福合唱团")
    group_join(user=other_resident, code=group.invite_code)

    response = other_client.post(
        f"/groups/{group.pk}/", {"action": "request_approval", "a-venue": venue.pk}
    )

    assert response.status_code == 403
    assert not GroupVenueApproval.objects.exists()


def test_my_groups_lists_role_and_approval(owner_client, owner, venue):
    group = group_create(user=owner, name="五福合唱团")
    group_request_approval(user=owner, group=group, venue=venue)

    html = owner_client.get("/groups/").content.decode()

    assert "五福合唱团" in html
    assert "负责人" in html
    assert "五福茶馆：" in html and "待审核" in html


# --- operators ----------------------------------------------------------------------------


def publish_data(room, **overrides):
    data = {
        "title": "品茶议事",
        "room": room.pk,
        "organiser_group": "",
        "date": "2026-10-14",
        "starts": "14:30",
        "ends": "16:00",
        "capacity": "12",
        "weeks": "8",
        "description": "社区工作人员参加",
    }
    data.update(overrides)
    return data


def test_an_operator_publishes_weekly_events_from_the_form(operator_client, venue, room):
    weekly_hours(venue)

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/events/", publish_data(room), follow=True
    )

    assert "已发布 8 场活动。" in response.content.decode()
    starts = [e.starts_at.astimezone(SH) for e in Event.objects.order_by("starts_at")]
    assert len(starts) == 8
    assert starts[0] == dt.datetime(2026, 10, 14, 14, 30, tzinfo=SH)
    assert starts[-1] == dt.datetime(2026, 12, 2, 14, 30, tzinfo=SH)


def test_the_publish_form_keeps_input_and_shows_the_error_on_the_field(
    operator_client, venue, room
):
    weekly_hours(venue)

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/events/", publish_data(room, capacity="40", title="大合唱")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "名额不能超过功能室容量（12 人）。" in html
    assert 'value="大合唱"' in html
    assert 'value="40"' in html
    assert not Event.objects.exists()


def test_publishing_with_htmx_confirms_and_lists_the_events_in_the_region(
    operator_client, venue, room
):
    weekly_hours(venue)
    url = f"/operate/venues/{venue.pk}/events/"

    response = operator_client.post(
        url,
        publish_data(room, weeks="2"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="operate-region",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="operate-region"' in html and "<html" not in html
    assert "已发布 2 场活动。" in html
    assert html.count('class="card event-operate-row"') == 2
    assert 'value="品茶议事"' not in html  # a fresh form
    assert "已发布 2 场活动。" not in operator_client.get(url).content.decode()


def test_the_publish_form_with_htmx_keeps_input_on_error(operator_client, venue, room):
    weekly_hours(venue)

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/events/",
        publish_data(room, starts="abc", title="大合唱"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="operate-region",
    )

    html = response.content.decode()
    assert 'id="operate-region"' in html
    assert 'value="大合唱"' in html and 'value="abc"' in html
    assert "errorlist" in html
    assert not Event.objects.exists()


def test_the_publish_form_maps_a_time_error_to_the_start_field(operator_client, venue, room):
    weekly_hours(venue)

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/events/",
        publish_data(room, starts="20:30", ends="21:30", weeks="1"),
    )

    form = response.context["form"]
    assert form.errors["starts"] == [
        "无法发布：不在该功能室的开放时间内：该功能室10月14日的开放时间是 09:00-21:00，请在这段时间内安排。"
    ]
    assert 'value="20:30"' in response.content.decode()


def test_the_operator_pages_link_to_each_other(operator_client, venue):
    html = operator_client.get(f"/operate/venues/{venue.pk}/events/").content.decode()

    assert f'href="/operate/venues/{venue.pk}/groups/"' in html
    assert f'href="/operate/venues/{venue.pk}/events/" aria-current="page"' in html


@pytest.mark.parametrize(
    "path",
    ["/operate/venues/{venue}/events/", "/operate/venues/{venue}/groups/"],
)
def test_an_operator_of_another_venue_gets_403(venue, path):
    response = stranger_client().get(path.format(venue=venue.pk))

    assert response.status_code == 403


def test_an_operator_of_another_venue_cannot_cancel_an_event(venue, room):
    event = make_event(room)

    response = stranger_client().post(f"/operate/venues/{venue.pk}/events/{event.pk}/", {})

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.status == "published"


def test_an_event_cannot_be_reached_through_another_venue(operator_client, venue):
    elsewhere = RoomFactory(venue=VenueFactory(name="别处"))
    event = make_event(elsewhere)

    response = operator_client.get(f"/operate/venues/{venue.pk}/events/{event.pk}/")

    assert response.status_code == 404


def test_an_operator_cancels_an_event_and_sees_who_was_told(operator_client, venue, room, owner):
    event = make_event(room)
    event_register(user=owner, event=event)

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/events/{event.pk}/", {"reason": "停电", "confirm": "yes"}
    )

    html = response.content.decode()
    assert "已取消 1 场活动，已通知 1 位居民。" in html
    assert "138****0001：活动“品茶议事”（10月14日 14:30）已取消，原因：停电。" in html
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_cancelling_an_event_asks_first_saying_who_will_be_told(
    operator_client, venue, room, owner
):
    event = make_event(room)
    event_register(user=owner, event=event)
    url = f"/operate/venues/{venue.pk}/events/{event.pk}/"

    asked = operator_client.post(url, {"reason": "停电"})

    html = asked.content.decode()
    assert asked.status_code == 200
    assert "确定取消“品茶议事”吗？" in html
    assert "已报名和候补的 1 位居民会收到取消通知，取消后不能恢复。" in html
    assert '<input type="hidden" name="reason" value="停电">' in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    event.refresh_from_db()
    assert event.status != "cancelled"


def test_cancelling_the_rest_of_a_series_counts_everyone_it_tells_once(
    operator_client, venue, room, owner, other_resident
):
    from scenes.models import EventSeries

    series = EventSeries.objects.create(weeks=3)
    first, second, third = (
        make_event(
            room, series=series, starts_at=dt.datetime(2026, 10, 14 + 7 * n, 14, 30, tzinfo=SH)
        )
        for n in range(3)
    )
    event_register(user=owner, event=first)
    event_register(user=owner, event=second)  # the same resident: told once
    event_register(user=other_resident, event=third)
    url = f"/operate/venues/{venue.pk}/events/{first.pk}/"

    asked = operator_client.post(url, {"reason": "停电", "whole_series": "on"})
    one = operator_client.post(url, {"reason": "停电"})

    assert "确定取消此后每周的这个活动吗？" in asked.content.decode()
    assert "已报名和候补的 2 位居民会收到取消通知，取消后不能恢复。" in asked.content.decode()
    assert "已报名和候补的 1 位居民会收到取消通知，取消后不能恢复。" in one.content.decode()
    assert not Event.objects.filter(status="cancelled").exists()


def test_the_event_page_lists_registrants_then_waitlist(operator_client, venue, room, owner):
    event = make_event(room, capacity=1)
    event_register(user=owner, event=event)
    event_register(user=ResidentFactory(phone="13800000009", display_name="周伯"), event=event)

    html = operator_client.get(f"/operate/venues/{venue.pk}/events/{event.pk}/").content.decode()

    assert html.index("张阿姨") < html.index("周伯")
    assert "138****0009" in html


def test_an_operator_approves_a_group_with_a_note(operator_client, venue, owner):
    group = group_create(user=owner, name="五福合唱团")
    approval = group_request_approval(user=owner, group=group, venue=venue)

    page = operator_client.get(f"/operate/venues/{venue.pk}/groups/").content.decode()
    assert "五福合唱团" in page and "张阿姨（138****0001）" in page

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/groups/",
        {"approval": approval.pk, f"d{approval.pk}-note": "周三下午可用", "decision": "approve"},
        follow=True,
    )

    assert "已批准“五福合唱团”。" in response.content.decode()
    approval.refresh_from_db()
    assert (approval.status, approval.note) == ("approved", "周三下午可用")


def test_an_operator_cannot_decide_another_venues_request_through_their_own(
    operator_client, venue, owner
):
    group = group_create(user=owner, name="五福合唱团")
    approval = group_request_approval(user=owner, group=group, venue=VenueFactory(name="别处"))

    response = operator_client.post(
        f"/operate/venues/{venue.pk}/groups/", {"approval": approval.pk, "decision": "approve"}
    )

    assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_the_leader_removes_a_member(owner_client, owner, other_resident):
    group = group_create(user=owner, name="五福合唱团")
    group_join(user=other_resident, code=group.invite_code)
    membership = group.memberships.get(user=other_resident)

    url = f"/groups/{group.pk}/"
    asked = owner_client.post(url, {"action": "remove_member", "member": membership.pk})

    assert "确定将李叔移出“五福合唱团”吗？" in asked.content.decode()
    assert f'<input type="hidden" name="member" value="{membership.pk}">' in asked.content.decode()
    assert group.memberships.count() == 2

    response = owner_client.post(
        url,
        {"action": "remove_member", "member": membership.pk, "confirm": "yes"},
        follow=True,
    )

    assert "已将李叔移出。" in response.content.decode()
    assert list(group.memberships.values_list("user__phone", flat=True)) == [owner.phone]


def test_a_member_leaves_after_saying_so_twice(owner, other_resident):
    from django.test import Client

    group = group_create(user=owner, name="五福合唱团")
    group_join(user=other_resident, code=group.invite_code)
    client = Client()
    client.force_login(other_resident)
    url = f"/groups/{group.pk}/"

    asked = client.post(url, {"action": "leave"})

    assert "确定退出“五福合唱团”吗？" in asked.content.decode()
    assert group.memberships.filter(user=other_resident).exists()
    done = client.post(url, {"action": "leave", "confirm": "yes"})
    assert done.status_code == 302
    assert not group.memberships.filter(user=other_resident).exists()


def test_the_publish_form_offers_only_this_venues_rooms_and_approved_groups(
    operator_client, venue, room, owner
):
    RoomFactory(venue=VenueFactory(name="别处"), name="别处的会议室")
    group_create(user=owner, name="未获批准的队")

    form = operator_client.get(f"/operate/venues/{venue.pk}/events/").context["form"]

    assert [label for _value, label in form.fields["room"].choices] == ["议事茶亭（12 人）"]
    assert [label for _value, label in form.fields["organiser_group"].choices] == [
        "本场馆（运营方）"
    ]
