"""A group leader's weekly series pages: the form, its preview (each date bookable or
skipped with the reason), the confirmation, and the series page (cancel one date or all
that remain, each in two steps).

Each view parses input and calls the same service as the API (bookings.series_api); on a
DomainError the form is shown again with the message next to the field.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import resident_required
from bookings.models import BookingSeries, Status
from bookings.selectors.bookings import PUBLIC_ID
from bookings.selectors.series import series_bookings, series_get, series_of_group
from bookings.series_forms import FIELD_MAP, SeriesForm
from bookings.services.bookings import booking_cancel
from bookings.services.series import (
    series_cancel,
    series_create,
    series_preview,
    series_remaining,
    weekdays_of,
)
from bookings.states import effective_status
from linli.dates import weekday_name
from linli.errors import DomainError, NotFound
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed
from scenes.models import GroupMembership
from scenes.selectors import groups as group_selectors

CONFIRM_STEP = "confirm"


def _led_group(request: HttpRequest, group_id: int):
    try:
        group = group_selectors.group_get(group_id=group_id)
    except NotFound:
        raise Http404 from None
    if group_selectors.group_role(group=group, user=request.user) != GroupMembership.Role.LEADER:
        raise DjangoPermissionDenied
    return group


def _resubmit_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What the preview's confirm button posts again: the form as typed."""
    return [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "step")
        for value in request.POST.getlist(name)
    ]


@resident_required
def series_new(request: HttpRequest, group_id: int) -> HttpResponse:
    group = _led_group(request, group_id)
    form = SeriesForm(request.POST or None, group=group)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("step") == CONFIRM_STEP:
                series = series_create(user=request.user, group=group, **form.inputs())
                booked = series.bookings.count()
                flash = ngettext("已预约 %(n)d 次。", "已预约 %(n)d 次。", booked) % {"n": booked}
                if series.skipped:
                    flash += " " + _("有 %(n)s 个日期未能预约，原因见下方。") % {
                        "n": len(series.skipped)
                    }
                messages.success(request, flash)
                return redirect("bookings:series-detail", public_id=series.public_id)
            plan = series_preview(user=request.user, group=group, **form.inputs())
        except DomainError as exc:
            add_domain_error(form, exc, field_map=FIELD_MAP)
            plan = None
    context = {
        "group": group,
        "form": form,
        "plan": plan,
        "resubmit": _resubmit_fields(request) if plan else [],
        "existing": series_of_group(group=group),
    }
    return TemplateResponse(request, "bookings/series/new.html", context)


def _series(request: HttpRequest, public_id: str) -> BookingSeries:
    try:
        return series_get(user=request.user, public_id=public_id)
    except NotFound:
        raise Http404 from None


def _skipped_rows(series: BookingSeries) -> list[dict]:
    rows = []
    for row in series.skipped:
        day = dt.date.fromisoformat(row["date"])
        rows.append({**row, "day": day})
    return rows


def _detail(request: HttpRequest, series: BookingSeries, **extra) -> HttpResponse:
    now = timezone.now()
    is_organiser = series.organiser_id is not None and series.organiser_id == request.user.pk
    rows = []
    for booking in series_bookings(series):
        status = effective_status(booking, now)
        can_cancel = (
            is_organiser
            and status in (Status.PENDING, Status.CONFIRMED)
            and now <= booking.cancel_deadline
        )
        rows.append(
            {
                "booking": booking,
                "starts_at": booking.starts_at.astimezone(series.venue.zone),
                "ends_at": booking.ends_at.astimezone(series.venue.zone),
                "status": Status(status),
                "can_cancel": can_cancel,
            }
        )
    context = {
        "series": series,
        "weekdays": [weekday_name(d) for d in weekdays_of(series.weekdays)],
        "rows": rows,
        "skipped": _skipped_rows(series),
        "can_cancel_all": is_organiser and bool(series_remaining(series, now)),
        **extra,
    }
    return TemplateResponse(request, "bookings/series/detail.html", context)


@resident_required
def series_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail(request, _series(request, public_id))


@require_POST
@resident_required
def series_cancel_date(request: HttpRequest, public_id: str, booking_id: str) -> HttpResponse:
    series = _series(request, public_id)
    booking = (
        series.bookings.select_related("venue").filter(public_id=booking_id).first()
        if PUBLIC_ID.fullmatch(booking_id)
        else None
    )
    if booking is None:
        raise Http404
    if not confirmed(request):
        return _detail(
            request,
            series,
            confirm_booking=booking.pk,
            confirm=confirmation(
                question=_("确定取消 %(when)s 这一次吗？")
                % {"when": f"{booking.starts_at.astimezone(series.venue.zone):%m-%d %H:%M}"},
                detail=_("系列里的其他日期不受影响。"),
                label=_("确认取消这一次"),
                fields={},
                cancel_url=series_url(series),
            ),
        )
    try:
        booking_cancel(user=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已取消这一次。"))
    return redirect(series_url(series))


@require_POST
@resident_required
def series_cancel_all(request: HttpRequest, public_id: str) -> HttpResponse:
    series = _series(request, public_id)
    if not confirmed(request):
        count = len(series_remaining(series, timezone.now()))
        return _detail(
            request,
            series,
            confirm=confirmation(
                question=ngettext(
                    "确定取消还没开始的 %(n)d 次吗？", "确定取消还没开始的 %(n)d 次吗？", count
                )
                % {"n": count},
                detail=_("已经开始或结束的不受影响。取消后时段会让给邻居。"),
                label=_("确认全部取消"),
                fields={},
                cancel_url=series_url(series),
            ),
        )
    try:
        cancelled = series_cancel(user=request.user, series=series)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            ngettext("已取消 %(n)d 次。", "已取消 %(n)d 次。", len(cancelled))
            % {"n": len(cancelled)},
        )
    return redirect(series_url(series))


def series_url(series: BookingSeries) -> str:
    from django.urls import reverse

    return reverse("bookings:series-detail", kwargs={"public_id": series.public_id})
