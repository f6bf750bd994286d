"""Check-ins at the desk and on the poster, walk-in headcounts, ratings and payments.

A check-in is one row (DOMAIN.md): who (a resident's visitor key, or nobody for an
operator's headcount of anonymous walk-ins), venue, room if known, instant, and what for.
Checking in twice for the same thing answers the first row (``created`` False), never a
second one: a booking has one CheckIn (OneToOne), an event registration one, a resident's
walk-in one per venue and local day (unique constraints back this up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking, CheckIn, PaymentMethod, Rating, Status
from bookings.states import effective_status
from bookings.visitors import visitor_key
from linli.dates import month_day, relative_time
from linli.errors import Conflict, DomainError, NotFound, PermissionDenied
from scenes.models import Event, EventRegistration
from scenes.services.group_invitations import require_resident
from spaces.locks import venue_lock
from spaces.models import Room, Venue
from spaces.permissions import venue_can_operate

RATING_DAYS = 7
COMMENT_MAX = 500
HEADCOUNT_MAX = 500
# Event attendees check in from this long before the start until the event ends.
EVENT_CHECKIN_BEFORE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool  # False: already checked in, nothing written
    booking: Booking | None = None


def _require_operator(user, venue: Venue) -> None:
    if not venue_can_operate(user=user, venue=venue):
        raise PermissionDenied(_("只有该场馆的运营方可以进行此操作。"), code="forbidden")


def _local_date(venue: Venue, at: dt.datetime) -> dt.date:
    return at.astimezone(venue.zone).date()


def window_error(*, opens: dt.datetime, closes: dt.datetime, now: dt.datetime, zone) -> DomainError:
    """Outside the check-in window: when it opens, or that it has closed."""
    local_now = now.astimezone(zone)
    if now < opens:
        return DomainError(
            _("还没到签到时间，%(when)s 开始可以签到。")
            % {"when": relative_time(opens, local_now)},
            code="checkin_not_open",
        )
    return DomainError(
        _("签到已于 %(when)s 截止。") % {"when": relative_time(closes, local_now)},
        code="checkin_closed",
    )


def _check_in_booking(booking: Booking, *, now, recorded_by) -> CheckInResult:
    existing = CheckIn.objects.filter(booking=booking).first()
    if existing is not None:
        return CheckInResult(existing, False, booking)
    state = effective_status(booking, now)
    if state == Status.PENDING:
        raise Conflict(_("这个预约还在等待审核，不能签到。"), code="not_confirmed")
    if state in (Status.CANCELLED, Status.REJECTED):
        raise Conflict(
            _("这个预约现在是“%(state)s”，不能签到。") % {"state": Status(state).label},
            code="invalid_state",
        )
    if not (booking.checkin_opens_at <= now < booking.checkin_closes_at):
        raise window_error(
            opens=booking.checkin_opens_at,
            closes=booking.checkin_closes_at,
            now=now,
            zone=booking.venue.zone,
        )
    checkin = CheckIn.objects.create(
        venue_id=booking.venue_id,
        room_id=booking.room_id,
        resident_id=booking.resident_id,
        visitor=booking.visitor,
        kind=CheckIn.Kind.BOOKING,
        booking=booking,
        at=now,
        local_date=_local_date(booking.venue, now),
        recorded_by=recorded_by,
    )
    booking.status = Status.CHECKED_IN
    booking.save(update_fields=["status"])
    return CheckInResult(checkin, True, booking)


def checkin_booking(*, user, booking: Booking, now: dt.datetime | None = None) -> CheckInResult:
    """The desk checks in ``booking`` (scanned QR or chosen from the arrivals list)."""
    with transaction.atomic():
        venue_lock(booking.venue_id)
        booking = Booking.objects.select_related("venue", "room").get(pk=booking.pk)
        _require_operator(user, booking.venue)
        return _check_in_booking(booking, now=now or timezone.now(), recorded_by=user)


def checkin_by_code(
    *, user, venue: Venue, code: str, now: dt.datetime | None = None
) -> CheckInResult:
    """The desk types the six-digit code from the resident's phone. The code is looked
    up among the venue's bookings of yesterday, today and tomorrow (codes are unique per
    venue and day), the one whose check-in window is nearest now first."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    _require_operator(user, venue)
    if len(code) != 6:
        raise DomainError(_("签到码是 6 位数字，请核对后重新输入。"), code="invalid", field="code")
    now = now or timezone.now()
    today = _local_date(venue, now)
    candidates = Booking.objects.filter(
        venue=venue,
        code=code,
        # An overnight booking began yesterday; one just after midnight opens today.
        local_date__in=[today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)],
    )

    def distance(b: Booking) -> dt.timedelta:
        if b.checkin_opens_at <= now < b.checkin_closes_at:
            return dt.timedelta(0)
        return min(abs(b.checkin_opens_at - now), abs(b.checkin_closes_at - now))

    booking = min(candidates, key=distance, default=None)
    if booking is None:
        raise NotFound(
            _("没有找到今天签到码为 %(code)s 的预约，请核对。") % {"code": code},
            code="booking_not_found",
            field="code",
        )
    return checkin_booking(user=user, booking=booking, now=now)


