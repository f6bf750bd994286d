"""我的预约: a resident's bookings, one booking with its QR code, cancel and rate.

A booking page is addressed by its unguessable ``public_id`` and shown to its resident
only: anyone else (another resident, an operator, who has the desk page) gets the 404
page, exactly as for an id that does not exist. Cancelling takes two steps
(linli.pages.confirmation / confirmed); a visit is rated 1-5 once, within 7 days.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import resident_required
from bookings.models import Booking, Rating, Status
from bookings.qr import booking_desk_url, qr_svg
from bookings.resident_forms import RatingForm
from bookings.resident_views import yuan
from bookings.selectors.bookings import booking_get, bookings_of
from bookings.services.bookings import booking_cancel as cancel_service
from bookings.services.checkins import RATING_DAYS, rating_create
from bookings.states import effective_status
from bookings.visitors import visitor_key
from linli.dates import month_day_weekday, relative_time
from linli.errors import DomainError
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed

# What each state means for the resident, and what to do next.
NEXT_STEP = {
    Status.PENDING: gettext_lazy(
        "运营方审核后会发短信告诉您结果。审核通过前，这个时段先为您保留。"
    ),
    Status.CONFIRMED: gettext_lazy("预约成功。到场后请把下面的二维码或签到码给前台看。"),
    Status.REJECTED: gettext_lazy("这次预约没有通过，可以另选时段再约。"),
    Status.CANCELLED: gettext_lazy("这个预约已取消。"),
    Status.CHECKED_IN: gettext_lazy("您已签到，祝您使用愉快。"),
    Status.COMPLETED: gettext_lazy("这次预约已完成，欢迎再来。"),
    Status.NO_SHOW: gettext_lazy("签到时间已过，您没有签到，这个时段已让给别人。"),
}


def _own_booking(request: HttpRequest, public_id: str) -> Booking:
    try:
        booking = booking_get(user=request.user, public_id=public_id)
    except DomainError:
        raise Http404 from None
    if booking.resident_id != request.user.pk:
        raise Http404  # an operator reads it on the desk page, not here
    return booking


def _can_rate(booking: Booking, status: str, now: dt.datetime, user) -> bool:
    if status not in (Status.CHECKED_IN, Status.COMPLETED):
        return False
    today = now.astimezone(booking.venue.zone).date()
    if (today - booking.local_date).days > RATING_DAYS:
        return False
    return not Rating.objects.filter(
        visitor=visitor_key(user), venue=booking.venue, local_date=booking.local_date
    ).exists()


def _describe(booking: Booking, now: dt.datetime) -> dict:
    zone = booking.venue.zone
    status = effective_status(booking, now)
    starts = booking.starts_at.astimezone(zone)
    ends = booking.ends_at.astimezone(zone)
    local_now = now.astimezone(zone)
    return {
        "booking": booking,
        "status": status,
        "status_words": Status(status).label,
        "next_step": NEXT_STEP[status],
        "holding": status in (Status.PENDING, Status.CONFIRMED),
        "when": f"{month_day_weekday(starts)} {starts:%H:%M}-{ends:%H:%M}",
        "checkin_opens": relative_time(booking.checkin_opens_at, local_now),
        "checkin_closes": relative_time(booking.checkin_closes_at, local_now),
        "cancel_deadline": relative_time(booking.cancel_deadline, local_now),
        "can_cancel": status in (Status.PENDING, Status.CONFIRMED)
        and now <= booking.cancel_deadline,
        "price": yuan(booking.price_fen) if booking.price_fen else _("免费"),
    }


@resident_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    coming = [_describe(b, now) for b in bookings_of(user=request.user, now=now, upcoming=True)]
    live = (Status.PENDING, Status.CONFIRMED, Status.CHECKED_IN)
    # Cancelled, rejected and missed ones are no longer "to come": they join the past.
    upcoming = [item for item in coming if item["status"] in live]
    past = [item for item in reversed(coming) if item["status"] not in live] + [
        _describe(b, now) for b in bookings_of(user=request.user, now=now, upcoming=False)[:30]
    ]
    for item in past:
        item["can_rate"] = _can_rate(item["booking"], item["status"], now, request.user)
    return TemplateResponse(request, "bookings/mine.html", {"upcoming": upcoming, "past": past})


def _detail(request, booking: Booking, *, status: int = 200, **extra) -> HttpResponse:
    now = timezone.now()
    context = _describe(booking, now)
    # The ticket only once the desk can use it: a request awaiting approval has none yet.
    if context["status"] == Status.CONFIRMED:
        context["qr"] = qr_svg(booking_desk_url(request, booking), title=_("签到二维码"))
    context["can_rate"] = _can_rate(booking, context["status"], now, request.user)
    if context["can_rate"]:
        context.setdefault("rating_form", RatingForm())
    context.update(extra)
    return TemplateResponse(request, "bookings/detail.html", context, status=status)


@resident_required
def booking_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail(request, _own_booking(request, public_id))


@resident_required
def booking_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    booking = _own_booking(request, public_id)
    detail = reverse("bookings:booking_detail", args=[booking.public_id])
    if request.method != "POST":
        return redirect(detail)
    if not confirmed(request):
        ask = confirmation(
            question=_("确定取消这个预约吗？"),
            label=_("确认取消预约"),
            fields={},
            cancel_url=detail,
            detail=_("%(when)s %(room)s。取消后这个时段会让给别人，想用需要重新预约。")
            % {"when": _describe(booking, timezone.now())["when"], "room": booking.room.name},
        )
        ask["action"] = reverse("bookings:booking_cancel", args=[booking.public_id])
        return _detail(request, booking, confirm=ask)
    try:
        cancel_service(user=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(detail)
    messages.success(request, _("已取消预约。"))
    return redirect(detail)


@resident_required
def booking_rate(request: HttpRequest, public_id: str) -> HttpResponse:
    booking = _own_booking(request, public_id)
    detail = reverse("bookings:booking_detail", args=[booking.public_id])
    if request.method != "POST":
        return redirect(detail)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating_create(
                user=request.user,
                venue=booking.venue,
                local_date=booking.local_date,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("谢谢您的评价！"))
            return redirect(detail)
    return _detail(request, booking, rating_form=form)
