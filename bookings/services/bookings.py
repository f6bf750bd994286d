"""Writes for bookings: create, cancel, approve, reject, record lapsed ones.

Every write follows scenes.services.scenes.scene_create: check permission, validate, take
the venue lock (spaces.locks) inside one transaction, re-read what the decision depends
on (the timeline, holding bookings, published events), check, then write. The database
refuses an overlap on its own as well (migration 0002), which the lock makes rare: the
insert skips the row on PostgreSQL (ON CONFLICT) and SQLite's trigger raises; either is
answered as the same 409 ``overlap`` (``_insert``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import notifications, rules
from bookings.models import Booking, BookingSeries, Status
from bookings.services import reads
from bookings.states import effective_status, holds, is_lapsed, lapsed_q
from linli import rows
from linli.errors import Conflict, DomainError, NotFound, PermissionDenied
from scenes.choices import WhoMayBook
from scenes.models import Group, GroupMembership
from scenes.resolution import room_timeline
from scenes.selectors.groups import group_can_book_at
from scenes.services.group_invitations import require_resident
from spaces.locks import room_lock, venue_lock
from spaces.models import Room
from spaces.permissions import venue_can_operate, venue_is_visible

ONE_DAY = dt.timedelta(days=1)
REASON_MAX = 200
CODE_DRAWS = 10  # a venue books a few hundred a day of a million codes: one draw, nearly always


def _overlap_error(what: str = "") -> Conflict:
    return Conflict(
        what or _("这个时段刚刚被别人约走了，请另选时段。"), code="overlap", field="starts_at"
    )


def timeline_around(
    room: Room, starts_at: dt.datetime, ends_at: dt.datetime, *, locked: bool = False
):
    """The room's timeline covering [starts_at, ends_at), from the day before (an
    overnight scene that began then). ``locked``: ``room.venue`` is the row read under
    the venue lock, so its schedule token is current (no need to read it again)."""
    zone = room.venue.zone
    first = starts_at.astimezone(zone).date() - ONE_DAY
    last = ends_at.astimezone(zone).date() + ONE_DAY
    token = room.venue.schedule_token if locked else None
    return room_timeline(room=room, start=first, end=last, schedule_token=token)


def record_lapsed(*, venue=None, ids=None, now: dt.datetime) -> list[Booking]:
    """Write down the no-shows and lapsed requests that are already true at ``now``
    (bookings.states) at the given venue or among the given bookings (``ids``, a batch);
    returns the no-shows recorded. The caller holds the venue lock."""
    qs = Booking.objects.filter(lapsed_q(now))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if venue is not None:
        qs = qs.filter(venue=venue)
    return _record_lapsed(list(qs.values_list("pk", "status")), now)  # usually none


def _record_lapsed(found: list[tuple[int, str]], now: dt.datetime) -> list[Booking]:
    """``record_lapsed`` for the (pk, recorded status) pairs found lapsed."""
    if not found:
        return []
    no_show_ids = [pk for pk, status in found if status == Status.CONFIRMED]
    lapsed = [pk for pk, status in found if status == Status.PENDING]
    no_shows = list(Booking.objects.filter(pk__in=no_show_ids).select_related("venue", "room"))
    Booking.objects.filter(pk__in=no_show_ids).update(
        status=Status.NO_SHOW, no_show_recorded_at=now
    )
    Booking.objects.filter(pk__in=lapsed).update(
        status=Status.REJECTED, decided_at=now, reason=_("运营方未在签到截止前审核。")
    )
    for booking in no_shows:
        booking.status = Status.NO_SHOW
        notifications.queue(booking, "no_show")
    # The resident was promised a text with the operator's decision: the lapse is one.
    for booking in Booking.objects.filter(pk__in=lapsed):
        notifications.queue(booking, "rejected")
    return no_shows


def _new_code(taken: set[str] | None = None) -> str:
    """Six digits the desk can type. Unique among the venue's bookings that day: the
    database's constraint (bookings_booking_code_per_day) refuses a repeat and
    ``_insert`` draws again, cheaper than reading the day's codes first. A caller writing
    many bookings (bookings.ledger) passes the day's ``taken`` codes instead, read once;
    the new code is added to it."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if taken is None:
            return code
        if code not in taken:
            taken.add(code)
            return code


def _check_group(*, user, group: Group | None, venue) -> tuple[bool, bool]:
    if group is None:
        return False, False
    is_leader = GroupMembership.objects.filter(
        group=group, user=user, role=GroupMembership.Role.LEADER
    ).exists()
    return is_leader, group_can_book_at(group=group, venue=venue)