def checkin_walk_in(*, user, venue: Venue, now: dt.datetime | None = None) -> CheckInResult:
    """A signed-in resident scanned the venue's poster. A booking of theirs whose window
    is open is checked in, else an event they registered for that is about to start or
    running, otherwise it is a walk-in, once per day."""
    require_resident(user)
    with transaction.atomic():
        venue = venue_lock(venue)
        now = now or timezone.now()
        due = (
            Booking.objects.select_related("venue", "room")
            .filter(venue=venue, resident=user, checkin_opens_at__lte=now)
            # A booking already checked in, still running, answers a second scan with its
            # check-in (a no-op), not with a walk-in beside it.
            .filter(
                Q(status=Status.CONFIRMED, checkin_closes_at__gt=now)
                | Q(status=Status.CHECKED_IN, ends_at__gt=now)
            )
            .order_by("starts_at")
            .first()
        )
        if due is not None:
            return _check_in_booking(due, now=now, recorded_by=None)
        registration = (
            EventRegistration.objects.select_related("event", "event__venue")
            .filter(
                resident=user,
                status=EventRegistration.Status.REGISTERED,
                event__venue=venue,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__lte=now + EVENT_CHECKIN_BEFORE,
                event__ends_at__gt=now,
            )
            .order_by("event__starts_at")
            .first()
        )
        if registration is not None:
            return _check_in_registration(registration, now=now, recorded_by=None)
        key = visitor_key(user)
        day = _local_date(venue, now)
        existing = CheckIn.objects.filter(
            kind=CheckIn.Kind.WALK_IN, visitor=key, venue=venue, local_date=day
        ).first()
        if existing is not None:
            return CheckInResult(existing, False)
        checkin = CheckIn.objects.create(
            venue=venue,
            resident=user,
            visitor=key,
            kind=CheckIn.Kind.WALK_IN,
            at=now,
            local_date=day,
        )
        return CheckInResult(checkin, True)


def walk_in_count(
    *,
    user,
    venue: Venue,
    headcount: int,
    room: Room | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """The desk counts anonymous walk-ins: one row with their headcount."""
    _require_operator(user, venue)
    if not isinstance(headcount, int) or not 1 <= headcount <= HEADCOUNT_MAX:
        raise DomainError(
            _("人数须在 1 到 %(max)s 之间。") % {"max": HEADCOUNT_MAX},
            code="invalid",
            field="headcount",
        )
    if room is not None and room.venue_id != venue.pk:
        raise NotFound(_("找不到该功能室。"), code="room_not_found", field="room")
    now = now or timezone.now()
    with transaction.atomic():
        venue_lock(venue)
        return CheckIn.objects.create(
            venue=venue,
            room=room,
            kind=CheckIn.Kind.WALK_IN,
            headcount=headcount,
            at=now,
            local_date=_local_date(venue, now),
            recorded_by=user,
        )


def walk_in_count_undo(*, user, checkin: CheckIn) -> None:
    """Remove a headcount entered by mistake (the desk's undo)."""
    _require_operator(user, checkin.venue)
    if checkin.resident_id is not None or checkin.kind != CheckIn.Kind.WALK_IN:
        raise DomainError(_("只能撤销匿名到访人数。"), code="invalid")
    checkin.delete()


def _check_in_registration(
    registration: EventRegistration, *, now: dt.datetime, recorded_by
) -> CheckInResult:
    event: Event = registration.event
    existing = CheckIn.objects.filter(registration=registration).first()
    if existing is not None:
        return CheckInResult(existing, False)
    if registration.status != EventRegistration.Status.REGISTERED:
        raise Conflict(_("这位居民没有报上名，不能签到。"), code="invalid_state")
    if event.status != Event.Status.PUBLISHED:
        raise Conflict(_("该活动已取消。"), code="event_cancelled")
    opens = event.starts_at - EVENT_CHECKIN_BEFORE
    if not (opens <= now < event.ends_at):
        raise window_error(opens=opens, closes=event.ends_at, now=now, zone=event.venue.zone)
    resident = registration.resident
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                venue_id=event.venue_id,
                room_id=event.room_id,
                resident=resident,
                visitor=visitor_key(resident),
                kind=CheckIn.Kind.EVENT,
                registration=registration,
                event=event,
                at=now,
                local_date=_local_date(event.venue, now),
                recorded_by=recorded_by,
            )
    except IntegrityError:
        existing = CheckIn.objects.get(kind=CheckIn.Kind.EVENT, event=event, resident=resident)
        return CheckInResult(existing, False)
    return CheckInResult(checkin, True)


