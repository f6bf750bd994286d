"""What a check-in result says, in words: the desk and the resident read the same facts
("已签到：10:00-11:00 议事茶亭 张阿姨"), and a second check-in says it was done before."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings.models import Booking, CheckIn
from bookings.services.checkins import CheckInResult


def booking_when(booking: Booking) -> str:
    zone = booking.venue.zone
    return f"{booking.starts_at.astimezone(zone):%H:%M}-{booking.ends_at.astimezone(zone):%H:%M}"


def _clock(checkin: CheckIn) -> str:
    return f"{checkin.at.astimezone(checkin.venue.zone):%H:%M}"


def booking_line(booking: Booking, *, with_name: bool = True) -> str:
    parts = [booking_when(booking), booking.room.name]
    if with_name and booking.resident is not None:
        parts.append(str(booking.resident))
    return " ".join(parts)


def desk_checkin_words(result: CheckInResult) -> str:
    """For the operator: which booking (or attendee) was checked in, or that it already was."""
    checkin = result.checkin
    if result.booking is not None:
        what = booking_line(result.booking)
    else:
        registration = checkin.registration
        event = checkin.event or (registration.event if registration else None)
        who = str(checkin.resident) if checkin.resident else ""
        what = " ".join(p for p in (event.title if event else "", who) if p)
    if result.created:
        return _("已签到：%(what)s") % {"what": what}
    return _("已经签到过了：%(what)s（%(time)s 签到）") % {"what": what, "time": _clock(checkin)}


def resident_checkin_words(result: CheckInResult) -> str:
    """For the resident who scanned the venue's poster."""
    checkin = result.checkin
    venue = checkin.venue
    if result.booking is not None:
        what = booking_line(result.booking, with_name=False)
        if result.created:
            return _("签到成功：%(what)s。") % {"what": what}
        return _("您已经签到过了：%(what)s（%(time)s 签到）。") % {
            "what": what,
            "time": _clock(checkin),
        }
    if result.created:
        return _("签到成功，欢迎来到%(venue)s！") % {"venue": venue.name}
    return _("您今天已经在%(venue)s签到过了（%(time)s）。") % {
        "venue": venue.name,
        "time": _clock(checkin),
    }