def booking_check(
    *,
    user,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: int,
    group: Group | None = None,
    now: dt.datetime,
    segments=None,
    personal_limit: bool = True,
    locked: bool = False,
    active: list[int] | None = None,
) -> rules.Placement:
    """Everything a booking must satisfy except what it competes for (overlaps), raised
    as one DomainError listing every problem. Used by create and by the series preview.
    ``locked``: see ``timeline_around``. ``active``: the resident's active bookings'
    scenes when the caller read them already (reads.before_insert)."""
    if ends_at <= starts_at:
        raise DomainError(_("结束时间须晚于开始时间。"), code="end_before_start", field="ends_at")
    if not room.is_bookable:
        raise DomainError(
            _("这个功能室不接受预约，可直接到场。"), code="room_not_bookable", field="room"
        )
    venue = room.venue
    if segments is None:
        segments = timeline_around(room, starts_at, ends_at, locked=locked)
    place = rules.placement(segments, starts_at, ends_at)
    # Operating the venue matters for staff-only time, and lets staff without a phone book
    # at all; a resident booking any other time needs no query for it.
    is_staff = False
    if place.rules.who_may_book == WhoMayBook.STAFF or not getattr(user, "is_resident", False):
        is_staff = venue_can_operate(user=user, venue=venue)
    if not is_staff:
        require_resident(user)  # staff book staff-only time; everyone else is a resident
    is_leader, approved = _check_group(user=user, group=group, venue=venue)
    problems = rules.who_problems(
        place.rules,
        user=user,
        group=group,
        is_leader=is_leader,
        group_approved=approved,
        is_staff=is_staff,
    )
    problems += rules.time_problems(
        place.rules, starts_at=starts_at, ends_at=ends_at, now=now, zone=venue.zone
    )
    problems += rules.people_problems(place.rules, people)
    if personal_limit and group is None:
        limit = place.rules.max_active_bookings
        scenes = active if active is not None else reads.active_scene_ids(user.pk, now)
        count = sum(1 for scene_id in scenes if scene_id == place.segment.scene.pk)
        if count >= limit:
            problems.append(
                rules.Problem(
                    "starts_at",
                    "active_limit",
                    _(
                        "您已有 %(count)s 个未使用的预约，这个时段每人最多 %(limit)s 个；"
                        "用完或取消后再约。"
                    )
                    % {"count": count, "limit": limit},
                )
            )
    rules.raise_problems(problems)
    return place


def _claims(before: reads.Before, now) -> tuple[str | None, list[tuple[int, str]]]:
    """Why the slot is taken (None when it is free), and the lapsed bookings over it:
    they no longer hold it, but the database's guard still sees their recorded state, so
    they are written down before the insert. From what reads.before_insert read: the
    room's rows recorded as holding there, sorted here by bookings.states, and whether a
    published event is over the time."""
    recorded, event = before.recorded, before.event
    lapsed = []
    for row in recorded:
        if holds(row, now):
            return _("这个时段刚刚被别人约走了，请另选时段。"), []
        if is_lapsed(row, now):
            lapsed.append((row.pk, row.status))
    if event:
        return _("这个时段已安排活动，请另选时段。"), []
    return None, lapsed


def _insert(booking: Booking) -> None:
    """Save the new ``booking``, drawing another desk code while its own is taken.

    ``ON CONFLICT DO NOTHING`` (linli.rows): a refused row is skipped rather than failing
    the transaction, so no savepoint is needed around it. What refused it is then looked
    up: the day's desk code (draw again) or, on PostgreSQL, the overlap exclusion
    constraint. SQLite's overlap triggers are not conflicts and still raise."""
    for _attempt in range(CODE_DRAWS):
        try:
            written = rows.insert(booking, skip_conflicts=True)
        except IntegrityError as exc:
            if "overlap" in str(exc):
                raise _overlap_error() from exc
            raise
        if written:
            return
        taken = Booking.objects.filter(
            venue_id=booking.venue_id, local_date=booking.local_date, code=booking.code
        ).exists()
        if not taken:
            raise _overlap_error()
        booking.code = _new_code()
    raise IntegrityError(f"no free desk code in {CODE_DRAWS} draws")


def booking_create(
    *,
    user,
    room: Room | int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: int,
    purpose: str,
    group: Group | None = None,
    series: BookingSeries | None = None,
    now: dt.datetime | None = None,
    savepoint: bool = True,
) -> Booking:
    """Book [starts_at, ends_at) in ``room`` (the Room or its id; read again under the
    lock either way): pending or confirmed per the scene's rules, priced by the server.
    Raises NotFound ``room_not_found`` (404) for a missing room or one in a venue not
    published yet (but to its operators), DomainError (422/403) for any rule, Conflict
    ``overlap`` (409) when the time is taken.

    ``savepoint=False``: called inside a transaction that fails with this booking
    (bookings.idempotency's, around the key's row), so it needs no savepoint of its
    own: two statements fewer. A caller that goes on after a failed booking (a series)
    keeps the default."""
    if not (user and user.is_authenticated and user.is_active):
        require_resident(user)  # 403 not_resident: sign in first
    purpose = (purpose or "").strip()
    rules.raise_problems(rules.purpose_problems(purpose))
    with transaction.atomic(savepoint=savepoint):
        # The venue lock, and the room and its venue as they are under it (one statement).
        room = room_lock(room if isinstance(room, int) else room.pk)
        venue = room.venue
        if not venue_is_visible(user=user, venue=venue):
            raise NotFound(_("找不到该功能室。"), code="room_not_found", field="room")
        now = now or timezone.now()
        # Everything else the decision reads from the database, in one statement.
        before = reads.before_insert(
            user_id=user.pk,
            room_id=room.pk,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            active=series is None and group is None,
        )
        place = booking_check(
            user=user,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            people=people,
            group=group,
            now=now,
            locked=True,
            personal_limit=series is None,
            active=before.active,
        )
        taken, lapsed = _claims(before, now)
        if taken:
            raise _overlap_error(taken)
        _record_lapsed(lapsed, now)
        r = place.rules
        local_date = starts_at.astimezone(venue.zone).date()
        booking = Booking(
            venue=venue,
            room=room,
            scene=place.segment.scene,
            scene_kind=place.segment.scene.kind,
            resident=user,
            visitor=before.visitor or reads.visitor_key(user, missing=True),
            group=group,
            series=series,
            starts_at=starts_at.astimezone(dt.UTC),
            ends_at=ends_at.astimezone(dt.UTC),
            local_date=local_date,
            people=people,
            purpose=purpose,
            status=Status.PENDING if r.requires_approval else Status.CONFIRMED,
            code=_new_code(),
            price_fen=rules.price_fen(r, starts_at, ends_at),
            **rules.windows(r, starts_at, ends_at),
        )
        _insert(booking)
        if booking.status == Status.CONFIRMED:
            notifications.queue(booking, "confirmed")
    return booking


