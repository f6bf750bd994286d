"""The feeds over HTTP, as a calendar app reads them: what each holds, who may read it,
the headers, and conditional GET."""

import datetime as dt
import gzip

import pytest
from django.urls import reverse

from accounts.services import account_delete
from bookings.models import Booking, Status
from bookings.services.bookings import booking_approve, booking_cancel
from calendars.services import feed_token_issue, feed_token_revoke
from scenes.models import GroupMembership
from scenes.services.events import event_cancel
from scenes.services.groups import group_remove_member
from tests.calendars.conftest import at, by_uid, make_event, parse, register, vevents
from tests.factories import RoomFactory, VenueFactory, make_booking

pytestmark = pytest.mark.django_db


def venue_url(venue, **query):
    url = reverse("calendars:venue-feed", args=[venue.pk])
    return url + ("?scenes=1" if query.get("scenes") else "")


def personal_url(token):
    return reverse("calendars:personal-feed", args=[token])


def group_url(token):
    return reverse("calendars:group-feed", args=[token])


# --- the venue's events ---------------------------------------------------------------


def test_venue_feed_lists_published_events_where_and_when(frozen, scenes, venue, room, feed_client):
    event = make_event(room, at(3, 14), title="书法课")
    response = feed_client.get(venue_url(venue))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = parse(response.content)
    assert str(cal["X-WR-CALNAME"]) == "五福茶馆 活动"
    [entry] = vevents(response.content)
    assert str(entry["UID"]) == f"event-{event.pk}@linli"
    assert str(entry["SUMMARY"]) == "书法课"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry["SEQUENCE"] == 0
    assert entry["DTSTART"].dt == at(3, 14) and entry["DTEND"].dt == at(3, 15)
    assert entry["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(entry["LOCATION"]) == "五福茶馆 · 议事茶亭，成都市成华区五福桥东路1号"
    assert (entry["GEO"].latitude, entry["GEO"].longitude) == (venue.latitude, venue.longitude)
    assert str(entry["URL"]) == f"http://testserver/events/{event.pk}/"
    assert entry["LAST-MODIFIED"].dt == event.created_at


def test_the_window_is_8_weeks_back_and_26_ahead(frozen, scenes, venue, room, feed_client):
    first = make_event(room, at(6, 9, month=10), title="八周前")  # 2026-10-06 09:00
    make_event(room, at(5, 20, month=10), title="八周前的前一天")
    last = make_event(room, dt.datetime(2027, 5, 31, 20, tzinfo=at(1, 0).tzinfo), title="最后一天")
    make_event(room, dt.datetime(2027, 6, 1, 9, tzinfo=at(1, 0).tzinfo), title="太远")
    found = by_uid(feed_client.get(venue_url(venue)).content)
    assert set(found) == {f"event-{first.pk}@linli", f"event-{last.pk}@linli"}


def test_a_cancelled_event_stays_30_days_as_cancelled_with_a_higher_sequence(
    frozen, scenes, venue, room, operator, feed_client
):
    event = make_event(room, at(20, 14))
    before = by_uid(feed_client.get(venue_url(venue)).content)[f"event-{event.pk}@linli"]
    frozen.shift(dt.timedelta(hours=1))
    event_cancel(user=operator, event=event, reason="老师生病")
    after = by_uid(feed_client.get(venue_url(venue)).content)[f"event-{event.pk}@linli"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["SUMMARY"]) == "已取消：书法课"
    assert str(after["DESCRIPTION"]).startswith("取消原因：老师生病")
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    frozen.shift(dt.timedelta(days=29))  # 30 December 09:00: cancelled 29 days ago
    assert f"event-{event.pk}@linli" in by_uid(feed_client.get(venue_url(venue)).content)
    frozen.shift(dt.timedelta(days=2))  # 1 January: 31 days ago
    assert f"event-{event.pk}@linli" not in by_uid(feed_client.get(venue_url(venue)).content)


def test_another_venues_events_are_not_in_the_feed(frozen, scenes, venue, room, feed_client):
    other = RoomFactory(venue=VenueFactory(name="别处"))
    make_event(other, at(3, 14), title="别处的活动")
    assert vevents(feed_client.get(venue_url(venue)).content) == []


def test_an_unpublished_venue_has_no_feed(frozen, venue, feed_client):
    venue.is_published = False
    venue.save()
    response = feed_client.get(venue_url(venue))
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content


def test_feeds_take_no_writes(frozen, venue, feed_client):
    assert feed_client.post(venue_url(venue)).status_code == 405
    assert feed_client.head(venue_url(venue)).status_code == 200


def test_the_scene_layer_shows_each_scene_band_as_free_time(frozen, scenes, venue, feed_client):
    public, commercial = scenes
    found = by_uid(feed_client.get(venue_url(venue, scenes=True)).content)
    day = found[f"scene-{public.pk}-20261203T010000Z@linli"]  # 09:00 Shanghai
    assert day["DTSTART"].dt == at(3, 9) and day["DTEND"].dt == at(3, 18)
    assert str(day["SUMMARY"]) == "公益时段（公益时段）"
    assert str(day["TRANSP"]) == "TRANSPARENT"
    evening = found[f"scene-{commercial.pk}-20261203T100000Z@linli"]
    assert evening["DTSTART"].dt == at(3, 18) and evening["DTEND"].dt == at(3, 21)
    # Without the layer, none of them.
    assert not any(
        uid.startswith("scene-") for uid in by_uid(feed_client.get(venue_url(venue)).content)
    )


# --- the room's occupancy -------------------------------------------------------------


def test_the_room_feed_shows_busy_blocks_and_nothing_about_who(
    frozen, scenes, venue, room, owner, other_resident, feed_client
):
    make_booking(room, at(3, 10), resident=owner, code="482913", purpose="下象棋")
    make_booking(
        room,
        at(3, 14),
        resident=other_resident,
        status=Status.PENDING,
        purpose="私事",
        code="555555",
    )
    make_booking(
        room,
        at(3, 16),
        resident=owner,
        status=Status.CANCELLED,
        purpose="取消的",
        code="666666",
        cancelled_at=at(1, 7),
    )
    event = make_event(room, at(4, 9), title="书法课")
    body = feed_client.get(reverse("calendars:room-feed", args=[room.pk])).content
    entries = sorted(vevents(body), key=lambda e: e["DTSTART"].dt)
    assert [(e["DTSTART"].dt, str(e["SUMMARY"]), str(e["STATUS"])) for e in entries] == [
        (at(3, 10), "已预约", "CONFIRMED"),
        (at(3, 14), "待审核的预约", "TENTATIVE"),
        (at(3, 16), "已释放：已预约", "CANCELLED"),
        (at(4, 9), "书法课", "CONFIRMED"),
    ]
    text = body.decode()
    for secret in ("下象棋", "私事", "482913", owner.phone, other_resident.phone, "张阿姨", "李叔"):
        assert secret not in text
    assert all(not str(e["UID"]).startswith("booking-") for e in entries)
    assert f"event-{event.pk}@linli" in by_uid(body)


def test_a_no_show_frees_the_room_when_check_in_closes(frozen, scenes, room, owner, feed_client):
    booking = make_booking(room, at(3, 10), resident=owner)
    url = reverse("calendars:room-feed", args=[room.pk])
    frozen.move_to(booking.checkin_closes_at - dt.timedelta(minutes=1))
    first = feed_client.get(url)
    frozen.move_to(booking.checkin_closes_at - dt.timedelta(microseconds=1))
    assert feed_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    frozen.move_to(booking.checkin_closes_at)
    later = feed_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert later.status_code == 200
    [before], [after] = vevents(first.content), vevents(later.content)
    assert (str(before["STATUS"]), str(after["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


# --- the resident's own feed ----------------------------------------------------------


def test_the_personal_feed_holds_only_the_residents_own_bookings_and_registrations(
    frozen, scenes, room, owner, other_resident, booked, feed_client
):
    make_booking(room, at(3, 14), resident=other_resident, purpose="李叔的私事", code="777777")
    mine = register(make_event(room, at(5, 10), title="合唱"), owner)
    register(make_event(room, at(6, 10), title="别人报的"), other_resident)
    response = feed_client.get(personal_url(feed_token_issue(user=owner)))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    text = response.content.decode()
    assert "李叔的私事" not in text and "777777" not in text and "别人报的" not in text
    entries = by_uid(response.content)
    assert len(entries) == 2
    [booking_entry] = [e for uid, e in entries.items() if uid.startswith("booking-")]
    assert str(booking_entry["SUMMARY"]) == "预约 · 议事茶亭"
    assert (
        str(booking_entry["DESCRIPTION"]) == "状态：已确认\n用途：下象棋\n人数：2\n签到码：482913"
    )
    assert str(booking_entry["URL"]) == f"http://testserver/me/bookings/{booked.public_id}/"
    assert booked.public_id not in str(booking_entry["UID"])
    assert str(entries[f"registration-{mine.event_id}@linli"]["SUMMARY"]) == "合唱"


def test_a_cancelled_booking_shows_as_cancelled_with_a_higher_sequence(
    frozen, scenes, owner, booked, feed_client
):
    url = personal_url(feed_token_issue(user=owner))
    [before] = vevents(feed_client.get(url).content)
    frozen.shift(dt.timedelta(minutes=5))
    booking_cancel(user=owner, booking=booked)
    response = feed_client.get(url)
    [after] = vevents(response.content)
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["SUMMARY"]) == "已取消：预约 · 议事茶亭"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LAST-MODIFIED"].dt == Booking.objects.get(pk=booked.pk).cancelled_at
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt


def test_a_request_is_tentative_then_confirmed(frozen, scenes, room, owner, operator, feed_client):
    booking = make_booking(room, at(5, 10), resident=owner, status=Status.PENDING)
    url = personal_url(feed_token_issue(user=owner))
    [before] = vevents(feed_client.get(url).content)
    assert str(before["STATUS"]) == "TENTATIVE"
    assert str(before["SUMMARY"]) == "待审核：预约 · 议事茶亭"
    assert "签到码" not in str(before["DESCRIPTION"])
    frozen.shift(dt.timedelta(minutes=1))
    booking_approve(user=operator, booking=booking)
    [after] = vevents(feed_client.get(url).content)
    assert (str(after["STATUS"]), after["SEQUENCE"]) == ("CONFIRMED", 1)


def test_a_request_nobody_decided_is_cancelled_when_check_in_closes(
    frozen, scenes, room, owner, feed_client
):
    booking = make_booking(room, at(3, 10), resident=owner, status=Status.PENDING)
    url = personal_url(feed_token_issue(user=owner))
    etag = feed_client.get(url)["ETag"]
    frozen.move_to(booking.checkin_closes_at)
    response = feed_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    [entry] = vevents(response.content)
    assert (str(entry["STATUS"]), entry["SEQUENCE"]) == ("CANCELLED", 1)
    assert entry["LAST-MODIFIED"].dt == booking.checkin_closes_at


def test_registrations_follow_the_waitlist_and_cancellation(
    frozen, scenes, room, owner, operator, feed_client
):
    event = make_event(room, at(5, 10), title="合唱")
    registration = register(event, owner, status="waitlisted")
    url = personal_url(feed_token_issue(user=owner))
    [entry] = vevents(feed_client.get(url).content)
    assert (str(entry["STATUS"]), str(entry["SUMMARY"])) == ("TENTATIVE", "候补：合唱")
    frozen.shift(dt.timedelta(minutes=1))
    registration.status, registration.promoted_at = "registered", dt.datetime.now(dt.UTC)
    registration.save()
    [entry] = vevents(feed_client.get(url).content)
    assert (str(entry["STATUS"]), entry["SEQUENCE"]) == ("CONFIRMED", 1)
    frozen.shift(dt.timedelta(minutes=1))
    event_cancel(user=operator, event=event, reason="下雨")
    [entry] = vevents(feed_client.get(url).content)
    assert (str(entry["STATUS"]), str(entry["SUMMARY"])) == ("CANCELLED", "已取消：合唱")
    assert entry["SEQUENCE"] >= 2


# --- a group's feed -------------------------------------------------------------------


def test_the_group_feed_holds_its_bookings_and_events_without_check_in_codes(
    frozen, scenes, venue, room, owner, other_resident, choir, feed_client
):
    GroupMembership.objects.create(group=choir, user=other_resident)
    make_booking(room, at(4, 10), resident=owner, group=choir, code="135790", purpose="合唱排练")
    make_booking(room, at(4, 14), resident=owner, purpose="张阿姨自己的")
    event = make_event(room, at(6, 10), title="合唱团汇报演出", organiser_group=choir)
    response = feed_client.get(group_url(feed_token_issue(user=other_resident, group=choir)))
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    entries = by_uid(response.content)
    assert len(entries) == 2 and f"event-{event.pk}@linli" in entries
    text = response.content.decode()
    assert "135790" not in text and "张阿姨自己的" not in text and owner.phone not in text
    assert "五福合唱团 · 议事茶亭" in text


def test_leaving_the_group_ends_the_members_group_feed(
    frozen, scenes, owner, other_resident, choir, feed_client
):
    GroupMembership.objects.create(group=choir, user=other_resident)
    url = group_url(feed_token_issue(user=other_resident, group=choir))
    assert feed_client.get(url).status_code == 200
    group_remove_member(user=other_resident, group=choir, member=other_resident)
    assert feed_client.get(url).status_code == 404


# --- tokens ---------------------------------------------------------------------------


def test_rotating_kills_the_old_url_at_once(frozen, owner, feed_client):
    old = feed_token_issue(user=owner)
    new = feed_token_issue(user=owner)
    assert feed_client.get(personal_url(old)).status_code == 404
    assert feed_client.get(personal_url(new)).status_code == 200


def test_revoking_and_deleting_the_account_kill_the_url(frozen, owner, other_resident, feed_client):
    token = feed_token_issue(user=owner)
    feed_token_revoke(user=owner)
    assert feed_client.get(personal_url(token)).status_code == 404
    token = feed_token_issue(user=other_resident)
    account_delete(user=other_resident)
    assert feed_client.get(personal_url(token)).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 44, "../../etc", "%00" * 20])
def test_unknown_or_malformed_tokens_are_404(db, feed_client, token):
    assert feed_client.get(f"/calendars/me/{token}.ics").status_code == 404
    assert feed_client.get(f"/calendars/groups/{token}.ics").status_code == 404


def test_a_personal_token_does_not_open_a_group_feed_nor_the_reverse(
    frozen, owner, choir, feed_client
):
    personal, group = feed_token_issue(user=owner), feed_token_issue(user=owner, group=choir)
    assert feed_client.get(group_url(personal)).status_code == 404
    assert feed_client.get(personal_url(group)).status_code == 404


# --- one booking, one event -----------------------------------------------------------


def test_a_booking_download_is_for_its_resident_only(
    frozen, scenes, owner_client, other_client, operator_client, anonymous, booked
):
    url = reverse("calendars:booking-file", args=[booked.public_id])
    response = owner_client.get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    [entry] = vevents(response.content)
    assert entry["DTSTART"].dt == at(3, 10)
    assert other_client.get(url).status_code == 404
    assert operator_client.get(url).status_code == 404
    response = anonymous.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_the_same_booking_has_the_same_uid_in_the_download_and_the_feed(
    frozen, scenes, owner, owner_client, booked, feed_client
):
    [single] = vevents(
        owner_client.get(reverse("calendars:booking-file", args=[booked.public_id])).content
    )
    [fed] = vevents(feed_client.get(personal_url(feed_token_issue(user=owner))).content)
    assert str(single["UID"]) == str(fed["UID"])


def test_an_event_download(frozen, scenes, room, feed_client):
    event = make_event(room, at(3, 14))
    response = feed_client.get(reverse("calendars:event-file", args=[event.pk]))
    assert response.status_code == 200
    assert 'filename="event-' in response["Content-Disposition"]
    [entry] = vevents(response.content)
    assert str(entry["UID"]) == f"event-{event.pk}@linli"


# --- HTTP: validators and bytes -------------------------------------------------------


def test_conditional_get_answers_304_while_nothing_changed(
    frozen, scenes, venue, room, operator, feed_client
):
    event = make_event(room, at(5, 14))
    url = venue_url(venue)
    first = feed_client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = feed_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert feed_client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert feed_client.get(url, HTTP_IF_NONE_MATCH=f'W/{etag}, "other"').status_code == 304
    frozen.shift(dt.timedelta(seconds=2))
    event_cancel(user=operator, event=event)
    changed = feed_client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed["Last-Modified"] != modified


def test_a_room_renamed_changes_the_feed_and_its_validators(
    frozen, scenes, venue, room, feed_client
):
    make_event(room, at(5, 14))
    first = feed_client.get(venue_url(venue))
    frozen.shift(dt.timedelta(seconds=2))
    room.name = "大茶亭"
    room.save()
    response = feed_client.get(venue_url(venue), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 200
    assert "大茶亭" in response.content.decode()


def test_the_same_feed_is_the_same_bytes_even_compressed(frozen, scenes, venue, room, feed_client):
    for n in range(30):
        make_event(room, at(2 + n % 20, 9 + n // 20), title=f"活动{n}")
    url = venue_url(venue, scenes=True)
    first, second = feed_client.get(url), feed_client.get(url)
    assert first.content == second.content
    zipped = [feed_client.get(url, HTTP_ACCEPT_ENCODING="gzip") for _ in range(2)]
    assert zipped[0]["Content-Encoding"] == "gzip"
    assert zipped[0].content == zipped[1].content
    assert gzip.decompress(zipped[0].content) == first.content


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": "garbage"},
        {"HTTP_IF_NONE_MATCH": '"'},
        {"HTTP_IF_NONE_MATCH": "W/"},
        {"HTTP_IF_MODIFIED_SINCE": "yesterday"},
        {"HTTP_IF_MODIFIED_SINCE": "Tue, 99 Dec 2026 25:61:00 GMT"},
        {"HTTP_IF_MODIFIED_SINCE": "9" * 40},
        {"HTTP_IF_MATCH": "\x00"},
        {"HTTP_IF_UNMODIFIED_SINCE": "soon"},
    ],
)
def test_malformed_conditional_headers_are_ignored(frozen, venue, feed_client, headers):
    response = feed_client.get(venue_url(venue), **headers)
    assert response.status_code == 200
    assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_a_feed_needs_and_sets_no_cookie(frozen, scenes, owner, booked, feed_client):
    for url in (venue_url(booked.venue), personal_url(feed_token_issue(user=owner))):
        response = feed_client.get(url)
        assert response.status_code == 200
        assert not response.cookies  # no session, no CSRF token, no language cookie
