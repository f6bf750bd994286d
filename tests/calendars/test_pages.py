"""The subscription pages and the buttons calendars adds to other apps' pages."""

import re

import pytest
from django.urls import reverse

from accounts import personal_data
from bookings.models import Status
from calendars.models import FeedToken
from tests.calendars.conftest import at, make_event
from tests.factories import make_booking

pytestmark = pytest.mark.django_db

MINE = "/calendars/"
WECHAT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47"


def shown_url(html: str, kind: str = "me") -> str:
    found = re.search(rf'value="(http://testserver/calendars/{kind}/[A-Za-z0-9_-]+\.ics)"', html)
    assert found, html
    return found.group(1)


def test_the_page_needs_a_signed_in_resident(anonymous):
    response = anonymous.get(MINE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_turning_the_feed_on_shows_its_url_once(owner, owner_client, anonymous):
    page = owner_client.get(MINE).content.decode()
    assert "还没有开启" in page and "开启订阅" in page
    response = owner_client.post(MINE, {"action": "issue"})
    assert response.status_code == 302 and response["Location"] == "/calendars/#feed-me"
    page = owner_client.get(MINE).content.decode()
    url = shown_url(page)
    assert "订阅链接已生成" in page
    assert 'href="webcal://testserver/calendars/me/' in page
    assert anonymous.get(url.replace("http://testserver", "")).status_code == 200
    # Shown once: the next visit says it is on, without the secret.
    page = owner_client.get(MINE).content.decode()
    assert "/calendars/me/" not in page and "已开启" in page
    assert FeedToken.objects.filter(user=owner, group=None).count() == 1


def test_a_new_url_is_asked_for_first_and_kills_the_old_one(owner, owner_client, anonymous):
    owner_client.post(MINE, {"action": "issue"})
    old = shown_url(owner_client.get(MINE).content.decode()).replace("http://testserver", "")
    asked = owner_client.post(MINE, {"action": "issue"})
    assert asked.status_code == 200
    assert "旧链接会立即失效" in asked.content.decode()
    assert anonymous.get(old).status_code == 200  # nothing changed until confirmed
    owner_client.post(MINE, {"action": "issue", "confirm": "yes"})
    new = shown_url(owner_client.get(MINE).content.decode()).replace("http://testserver", "")
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200


def test_turning_the_feed_off_is_asked_first(owner, owner_client, anonymous):
    owner_client.post(MINE, {"action": "issue"})
    url = shown_url(owner_client.get(MINE).content.decode()).replace("http://testserver", "")
    asked = owner_client.post(MINE, {"action": "revoke"})
    assert "关闭“我的预约和活动”的日历订阅吗？" in asked.content.decode()
    assert anonymous.get(url).status_code == 200
    done = owner_client.post(MINE, {"action": "revoke", "confirm": "yes"})
    assert done.status_code == 302
    assert anonymous.get(url).status_code == 404
    assert not FeedToken.objects.filter(user=owner).exists()
    assert "已关闭订阅" in owner_client.get(MINE).content.decode()


def test_a_member_turns_on_their_groups_feed(owner, owner_client, choir, anonymous):
    page = owner_client.get(MINE).content.decode()
    assert "五福合唱团" in page and f'id="feed-group-{choir.pk}"' in page
    owner_client.post(MINE, {"action": "issue", "group": choir.pk})
    url = shown_url(owner_client.get(MINE).content.decode(), "groups")
    assert anonymous.get(url.replace("http://testserver", "")).status_code == 200


@pytest.mark.parametrize("group", ["abc", "-1", "99999999999999999999", "987654321"])
def test_a_group_that_is_not_theirs_is_404(owner_client, group):
    assert owner_client.post(MINE, {"action": "issue", "group": group}).status_code == 404


def test_someone_elses_group_is_404(other_client, choir):
    assert other_client.post(MINE, {"action": "issue", "group": choir.pk}).status_code == 404
    assert not FeedToken.objects.exists()


def test_an_unknown_action_changes_nothing(owner_client):
    assert owner_client.post(MINE, {"action": "explode"}).status_code == 404
    assert not FeedToken.objects.exists()


def test_the_venue_page_offers_both_feeds(venue, anonymous):
    response = anonymous.get(reverse("calendars:venue", args=[venue.pk]))
    html = response.content.decode()
    assert f'href="webcal://testserver/calendars/venues/{venue.pk}.ics"' in html
    assert f'href="webcal://testserver/calendars/venues/{venue.pk}.ics?scenes=1"' in html
    assert f'value="http://testserver/calendars/venues/{venue.pk}.ics"' in html
    assert "iPhone" in html and "安卓" in html and "Outlook" in html
    assert "User-Agent" in response["Vary"]


def test_inside_wechat_the_page_says_to_open_the_system_browser(venue, anonymous):
    html = anonymous.get(
        reverse("calendars:venue", args=[venue.pk]), HTTP_USER_AGENT=WECHAT
    ).content.decode()
    assert "webcal://" not in html
    assert "在浏览器打开" in html
    assert f'value="http://testserver/calendars/venues/{venue.pk}.ics"' in html


def test_the_room_page_is_for_a_door_screen(room, anonymous):
    html = anonymous.get(reverse("calendars:room", args=[room.pk])).content.decode()
    assert f"webcal://testserver/calendars/rooms/{room.pk}.ics" in html
    assert "没有预约人的任何信息" in html


def test_other_pages_link_to_the_calendars(
    frozen, scenes, venue, room, owner, owner_client, operator_client, choir, anonymous
):
    assert (
        reverse("calendars:venue", args=[venue.pk])
        in anonymous.get(reverse("spaces:venue-detail", args=[venue.pk])).content.decode()
    )
    event = make_event(room, at(3, 14))
    assert (
        reverse("calendars:event-file", args=[event.pk])
        in anonymous.get(reverse("scenes:event-detail", args=[event.pk])).content.decode()
    )
    booking = make_booking(room, at(3, 10), resident=owner, code="111111")
    detail = owner_client.get(
        reverse("bookings:booking_detail", args=[booking.public_id])
    ).content.decode()
    assert reverse("calendars:booking-file", args=[booking.public_id]) in detail
    assert MINE in owner_client.get(reverse("accounts:me")).content.decode()
    assert (
        f"{MINE}#feed-group-{choir.pk}"
        in owner_client.get(reverse("scenes:group-detail", args=[choir.pk])).content.decode()
    )
    assert (
        reverse("calendars:room", args=[room.pk])
        in operator_client.get(reverse("spaces:operate-room", args=[room.pk])).content.decode()
    )


def test_a_cancelled_booking_has_nothing_to_add(frozen, scenes, room, owner, owner_client):
    booking = make_booking(room, at(3, 10), resident=owner, status=Status.CANCELLED, code="111112")
    detail = owner_client.get(
        reverse("bookings:booking_detail", args=[booking.public_id])
    ).content.decode()
    assert reverse("calendars:booking-file", args=[booking.public_id]) not in detail


def test_feed_urls_are_in_the_export_and_go_with_the_account(owner, choir):
    from calendars.services import feed_token_issue

    feed_token_issue(user=owner)
    feed_token_issue(user=owner, group=choir)
    exported = personal_data.export_all(user=owner)["sections"]["calendar_feeds"]
    assert [item["feed"] for item in exported] == ["personal", "五福合唱团"]
    assert all("token" not in item and "digest" not in item for item in exported)
    personal_data.erase_all(user=owner)
    assert not FeedToken.objects.filter(user=owner).exists()
