"""Ledger rows as specs: every cell checked, venue and room found by name, times made
aware in the venue's zone. Nothing is written here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bookings.ledger import fields
from bookings.ledger.identity import phone_pseudonym, row_key
from bookings.ledger.report import BOOKING, CHECKIN, HEADCOUNT, RATING, Problems
from bookings.ledger.table import Row
from bookings.models import Status
from bookings.rules import PURPOSE_MAX
from bookings.services.checkins import COMMENT_MAX, HEADCOUNT_MAX
from spaces.models import Room, Venue

MAX_PEOPLE = 10_000


@dataclass
class Spec:
    row: Row
    kind: str
    venue: Venue
    room: Room | None
    local_date: dt.date
    key: str = ""
    phone: str = ""
    starts_at: dt.datetime | None = None  # bookings
    ends_at: dt.datetime | None = None
    status: str = ""
    people: int = 1  # a booking's people, a headcount's count
    purpose: str = ""
    price_fen: int = 0
    at: dt.datetime | None = None  # the check-in (of a booking, too) or the count
    event: str = ""
    score: int = 0
    comment: str = ""

    def content(self) -> tuple:
        """What must agree between two rows with the same key (else they contradict)."""
        return (self.status, self.people, self.purpose, self.price_fen, self.at, self.event,
                self.score, self.comment)  # fmt: skip


class Places:
    """Venue and room names -> rows. Names are looked up among ``venues`` (those the
    importing user operates, or all for the command line, optionally one community);
    an empty 场馆 cell means ``default``."""

    def __init__(self, venues, default: Venue | None, problems: Problems) -> None:
        self.problems = problems
        self.default = default
        self.by_name: dict[str, list[Venue]] = {}
        for venue in venues:
            self.by_name.setdefault(venue.name, []).append(venue)
        self._rooms: dict[int, dict[str, Room]] = {}

    def venue(self, row: Row) -> Venue | None:
        name = row.get("venue")
        cell = row.cell("venue")
        if not name:
            if self.default is None:
                self.problems.error(cell, _("请填写场馆名称。"), "required")
            return self.default
        if self.default is not None and name == self.default.name:
            return self.default
        found = self.by_name.get(name, [])
        if len(found) > 1:
            self.problems.error(
                cell,
                _("有 %(count)d 个场馆叫“%(name)s”，请指定社区或场馆（--community / --venue）。")
                % {"count": len(found), "name": name},
                "ambiguous_venue",
            )
            return None
        if not found:
            self.problems.error(
                cell, _("找不到您可管理的场馆“%(name)s”。") % {"name": name}, "unknown_venue"
            )
            return None
        return found[0]

    def room(self, row: Row, venue: Venue, *, required: bool) -> Room | None:
        name = row.get("room")
        cell = row.cell("room")
        if not name:
            if required:
                self.problems.error(cell, _("请填写功能室名称。"), "required")
            return None
        if venue.pk not in self._rooms:
            self._rooms[venue.pk] = {r.name: r for r in Room.objects.filter(venue=venue)}
        room = self._rooms[venue.pk].get(name)
        if room is None:
            self.problems.error(
                cell,
                _("%(venue)s没有名为“%(name)s”的功能室。") % {"venue": venue.name, "name": name},
                "unknown_room",
            )
        return room


def _at(venue: Venue, day: dt.date, parsed: tuple[dt.time, int]) -> dt.datetime:
    clock, days = parsed
    local = dt.datetime.combine(day + dt.timedelta(days=days), clock, tzinfo=venue.zone)
    return local.astimezone(dt.UTC)


def read_row(row: Row, places: Places, problems: Problems, *, now: dt.datetime) -> Spec | None:
    """The row's spec, or None when it has an error of its own (recorded)."""
    mark = problems.mark()
    kind = fields.kind(row.get("type"), row.cell("type"), problems)
    venue = places.venue(row)
    if kind is None or venue is None:
        return None
    today = now.astimezone(venue.zone).date()
    day = fields.date(row.get("date"), row.cell("date"), problems, today=today)
    room = places.room(row, venue, required=kind == BOOKING)
    phone = None
    if kind != HEADCOUNT:
        phone = fields.phone(row.get("phone"), row.cell("phone"), problems)
    elif row.get("phone"):
        problems.error(row.cell("phone"), _("到场人数是匿名的，请不要填写电话。"), "invalid")
    if not problems.clean_since(mark) or day is None:
        return None
    spec = Spec(row, kind, venue, room, day, phone=phone or "")
    reader = {BOOKING: _booking, CHECKIN: _checkin, HEADCOUNT: _headcount, RATING: _rating}
    reader[kind](spec, problems, now)
    if not problems.clean_since(mark):
        return None
    pseudonym = phone_pseudonym(spec.phone) if spec.phone else ""
    if kind == BOOKING:
        spec.key = row_key(kind, spec.room.pk, spec.starts_at, spec.ends_at, pseudonym)
    elif kind == RATING:
        spec.key = row_key(kind, venue.pk, day, pseudonym)
    elif kind == CHECKIN and not spec.event:
        spec.key = row_key(kind, venue.pk, day, pseudonym)  # a walk-in is once a day
    else:
        spec.key = row_key(kind, venue.pk, spec.room and spec.room.pk, spec.at, spec.event,
                           pseudonym)  # fmt: skip
    return spec