def checkin_registration(
    *, user, registration: EventRegistration, now: dt.datetime | None = None
) -> CheckInResult:
    """The desk checks in an event attendee, from 30 minutes before the start until the
    event ends (a resident scanning the poster in that window is checked in the same way)."""
    _require_operator(user, registration.event.venue)
    with transaction.atomic():
        venue_lock(registration.event.venue_id)
        return _check_in_registration(registration, now=now or timezone.now(), recorded_by=user)


def rating_create(
    *,
    user,
    venue: Venue,
    local_date: dt.date,
    score: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """Rate a visit (the resident checked in at ``venue`` on ``local_date``) 1-5, once,
    within 7 days."""
    require_resident(user)
    comment = (comment or "").strip()
    problems: dict[str, list[str]] = {}
    if not isinstance(score, int) or not 1 <= score <= 5:
        problems["score"] = [_("请选择 1 到 5 颗星。")]
    if len(comment) > COMMENT_MAX:
        problems["comment"] = [
            _("留言最多 %(max)s 个字（现在 %(count)s 个）。")
            % {"max": COMMENT_MAX, "count": len(comment)}
        ]
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, code="invalid", fields=problems)
    now = now or timezone.now()
    key = visitor_key(user)
    with transaction.atomic():
        if not CheckIn.objects.filter(visitor=key, venue=venue, local_date=local_date).exists():
            raise DomainError(
                _("%(day)s 没有您在这里的签到记录，签到后才能评价。")
                % {"day": month_day(local_date)},
                code="no_visit",
            )
        today = _local_date(venue, now)
        if (today - local_date).days > RATING_DAYS:
            raise DomainError(
                _("到访 7 天内可以评价，%(day)s 的到访已过评价期限。")
                % {"day": month_day(local_date)},
                code="rating_closed",
            )
        if Rating.objects.filter(visitor=key, venue=venue, local_date=local_date).exists():
            raise Conflict(_("这次到访您已经评价过了，谢谢！"), code="already_rated")
        try:
            with transaction.atomic():
                return Rating.objects.create(
                    venue=venue,
                    resident=user,
                    visitor=key,
                    local_date=local_date,
                    score=score,
                    comment=comment,
                    created_at=now,
                )
        except IntegrityError:
            raise Conflict(_("这次到访您已经评价过了，谢谢！"), code="already_rated") from None


def booking_record_payment(
    *,
    user,
    booking: Booking,
    method: str,
    paid_fen: int | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """The desk records how a paid booking was settled (cash, WeChat, Alipay or waived),
    so commercial income is on record. ``paid_fen`` defaults to the price (0 if waived)."""
    _require_operator(user, booking.venue)
    if method not in PaymentMethod.values:
        raise DomainError(_("请选择付款方式。"), code="invalid", field="method")
    if method == PaymentMethod.WAIVED:
        paid_fen = 0
    elif paid_fen is None:
        paid_fen = booking.price_fen
    if not isinstance(paid_fen, int) or paid_fen < 0 or paid_fen > 99_999_999:
        raise DomainError(_("请填写实收金额。"), code="invalid", field="paid_fen")
    with transaction.atomic():
        venue_lock(booking.venue_id)
        booking = Booking.objects.select_related("venue").get(pk=booking.pk)
        now = now or timezone.now()
        if booking.price_fen == 0:
            raise Conflict(_("这个预约免费，无需收款。"), code="not_paid_booking")
        if effective_status(booking, now) in (Status.REJECTED, Status.CANCELLED, Status.PENDING):
            raise Conflict(_("这个预约未生效，不能收款。"), code="invalid_state")
        if booking.payment_method:
            raise Conflict(_("这个预约已经记过收款。"), code="already_paid")
        booking.payment_method = method
        booking.paid_fen = paid_fen
        booking.paid_at = now
        booking.paid_recorded_by = user
        booking.save(update_fields=["payment_method", "paid_fen", "paid_at", "paid_recorded_by"])
    return booking
