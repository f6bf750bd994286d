"""Every scene rule a booking must follow, enforced in one place.

The rules are declared once in scenes.booking_rules (what each means) and resolved per
room and time by scenes.resolution (a Segment carries the EffectiveRules in force). This
module is the only code that decides whether a booking, or a slot of the availability
grid, is allowed; services (API and pages alike) and the availability selector call it.

Each check returns Problems (field, code, message) so a form can show all of them at
once; ``raise_problems`` turns them into one DomainError whose code is the first one's.
Checks that need the database (overlaps, the active-booking limit) live in the services,
under the venue lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from linli.dates import month_day, relative_time
from linli.errors import DomainError, PermissionDenied
from scenes.booking_rules import RULES_BY_NAME
from scenes.choices import WhoMayBook
from scenes.resolution import CLOSED, OPEN, Segment, segments_between
from scenes.rules import Problem

UTC = dt.UTC
MAX_RANGE_DAYS = 31
# No booking lasts longer than the longest allowed duration (scenes.booking_rules), so one
# overlapping [start, end) began after start - LONGEST: the lower bound that lets the
# (room, starts_at) index find overlaps without reading the room's whole history.
LONGEST = dt.timedelta(minutes=RULES_BY_NAME["max_duration_minutes"].high)


@dataclass(frozen=True, slots=True)
class Placement:
    """The bookable stretch of a scene a booking lies in, and the grid it lies on."""

    segment: Segment
    start: dt.datetime  # UTC, the stretch (consecutive segments of one scene) it lies in
    end: dt.datetime
    anchor: dt.datetime  # UTC, the scene's start that day: the grid's origin

    @property
    def rules(self):
        return self.segment.rules


def raise_problems(problems: list[Problem], *, status: int | None = None) -> None:
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    first = problems[0]
    raise DomainError(first.message, code=first.code, status=status, fields=fields)


def _anchor(segment: Segment) -> dt.datetime:
    """The start of the scene occurrence ``segment`` belongs to (UTC)."""
    start = segment.start
    anchor = dt.datetime.combine(start.date(), segment.scene.starts, tzinfo=start.tzinfo)
    if anchor > start:
        anchor -= dt.timedelta(days=1)
    return anchor.astimezone(UTC)


def stretches(segments: list[Segment]) -> list[Placement]:
    """Bookable scene time as maximal runs of consecutive segments of one scene, each with
    its grid origin. Only scene segments whose rules take bookings count."""
    runs: list[Placement] = []
    for g in segments:
        if g.scene is None or g.state == CLOSED or g.rules is None or not g.rules.bookable:
            continue
        s, e = g.start.astimezone(UTC), g.end.astimezone(UTC)
        last = runs[-1] if runs else None
        if last and last.segment.scene.pk == g.scene.pk and last.end == s:
            runs[-1] = Placement(last.segment, last.start, e, last.anchor)
        else:
            runs.append(Placement(g, s, e, _anchor(g)))
    return runs


def placement(segments: list[Segment], starts_at: dt.datetime, ends_at: dt.datetime) -> Placement:
    """Where [starts_at, ends_at) lies: inside one bookable stretch of one scene, on its
    grid; otherwise a DomainError saying what is there instead."""
    s, e = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    for run in stretches(segments):
        if run.start <= s and e <= run.end:
            slot = dt.timedelta(minutes=run.rules.slot_minutes)
            if (s - run.anchor) % slot or (e - s) % slot:
                raise DomainError(
                    _("请按 %(minutes)s 分钟一格选择时段（如 %(example)s 开始）。")
                    % {
                        "minutes": run.rules.slot_minutes,
                        "example": f"{run.anchor.astimezone(starts_at.tzinfo):%H:%M}",
                    },
                    code="off_grid",
                    field="starts_at",
                )
            return run
    touched = segments_between(segments, s, e)
    if any(g.state == CLOSED and g.scene is None for g in touched) or not touched:
        message, code = _("这个时间不在开放时间内，请另选时段。"), "outside_opening_hours"
    elif any(g.state == CLOSED for g in touched):
        message, code = _("这个时间暂停开放，请另选时段。"), "scene_closed"
    elif any(g.state == OPEN for g in touched) or any(
        g.rules is not None and not g.rules.bookable for g in touched
    ):
        message, code = _("这个时间不接受预约，可直接到场。"), "not_bookable"
    else:
        message, code = _("预约不能跨越两个场景，请分开预约。"), "spans_scenes"
    raise DomainError(message, code=code, field="starts_at")


def who_problems(rules, *, user, group, is_leader: bool, group_approved: bool, is_staff: bool):
    """Who may book (scenes.booking_rules "who_may_book"), and on whose behalf."""
    if group is not None:
        if not is_leader:
            raise PermissionDenied(
                _("只有自组织负责人可以为自组织预约。"), code="not_group_leader", field="group"
            )
        if not group_approved:
            return [
                Problem(
                    "group", "group_not_approved", _("该自组织尚未获准在此场馆活动，请先申请。")
                )
            ]
    who = rules.who_may_book
    if who == WhoMayBook.GROUPS and group is None:
        return [Problem("group", "group_required", _("这个时段只接受自组织预约，请选择自组织。"))]
    if who == WhoMayBook.STAFF and not is_staff:
        return [Problem("starts_at", "staff_only", _("这个时段只供工作人员预约。"))]
    if who == WhoMayBook.WALK_IN:
        return [Problem("starts_at", "not_bookable", _("这个时间不接受预约，可直接到场。"))]
    return []


def earliest_start(rules, now: dt.datetime) -> dt.datetime:
    """The first instant a booking may start at under the scene's notice (and never the
    past: time_problems refuses ``starts_at <= now``)."""
    return now + dt.timedelta(minutes=rules.min_notice_minutes)


def last_bookable_day(rules, now: dt.datetime, zone) -> dt.date:
    """The last local date a booking may start on (days ahead)."""
    return now.astimezone(zone).date() + dt.timedelta(days=rules.max_days_ahead)


def time_problems(
    rules, *, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime, zone, duration=True
) -> list[Problem]:
    """Past, notice, days ahead and (unless ``duration`` is False, for one grid cell of the
    availability) the minimum and maximum length."""
    problems: list[Problem] = []
    local_now = now.astimezone(zone)
    if starts_at <= now:
        return [Problem("starts_at", "past", _("这个时段已经过去了，请另选时段。"))]
    notice = dt.timedelta(minutes=rules.min_notice_minutes)
    if starts_at < earliest_start(rules, now):
        problems.append(
            Problem(
                "starts_at",
                "notice",
                _("需至少提前 %(minutes)s 分钟预约，最早可约 %(when)s 开始的时段。")
                % {
                    "minutes": rules.min_notice_minutes,
                    "when": relative_time(now + notice, local_now),
                },
            )
        )
    last_day = last_bookable_day(rules, now, zone)
    if starts_at.astimezone(zone).date() > last_day:
        problems.append(
            Problem(
                "starts_at",
                "too_far_ahead",
                _("最多可提前 %(days)s 天预约（到 %(day)s）。")
                % {"days": rules.max_days_ahead, "day": month_day(last_day)},
            )
        )
    if duration:
        minutes = (ends_at - starts_at) / dt.timedelta(minutes=1)
        if minutes < rules.min_duration_minutes:
            problems.append(
                Problem(
                    "ends_at",
                    "too_short",
                    _("每次至少预约 %(minutes)s 分钟。") % {"minutes": rules.min_duration_minutes},
                )
            )
        if minutes > rules.max_duration_minutes:
            problems.append(
                Problem(
                    "ends_at",
                    "too_long",
                    _("每次最多预约 %(minutes)s 分钟。") % {"minutes": rules.max_duration_minutes},
                )
            )
    return problems


PURPOSE_MAX = 100


def purpose_problems(purpose: str) -> list[Problem]:
    """What a booking is for (already stripped): required, at most PURPOSE_MAX characters."""
    if not purpose:
        return [Problem("purpose", "required", _("请填写用途，如“合唱排练”。"))]
    if len(purpose) > PURPOSE_MAX:
        return [
            Problem(
                "purpose",
                "too_long",
                _("用途最多 %(max)s 个字（现在 %(count)s 个）。")
                % {"max": PURPOSE_MAX, "count": len(purpose)},
            )
        ]
    return []


def people_problems(rules, people: int) -> list[Problem]:
    if people < 1:
        return [Problem("people", "invalid", _("人数至少为 1。"))]
    if people > rules.max_people_per_booking:
        return [
            Problem(
                "people",
                "too_many_people",
                _("这个功能室每次最多 %(count)s 人。") % {"count": rules.max_people_per_booking},
            )
        ]
    return []


def price_fen(rules, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """The price of a booking: the hourly price times its length, rounded to the fen
    (half up), computed by the server only."""
    return price_for(rules.price_per_hour_fen, ends_at - starts_at)


def price_for(per_hour_fen: int, length: dt.timedelta) -> int:
    """``per_hour_fen`` for ``length``, rounded to the fen (half up): the one price rule."""
    return (per_hour_fen * int(length.total_seconds()) + 1800) // 3600


def windows(rules, starts_at: dt.datetime, ends_at: dt.datetime) -> dict[str, dt.datetime]:
    """The instants a booking's rules fix when it is made (stored on the booking, so a
    later change of the scene's rules does not move them)."""
    return {
        "checkin_opens_at": starts_at - dt.timedelta(minutes=rules.checkin_before_minutes),
        # A window longer than the booking closes at its end: nobody checks in afterwards.
        "checkin_closes_at": min(
            starts_at + dt.timedelta(minutes=rules.checkin_after_minutes), ends_at
        ),
        "cancel_deadline": starts_at - dt.timedelta(minutes=rules.cancel_deadline_minutes),
    }


def overlapping(start: dt.datetime, end: dt.datetime, prefix: str = ""):
    """The Q for bookings overlapping [start, end), bounded below for the index."""
    from django.db.models import Q

    return Q(
        **{
            f"{prefix}starts_at__lt": end,
            f"{prefix}starts_at__gt": start - LONGEST,
            f"{prefix}ends_at__gt": start,
        }
    )