def _clock(spec: Spec, column: str, problems: Problems, *, default=None):
    value = spec.row.get(column)
    if not value:
        if default is None:
            problems.error(spec.row.cell(column), _("请填写时间，如 14:00。"), "required")
        return default
    parsed = fields.time(value, spec.row.cell(column), problems)
    return _at(spec.venue, spec.local_date, parsed) if parsed else None


def _not_future(spec: Spec, column: str, problems: Problems, now: dt.datetime) -> None:
    if spec.at is not None and spec.at > now:
        problems.error(spec.row.cell(column), _("签到时间在将来，台账只记已发生的事。"), "future")


def _booking(spec: Spec, problems: Problems, now: dt.datetime) -> None:
    row = spec.row
    spec.starts_at = _clock(spec, "start", problems)
    spec.ends_at = _clock(spec, "end", problems)
    status = fields.status(row.get("status"), row.cell("status"), problems)
    spec.people = fields.integer(
        row.get("people"), row.cell("people"), problems, low=1, high=MAX_PEOPLE, default=1
    )
    purpose = fields.text(row.get("purpose"), row.cell("purpose"), problems, max_length=PURPOSE_MAX)
    spec.purpose = purpose or _("台账记录")
    spec.price_fen = fields.money_fen(row.get("price"), row.cell("price"), problems)
    if spec.starts_at and spec.ends_at and spec.ends_at <= spec.starts_at:
        problems.error(
            row.cell("end"),
            _("结束时间须晚于开始时间（跨夜请写“次日02:00”）。"),
            "end_before_start",
        )
    if row.get("checkin"):
        spec.at = _clock(spec, "checkin", problems)
        if status and status not in (Status.CHECKED_IN, Status.COMPLETED):
            problems.error(
                row.cell("checkin"),
                _("状态为“%(status)s”的预约不能有签到时间。") % {"status": Status(status).label},
                "checkin_contradicts_status",
            )
        _not_future(spec, "checkin", problems, now)
    elif status in (Status.CHECKED_IN, Status.COMPLETED) and spec.starts_at:
        spec.at = spec.starts_at  # "已签到" without a time: arrived at the start
    arrived_or_not = (Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)
    if status in arrived_or_not and spec.starts_at and spec.starts_at > now:
        problems.error(
            row.cell("status"),
            _("预约还没开始，状态不能是“%(status)s”。") % {"status": Status(status).label},
            "future",
        )
    spec.status = status or ""


def _checkin(spec: Spec, problems: Problems, now: dt.datetime) -> None:
    spec.at = _clock(spec, "checkin", problems)
    spec.event = fields.text(spec.row.get("event"), spec.row.cell("event"), problems,
                             max_length=200) or ""  # fmt: skip
    _not_future(spec, "checkin", problems, now)


def _headcount(spec: Spec, problems: Problems, now: dt.datetime) -> None:
    # A count without a time is put at noon: metrics count headcounts by day.
    spec.at = _clock(spec, "checkin", problems, default=_at(spec.venue, spec.local_date,
                                                            (dt.time(12), 0)))  # fmt: skip
    spec.people = fields.integer(
        spec.row.get("people"), spec.row.cell("people"), problems,
        low=1, high=HEADCOUNT_MAX, default=None,
    )  # fmt: skip
    _not_future(spec, "checkin", problems, now)


def _rating(spec: Spec, problems: Problems, now: dt.datetime) -> None:
    row = spec.row
    spec.score = fields.integer(
        row.get("score"), row.cell("score"), problems, low=1, high=5, default=None
    )
    spec.comment = fields.text(row.get("comment"), row.cell("comment"), problems,
                               max_length=COMMENT_MAX) or ""  # fmt: skip
    # When it was given is not in a ledger: the end of the visit's day.
    spec.at = _at(spec.venue, spec.local_date, (dt.time(23, 59), 0))
    if spec.local_date > now.astimezone(spec.venue.zone).date():
        problems.error(row.cell("date"), _("评价的到访日期在将来。"), "future")
