"""The operator's desk for one venue and day: check-in by code, arrivals, approvals,
event attendees, the walk-in counter, no-shows and payments.

One page, one region (#operate-region, linli/pages.py): every form on it posts to the
page with an ``action`` and the region comes back refreshed, so a check-in by code also
updates the arrivals list. Each action calls one service; its DomainError is shown next
to the field it names (or above the lists for a button), keeping what was typed.
Rejecting a request and undoing a headcount take two steps (linli.pages.confirmation).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import desk_words
from bookings.desk_forms import CodeForm, DayForm, PaymentForm, RejectForm, WalkInForm
from bookings.models import Booking, PaymentMethod
from bookings.selectors.desk import anonymous_walk_ins, desk_day, yuan
from bookings.services import bookings as booking_services
from bookings.services import checkins
from linli.errors import DomainError
from linli.forms import add_domain_error
from linli.pages import confirmation, confirmed, id_or_404, render_region, saved
from scenes.models import EventRegistration
from spaces.models import Venue
from spaces.operator_views import REGION, operator_view
from spaces.selectors import local_today

TEMPLATE = "bookings/desk/desk.html"


class Desk:
    """One request to the desk: the day shown, the forms as posted, what to ask or say."""

    def __init__(self, request: HttpRequest, venue: Venue):
        self.request, self.venue = request, venue
        self.today = local_today(venue)
        self.day_form = DayForm(request.GET or None)
        self.day = self.today
        if self.day_form.is_bound and self.day_form.is_valid():
            self.day = self.day_form.cleaned_data["date"] or self.today
        query = "" if self.day == self.today else f"?date={self.day.isoformat()}"
        self.url = reverse("bookings:desk", kwargs={"venue_id": venue.pk}) + query
        self.code_form: CodeForm | None = None
        self.walk_in_form: WalkInForm | None = None
        self.bound: dict[str, object] = {}  # prefix -> a posted per-booking form
        self.error = ""  # a button's failure (check-in outside its window, ...)
        self.error_target = ""
        self.confirm: dict | None = None
        self.confirm_target = ""
        # Which section the last action belongs to: its result is said there, where the
        # operator is looking, not at the top of a long page.
        self.section = ""
        self.saved_target = ""  # or the row it belongs to (a check-in button, a payment)

    # --- rendering -------------------------------------------------------------------------

    def render(self, **extra) -> HttpResponse:
        now = timezone.now()
        desk = desk_day(venue=self.venue, day=self.day, today=self.today, now=now)
        pending = [
            (row, self.bound.get(f"r{row.booking.pk}") or RejectForm(prefix=f"r{row.booking.pk}"))
            for row in desk.pending
        ]
        payments = [
            (row, self.bound.get(f"p{row.booking.pk}") or PaymentForm(prefix=f"p{row.booking.pk}"))
            for row in desk.payments
        ]
        context = {
            "venue": self.venue,
            "section": "desk",
            "desk": desk,
            "day_form": self.day_form,
            "desk_url": self.url,
            "previous_day": self.day - dt.timedelta(days=1),
            "next_day": self.day + dt.timedelta(days=1),
            "code_form": self.code_form or CodeForm(focus=self.section in ("", "code")),
            "walk_in_form": self.walk_in_form or WalkInForm(venue=self.venue),
            "pending": pending,
            "payments": payments,
            "desk_error": self.error,
            # A failed action whose row is gone (a request approved meanwhile) speaks at
            # the top of the desk instead of nowhere.
            "error_target": self.error_target if self.error_target in desk.error_keys() else "",
            "confirm": self.confirm,
            "confirm_target": self.confirm_target,
            "saved_section": "" if self.saved_target else self.section,
            "saved_target": self.saved_target,
            **extra,
        }
        return render_region(self.request, TEMPLATE, context, region_id=REGION)

    def done(self, message: str) -> HttpResponse:
        return saved(self.request, message, url=self.url, render=self.render)

    def failed(self, exc: DomainError, target: str = "") -> None:
        self.error, self.error_target = str(exc.message), target

    # --- lookups ---------------------------------------------------------------------------

    def booking(self) -> Booking:
        public_id = self.request.POST.get("booking", "")
        booking = (
            Booking.objects.select_related("venue", "room", "resident")
            .filter(venue=self.venue, public_id=public_id)
            .first()
        )
        if booking is None:
            raise Http404
        return booking

    # --- actions ---------------------------------------------------------------------------

    def act_code(self):
        self.code_form = form = CodeForm(self.request.POST, focus=True)
        if not form.is_valid():
            return None
        try:
            result = checkins.checkin_by_code(
                user=self.request.user, venue=self.venue, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            # Every answer is about the code typed: say it next to the input.
            form.add_error("code", str(exc.message))
            return None
        self.code_form = None
        return desk_words.desk_checkin_words(result)

    def act_checkin(self):
        booking = self.booking()
        try:
            result = checkins.checkin_booking(user=self.request.user, booking=booking)
        except DomainError as exc:
            return self.failed(exc, booking.public_id)
        self.saved_target = booking.public_id
        return desk_words.desk_checkin_words(result)

    def act_approve(self):
        booking = self.booking()
        try:
            booking_services.booking_approve(user=self.request.user, booking=booking)
        except DomainError as exc:
            return self.failed(exc, f"pending-{booking.public_id}")
        return _("已通过：%(what)s，已短信告知预约人。") % {
            "what": desk_words.booking_line(booking)
        }

    def act_reject(self):
        booking = self.booking()
        prefix = f"r{booking.pk}"
        self.bound[prefix] = form = RejectForm(self.request.POST, prefix=prefix)
        if not form.is_valid():
            return None
        reason = form.cleaned_data["reason"]
        if not confirmed(self.request):
            self.confirm_target = booking.public_id
            self.confirm = confirmation(
                question=_("确定拒绝 %(what)s 的预约吗？")
                % {"what": desk_words.booking_line(booking)},
                detail=_("预约人会收到短信：%(reason)s") % {"reason": reason},
                label=_("确认拒绝"),
                fields={
                    "action": "reject",
                    "booking": booking.public_id,
                    f"{prefix}-reason": reason,
                },
                cancel_url=self.url,
                region=REGION,
            )
            self.confirm["action"] = self.url
            return None
        try:
            booking_services.booking_reject(user=self.request.user, booking=booking, reason=reason)
        except DomainError as exc:
            return self.failed(exc, f"pending-{booking.public_id}")
        return _("已拒绝：%(what)s，已短信告知预约人。") % {
            "what": desk_words.booking_line(booking)
        }

    def act_pay(self):
        booking = self.booking()
        prefix = f"p{booking.pk}"
        self.bound[prefix] = form = PaymentForm(self.request.POST, prefix=prefix)
        if not form.is_valid():
            return None
        try:
            booking = checkins.booking_record_payment(
                user=self.request.user,
                booking=booking,
                method=form.cleaned_data["method"],
                paid_fen=form.paid_fen(),
            )
        except DomainError as exc:
            if exc.fields:
                add_domain_error(form, exc, field_map={"paid_fen": "paid"})
            else:  # about the booking (paid already, cancelled): said on its row
                self.failed(exc, f"pay-{booking.public_id}")
            return None
        self.saved_target = f"pay-{booking.public_id}"
        return _("已记录收款：%(method)s %(amount)s（%(what)s）") % {
            "method": PaymentMethod(booking.payment_method).label,
            "amount": yuan(booking.paid_fen or 0),
            "what": desk_words.booking_line(booking),
        }

    def act_walk_in(self):
        self.walk_in_form = form = WalkInForm(self.request.POST, venue=self.venue)
        if not form.is_valid():
            return None
        room = form.cleaned_data["room"]
        try:
            checkin = checkins.walk_in_count(
                user=self.request.user,
                venue=self.venue,
                headcount=form.cleaned_data["headcount"],
                room=room,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            return None
        self.walk_in_form = None
        where = f"（{room.name}）" if room else ""
        return _("已记录到访 %(n)s 人%(where)s。") % {"n": checkin.headcount, "where": where}

    def act_undo(self):
        checkin_id = id_or_404(self.request.POST.get("checkin"))
        last = anonymous_walk_ins(venue=self.venue, day=self.day).last()
        if last is None or last.pk != checkin_id:
            # Someone else counted since this page was drawn: undo only what is shown last.
            self.error = _("刚才有新的记录，请看清最后一条后再撤销。")
            self.error_target = "walk-in"
            return None
        what = _("%(n)s 人（%(time)s 记录）") % {
            "n": last.headcount,
            "time": f"{last.at.astimezone(self.venue.zone):%H:%M}",
        }
        if not confirmed(self.request):
            self.confirm_target = "walk-in"
            self.confirm = confirmation(
                question=_("撤销最后一条到访记录：%(what)s？") % {"what": what},
                label=_("确认撤销"),
                fields={"action": "undo", "checkin": last.pk},
                cancel_url=self.url,
                region=REGION,
            )
            self.confirm["action"] = self.url
            return None
        try:
            checkins.walk_in_count_undo(user=self.request.user, checkin=last)
        except DomainError as exc:
            return self.failed(exc, "walk-in")
        return _("已撤销：%(what)s。") % {"what": what}

    def act_attendee(self):
        registration_id = id_or_404(self.request.POST.get("registration"))
        registration = (
            EventRegistration.objects.select_related("event__venue", "resident")
            .filter(pk=registration_id, event__venue=self.venue)
            .first()
        )
        if registration is None:
            raise Http404
        try:
            result = checkins.checkin_registration(
                user=self.request.user, registration=registration
            )
        except DomainError as exc:
            return self.failed(exc, f"registration-{registration.pk}")
        self.saved_target = f"registration-{registration.pk}"
        return desk_words.desk_checkin_words(result)


ACTIONS = {
    "code": Desk.act_code,
    "checkin": Desk.act_checkin,
    "approve": Desk.act_approve,
    "reject": Desk.act_reject,
    "pay": Desk.act_pay,
    "walk_in": Desk.act_walk_in,
    "undo": Desk.act_undo,
    "attendee": Desk.act_attendee,
}

SECTIONS = {
    "code": "code",
    "checkin": "arrivals",
    "approve": "pending",
    "reject": "pending",
    "pay": "payments",
    "walk_in": "walk-in",
    "undo": "walk-in",
    "attendee": "events",
}


@operator_view
def desk(request: HttpRequest, venue: Venue) -> HttpResponse:
    page = Desk(request, venue)
    if request.method != "POST":
        return page.render()
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise Http404
    page.section = SECTIONS[request.POST["action"]]
    message = action(page)
    if message:
        return page.done(message)
    return page.render()
