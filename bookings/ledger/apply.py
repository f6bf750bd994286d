"""Writing checked ledger specs as the rows the app itself writes (bookings.services):
bookings with their code, windows, scene and visitor pseudonym; check-ins (of bookings,
events and walk-ins), anonymous headcounts and ratings. No notices are sent: this is
history. Rows whose key is already in the database are counted, not written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from bookings.ledger.checks import Timelines, check_open, overlaps, place_booking
from bookings.ledger.identity import People
from bookings.ledger.records import Spec
from bookings.ledger.report import BOOKING, CHECKIN, HEADCOUNT, RATING, LedgerReport, Problems
from bookings.models import Booking, CheckIn, Rating
from bookings.services.bookings import _new_code
from scenes.models import Event

BATCH = 500
_MODELS = {BOOKING: Booking, CHECKIN: CheckIn, HEADCOUNT: CheckIn, RATING: Rating}


def _existing_keys(specs: list[Spec]) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for model in (Booking, CheckIn, Rating):
        keys = [s.key for s in specs if _MODELS[s.kind] is model]
        if keys:
            rows = model.objects.filter(ledger_key__in=keys).values_list("venue_id", "ledger_key")
            found.update((model.__name__, venue_id, key) for venue_id, key in rows)
    return found


class Writer:
    def __init__(self, specs: list[Spec], problems: Problems, report: LedgerReport, now):
        self.specs = specs
        self.problems = problems
        self.report = report
        self.now = now
        self.people = People({s.phone for s in specs if s.phone})

    def run(self) -> None:
        """Check what needs the database, then (when there is no error) write."""
        done = _existing_keys(self.specs)
        fresh: list[Spec] = []
        for spec in self.specs:
            if (_MODELS[spec.kind].__name__, spec.venue.pk, spec.key) in done:
                self.report.existing[spec.kind] += 1
            else:
                fresh.append(spec)
        timelines = Timelines(fresh) if fresh else None
        bookings = [
            (s, place_booking(s, timelines, self.problems, self.now))
            for s in fresh
            if s.kind == BOOKING
        ]
        for spec in fresh:
            if spec.kind in (CHECKIN, HEADCOUNT):
                check_open(spec, timelines, self.problems)
        keys = {s.key for s in self.specs if s.kind == BOOKING}
        overlaps(bookings, self.problems, keys=keys)
        others = [s for s in fresh if s.kind != BOOKING]
        if self.problems.error_count:
            return
        self._bookings(bookings)
        self._checkins([s for s in others if s.kind in (CHECKIN, HEADCOUNT)])
        self._ratings([s for s in others if s.kind == RATING])

    def _who(self, spec: Spec):
        return self.people.of(spec.phone) if spec.phone else (None, None)

    def _bookings(self, items: list[tuple[Spec, dict]]) -> None:
        taken: dict[tuple[int, dt.date], set[str]] = {}
        made = []
        for spec, values in items:
            user, visitor = self._who(spec)
            day_key = (spec.venue.pk, spec.local_date)
            if day_key not in taken:
                taken[day_key] = set(
                    Booking.objects.filter(venue=spec.venue, local_date=spec.local_date)
                    .values_list("code", flat=True)
                )  # fmt: skip
            booking = Booking(
                venue=spec.venue,
                room=spec.room,
                resident=user,
                visitor=visitor,
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                local_date=spec.local_date,
                people=spec.people,
                purpose=spec.purpose,
                code=_new_code(taken[day_key]),
                price_fen=spec.price_fen,
                ledger_key=spec.key,
                **values,
            )
            made.append((spec, user, visitor, booking))
            self.report.new[BOOKING] += 1
        # One INSERT per batch; the database's no-overlap guard still checks every row.
        Booking.objects.bulk_create([b for *_rest, b in made], batch_size=BATCH)
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    venue=spec.venue,
                    room=spec.room,
                    resident=user,
                    visitor=visitor,
                    kind=CheckIn.Kind.BOOKING,
                    booking=booking,
                    at=spec.at,
                    local_date=spec.at.astimezone(spec.venue.zone).date(),
                )
                for spec, user, visitor, booking in made
                if spec.at is not None
            ],
            batch_size=BATCH,
        )

    def _event(self, spec: Spec) -> Event | None:
        day_start = dt.datetime.combine(spec.local_date, dt.time(0), tzinfo=spec.venue.zone)
        return (
            Event.objects.filter(
                venue=spec.venue,
                title=spec.event,
                starts_at__gte=day_start,
                starts_at__lt=day_start + dt.timedelta(days=1),
            )
            .order_by("starts_at")
            .first()
        )

    def _checkins(self, specs: list[Spec]) -> None:
        rows = []
        seen_walk_ins: set = set()
        for spec in specs:
            user, visitor = self._who(spec)
            kind, event = CheckIn.Kind.WALK_IN, None
            if spec.kind == CHECKIN and spec.event:
                kind, event = CheckIn.Kind.EVENT, self._event(spec)
                if event is None:
                    self.problems.warn(
                        spec.row.cell("event"),
                        _("没有找到这天名为“%(title)s”的活动；按活动签到记录，不关联活动。")
                        % {"title": spec.event},
                        "unknown_event",
                    )
                elif CheckIn.objects.filter(kind=kind, visitor=visitor, event=event).exists():
                    self._already(spec)
                    continue
            elif spec.kind == CHECKIN:
                walk_in = (visitor, spec.venue.pk, spec.local_date)
                app_row = CheckIn.objects.filter(
                    kind=kind, visitor=visitor, venue=spec.venue, local_date=spec.local_date
                ).exists()
                if walk_in in seen_walk_ins or app_row:
                    self._already(spec)
                    continue
                seen_walk_ins.add(walk_in)
            rows.append(
                CheckIn(
                    venue=spec.venue,
                    room=spec.room,
                    resident=user,
                    visitor=visitor,
                    kind=kind,
                    event=event,
                    headcount=spec.people if spec.kind == HEADCOUNT else 1,
                    at=spec.at,
                    local_date=spec.local_date,
                    ledger_key=spec.key,
                )
            )
            self.report.new[spec.kind] += 1
        CheckIn.objects.bulk_create(rows, batch_size=BATCH)

    def _already(self, spec: Spec) -> None:
        """The app already recorded this (a resident's scan, a rating): kept as it is."""
        self.problems.warn(spec.row.whole, _("系统中已有这条记录，保留原记录。"), "recorded")
        self.report.existing[spec.kind] += 1

    def _ratings(self, specs: list[Spec]) -> None:
        visits: dict[tuple, bool] = defaultdict(bool)
        rows = []
        for spec in specs:
            user, visitor = self._who(spec)
            visit = (visitor, spec.venue.pk, spec.local_date)
            if Rating.objects.filter(
                visitor=visitor, venue=spec.venue, local_date=spec.local_date
            ).exists():
                self._already(spec)
                continue
            if visit not in visits:
                visits[visit] = CheckIn.objects.filter(
                    visitor=visitor, venue=spec.venue, local_date=spec.local_date
                ).exists()
            if not visits[visit]:
                self.problems.warn(
                    spec.row.whole,
                    _("这天没有这位居民在本场馆的签到记录；评价已按台账原样导入。"),
                    "rating_without_visit",
                )
            rows.append(
                Rating(
                    venue=spec.venue,
                    resident=user,
                    visitor=visitor,
                    local_date=spec.local_date,
                    score=spec.score,
                    comment=spec.comment,
                    created_at=spec.at,
                    ledger_key=spec.key,
                )
            )
            self.report.new[RATING] += 1
        Rating.objects.bulk_create(rows, batch_size=BATCH)