def _locked(booking: Booking) -> Booking:
    venue_lock(booking.venue_id)
    return Booking.objects.select_related("venue", "room", "resident").get(pk=booking.pk)


def _require_operator(user, booking: Booking) -> None:
    if not venue_can_operate(user=user, venue=booking.venue):
        raise PermissionDenied(_("只有该场馆的运营方可以进行此操作。"), code="forbidden")


def _state_error(booking: Booking, now: dt.datetime, action: str) -> Conflict:
    state = Status(effective_status(booking, now)).label
    messages = {
        "cancel": _("这个预约现在是“%(state)s”，不能取消。"),
        "approve": _("这个预约现在是“%(state)s”，不能再审核通过。"),
        "reject": _("这个预约现在是“%(state)s”，不能再拒绝。"),
    }
    return Conflict(messages[action] % {"state": state}, code="invalid_state")


def booking_cancel(
    *,
    user,
    booking: Booking,
    reason: str = "",
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Booking:
    """The resident cancels before the deadline; an operator of the venue cancels any
    confirmed booking with a reason, and the resident is told (unless ``notify`` is
    False: a caller cancelling many dates of one series sends one text for them all)."""
    reason = (reason or "").strip()[:REASON_MAX]
    with transaction.atomic():
        booking = _locked(booking)
        now = now or timezone.now()
        is_owner = booking.resident_id is not None and booking.resident_id == user.pk
        is_operator = venue_can_operate(user=user, venue=booking.venue)
        if not (is_owner or is_operator):
            raise PermissionDenied(_("只能取消自己的预约。"), code="forbidden")
        if effective_status(booking, now) not in (Status.PENDING, Status.CONFIRMED):
            raise _state_error(booking, now, "cancel")
        by_operator = is_operator and not is_owner
        if by_operator and booking.status == Status.PENDING:
            # DOMAIN.md: a request is confirmed or rejected by the operator, not cancelled.
            raise Conflict(_("这个预约还在等待审核，请用“拒绝”并写明原因。"), code="use_reject")
        if by_operator and not reason:
            raise DomainError(
                _("请写明取消原因，我们会短信告知预约人。"), code="required", field="reason"
            )
        if not by_operator and now > booking.cancel_deadline:
            raise DomainError(
                _("已过取消截止时间（%(when)s），如需取消请联系场馆。")
                % {"when": f"{booking.cancel_deadline.astimezone(booking.venue.zone):%m-%d %H:%M}"},
                code="cancel_deadline_passed",
            )
        booking.status = Status.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by_operator = by_operator
        booking.reason = reason
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by_operator", "reason"])
        if by_operator and notify:
            notifications.queue(booking, "cancelled")
    return booking


def booking_approve(*, user, booking: Booking, now: dt.datetime | None = None) -> Booking:
    with transaction.atomic():
        booking = _locked(booking)
        _require_operator(user, booking)
        now = now or timezone.now()
        if effective_status(booking, now) != Status.PENDING:
            raise _state_error(booking, now, "approve")
        booking.status = Status.CONFIRMED
        booking.decided_at, booking.decided_by = now, user
        booking.save(update_fields=["status", "decided_at", "decided_by"])
        notifications.queue(booking, "confirmed")
    return booking


def booking_reject(
    *, user, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    with transaction.atomic():
        booking = _locked(booking)
        _require_operator(user, booking)
        now = now or timezone.now()
        if effective_status(booking, now) != Status.PENDING:
            raise _state_error(booking, now, "reject")
        booking.status = Status.REJECTED
        booking.decided_at, booking.decided_by = now, user
        booking.reason = (reason or "").strip()[:REASON_MAX]
        booking.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        notifications.queue(booking, "rejected")
    return booking
