"""Booking a slot that was tapped before signing in (see accounts.resume).

Tapping a start time while signed out stores the intent and sends the visitor to sign in;
the sign-in (or consent) POST finishes it through ``finish_booking_start``, which lands
on the confirm step with that start already chosen, or back on the slot grid when the time
was taken meanwhile. Nothing is booked without the resident saying how many people come
and what for, so the handler only checks the slot and opens the form.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.resume import Resumed
from bookings.selectors.availability import room_availability
from linli.forms import supported_date
from spaces.models import Room

KIND = "booking_start"
START_FORMAT = "%Y-%m-%dT%H:%M"


def resume_label(*, room: str, when: str) -> str:
    """What the sign-in page says will be done ("登录后将为您继续预约…")."""
    return _("继续预约%(room)s %(when)s") % {"room": room, "when": when}


def grid_url(room: Room, day: dt.date | None = None) -> str:
    query = {"room": room.pk}
    if day is not None:
        query["date"] = day.isoformat()
    return f"{reverse('bookings:book', args=[room.venue_id])}?{urlencode(query)}"


def confirm_url(room: Room, start: dt.datetime, minutes: int | None = None) -> str:
    query = {"start": start.strftime(START_FORMAT)}
    if minutes:
        query["minutes"] = minutes
    return f"{reverse('bookings:book_confirm', args=[room.pk])}?{urlencode(query)}"


def finish_booking_start(*, user, room_id: int, start: str) -> Resumed:
    room = Room.objects.select_related("venue").filter(pk=room_id).first()
    if room is None or not room.venue.is_published:
        return Resumed(url=reverse("spaces:venue-list"), message=_("找不到该功能室。"), ok=False)
    try:
        starts_at = dt.datetime.strptime(start, START_FORMAT).replace(tzinfo=room.venue.zone)
    except (TypeError, ValueError):
        return Resumed(url=grid_url(room), message=_("请重新选择时段。"), ok=False)
    if not supported_date(starts_at.date()):
        return Resumed(url=grid_url(room), message=_("请重新选择时段。"), ok=False)
    day = starts_at.date()
    slots = room_availability(room=room, start=day, end=day + dt.timedelta(days=1), user=user)
    if not any(s.starts_at == starts_at and s.can_start for s in slots):
        return Resumed(
            url=grid_url(room, day),
            message=_("您选的时段刚刚被别人约走了，请另选一个时段。"),
            ok=False,
        )
    return Resumed(
        url=confirm_url(room, starts_at),
        message=_("已登录。请填写人数和用途，再点“确认预约”。"),
        ok=True,
    )
