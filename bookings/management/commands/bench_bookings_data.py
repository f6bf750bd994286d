"""manage.py bench_bookings_data [--rooms 1000] [--bookings 1000000] [--years 2]
                                [--checkins 0] [--residents 2000]

Benchmark data (never demo data): a street of venues (12 rooms each by default, so 1,000
rooms make 84 venues), every venue open 09:00-21:00 with a public-benefit scene 09:00-18:00
and a commercial one 18:00-21:00, one closed day (an exception) per venue, residents, and
bookings over the ``--years`` up to two weeks from today: past ones completed, no-show or
cancelled, the coming two weeks confirmed.

Bookings are made non-overlapping per room by construction (sorted distinct starts on the
30-minute grid of the public scene, each ending before the next starts) and inserted with
one executemany per batch. On SQLite the no-overlap triggers (migration 0002) check every
inserted row against every holding booking of its room with julianday(), which makes a
bulk load quadratic per room (measured: +20% CPU at 500 bookings a room). With
``--drop-triggers`` they are dropped for the load, the whole table is then checked for
overlaps in SQL, and the triggers are recreated in the same transaction (an overlap rolls
everything back, triggers included). PostgreSQL keeps its exclusion constraint on (a GiST
lookup per row). ``bench/bookings.py`` reads the venues back by their name prefix.

``--checkins N`` adds visits for the metrics benchmark (bookings.management.bench_visits):
every completed booking checked in, then resident walk-ins and anonymous headcounts up to
N check-ins, and ratings for some visits (``make bench-metrics-data``: 50 venues, 300,000
bookings and 1,000,000 check-ins over a year).
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from bookings.management import bench_visits
from bookings.models import Status, Visitor, new_public_id
from bookings.rules import windows
from scenes.booking_rules import kind_defaults
from scenes.models import Scene
from scenes.rules import effective_rules
from spaces.models import Community, OpeningException, OpeningHours, Room, Venue

# Migration modules start with a digit: imported by name, for the trigger SQL.
_no_overlap_sql = importlib.import_module("bookings.migrations.0002_no_overlap")

PREFIX = "基准场馆"
COMMUNITY = ("基准社区", "基准街道")
ROOMS_PER_VENUE = 12
CELL = dt.timedelta(minutes=30)
PUBLIC_CELLS = 18  # 09:00-18:00
AHEAD_DAYS = 14  # bookings reach this far ahead (the scenes' max_days_ahead)

# The SQL that finds an overlap between holding bookings of a room, if any: each holding
# booking against the one that starts before it (window function; SQLite >= 3.25, PG).
OVERLAP_SQL = """
SELECT COUNT(*) FROM (
    SELECT starts_at, LAG(ends_at) OVER (PARTITION BY room_id ORDER BY starts_at) AS prev_end
    FROM bookings_booking WHERE status IN ('pending', 'confirmed', 'checked_in')
) AS ordered WHERE prev_end > starts_at
"""


def overlap_count() -> int:
    """Holding bookings that start before the previous one of their room has ended."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAP_SQL)
        return cursor.fetchone()[0]


class Command(BaseCommand):
    # A developer tool (not for operators): its help and output are not translated.
    help = "Benchmark data: venues, rooms, scenes, non-overlapping bookings (docs/scaling.md)."

    def add_arguments(self, parser):
        parser.add_argument("--rooms", type=int, default=1000)
        parser.add_argument("--bookings", type=int, default=1_000_000)
        parser.add_argument("--years", type=float, default=2.0)
        parser.add_argument("--residents", type=int, default=2000)
        parser.add_argument("--checkins", type=int, default=0, help="check-ins in all")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument(
            "--unless-present", action="store_true", help="do nothing if the data is there"
        )
        parser.add_argument(
            "--drop-triggers",
            action="store_true",
            help="SQLite: drop the overlap triggers for the load, check in SQL, recreate",
        )

    def handle(self, *args, rooms, bookings, years, residents, batch, seed, checkins, **options):
        if Venue.objects.filter(name__startswith=PREFIX).exists():
            if options["unless_present"]:
                self.stdout.write("benchmark data is already here")
                return
            raise CommandError("benchmark data is already here: start from an empty database")
        self.rng = random.Random(seed)
        self.batch = batch
        started = time.perf_counter()
        today = timezone.localdate()
        last = today + dt.timedelta(days=AHEAD_DAYS)
        first = last - dt.timedelta(days=round(365 * years))
        with transaction.atomic():
            venues = self._venues(rooms, first)
            users = self._residents(residents)
        self.say(f"{len(venues)} venues, {rooms} rooms, {len(users)} residents", started)
        drop = options["drop_triggers"] and connection.vendor == "sqlite"
        with transaction.atomic():
            if drop:
                with connection.cursor() as cursor:
                    for sql in _no_overlap_sql.SQLITE_BACKWARD:
                        cursor.execute(sql)
            made = self._bookings(venues, users, bookings, first, last, today, started)
            if drop:
                overlaps = overlap_count()
                if overlaps:  # rolls the whole load back, triggers included
                    raise CommandError(f"{overlaps} overlapping bookings generated")
                with connection.cursor() as cursor:
                    for sql in _no_overlap_sql.SQLITE_FORWARD:
                        cursor.execute(sql)
        self.say(f"{made} bookings {first}..{last}", started)
        checked = time.perf_counter()
        overlaps = overlap_count()
        self.say(
            f"overlap check in SQL: {overlaps} overlaps ({time.perf_counter() - checked:.1f} s)"
        )
        if checkins:
            self._visits(venues, users, checkins, first, today, started)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if overlaps:
            raise CommandError("overlapping bookings in the database")

    def _visits(self, venues, users, count, first, today, started) -> None:
        with transaction.atomic():
            booked = bench_visits.booking_checkins([v.pk for v, _rooms, _x in venues])
            places = [(v.pk, v.zone, [r.pk for r in rooms], x["closed"]) for v, rooms, x in venues]
            walked, rated = bench_visits.walk_ins(
                rng=self.rng,
                venues=places,
                users=users,
                count=max(0, count - booked),
                first=first,
                today=today,
                batch=self.batch,
            )
        self.say(
            f"{booked + walked} check-ins ({booked} for bookings, {walked} walk-ins and "
            f"headcounts), {rated} ratings",
            started,
        )

    def say(self, text: str, since: float | None = None) -> None:
        if since is not None:
            text += f"  [{time.perf_counter() - since:.1f} s]"
        self.stdout.write(text)

    def _venues(self, rooms: int, first: dt.date) -> list[tuple[Venue, list[Room], dict]]:
        community, _ = Community.objects.get_or_create(
            name=COMMUNITY[0], street=COMMUNITY[1], defaults={"city": "成都市"}
        )
        count = -(-rooms // ROOMS_PER_VENUE)
        venues = Venue.objects.bulk_create(
            Venue(
                community=community,
                kind="service_centre",
                name=f"{PREFIX}{i + 1}",
                address=f"成都市成华区基准路{i + 1}号",
                latitude=30.70 + i * 0.001,
                longitude=104.09 + i * 0.001,
                time_zone="Asia/Shanghai",
                holiday_policy="closed",
            )
            for i in range(count)
        )
        room_rows = [
            Room(
                venue=venues[n // ROOMS_PER_VENUE],
                name=f"活动室{n % ROOMS_PER_VENUE + 1}",
                capacity=20,
                is_bookable=True,
                order=n % ROOMS_PER_VENUE,
            )
            for n in range(rooms)
        ]
        Room.objects.bulk_create(room_rows)
        OpeningHours.objects.bulk_create(
            OpeningHours(venue=v, day=d, opens=dt.time(9), closes=dt.time(21))
            for v in venues
            for d in range(7)
        )
        result = []
        for i, venue in enumerate(venues):
            closed_day = first + dt.timedelta(days=30 + i)
            OpeningException.objects.create(
                venue=venue, date=closed_day, opens=None, closes=None, reason="设备检修"
            )
            public = Scene.objects.create(
                venue=venue,
                kind="public",
                name="公益时段",
                starts=dt.time(9),
                ends=dt.time(18),
                valid_from=first - dt.timedelta(days=1),
                **kind_defaults("public"),
            )
            Scene.objects.create(
                venue=venue,
                kind="commercial",
                name="夜间茶座",
                starts=dt.time(18),
                ends=dt.time(21),
                valid_from=first - dt.timedelta(days=1),
                **kind_defaults("commercial"),
            )
            own = list(Room.objects.filter(venue=venue).order_by("order"))
            result.append((venue, own, {"scene": public, "closed": closed_day}))
        return result

    def _residents(self, count: int) -> list[tuple[int, object]]:
        users = User.objects.bulk_create(
            User(username=f"1380{n:07d}", phone=f"1380{n:07d}") for n in range(count)
        )
        visitors = Visitor.objects.bulk_create(Visitor(user=u) for u in users)
        return [(u.pk, v.key) for u, v in zip(users, visitors, strict=True)]

    def _bookings(self, venues, users, target, first, last, today, started) -> int:
        days = (last - first).days
        # Each venue's closed day takes no bookings.
        room_days = sum(len(rooms) for _v, rooms, _x in venues) * (days - 1)
        base, extra = divmod(target, room_days)
        if base + 1 > PUBLIC_CELLS // 2:
            raise CommandError("too many bookings for the rooms and days: add rooms or years")
        # Which room-days get one booking more than ``base``: ``extra`` of them at random.
        bonus = set(self.rng.sample(range(room_days), extra)) if extra else set()
        rng, pending, made, index = self.rng, [], 0, 0
        now = timezone.now()
        for venue, rooms, info in venues:
            zone = venue.zone
            scene = info["scene"]
            rules = effective_rules(scene, rooms[0])
            for d in range(days):
                day = first + dt.timedelta(days=d)
                opening = dt.datetime.combine(day, dt.time(9), tzinfo=zone)
                counts = []
                for _room in rooms:
                    if day == info["closed"]:
                        counts.append(0)
                        continue
                    counts.append(base + (index in bonus))
                    index += 1
                codes = iter(rng.sample(range(1_000_000), sum(counts)))
                for room, n in zip(rooms, counts, strict=True):
                    starts = sorted(rng.sample(range(PUBLIC_CELLS), n))
                    for k, cell in enumerate(starts):
                        limit = (starts[k + 1] if k + 1 < n else PUBLIC_CELLS) - cell
                        length = min(rng.randint(1, 6), limit)  # 30 min to 3 h
                        s = opening + CELL * cell
                        e = s + CELL * length
                        resident, visitor = rng.choice(users)
                        if day > today:
                            status = Status.CONFIRMED
                        else:
                            status = rng.choices(
                                (Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED),
                                (85, 5, 10),
                            )[0]
                        pending.append(
                            self._row(
                                venue,
                                room,
                                scene,
                                resident,
                                visitor,
                                s,
                                e,
                                day,
                                status,
                                f"{next(codes):06d}",
                                now,
                                windows(rules, s, e),
                            )
                        )
                if len(pending) >= self.batch:
                    made += self._flush(pending)
                    pending = []
            self.say(f"  {venue.name}: {made} bookings so far", started)
        return made + self._flush(pending)

    # Django's bulk_create spends ~1 ms a row compiling the INSERT; values adapted by the
    # backend's own functions and one executemany per batch are ~20x faster.
    COLUMNS = (
        "public_id",
        "venue_id",
        "room_id",
        "scene_id",
        "scene_kind",
        "resident_id",
        "visitor",
        "starts_at",
        "ends_at",
        "local_date",
        "checkin_opens_at",
        "checkin_closes_at",
        "cancel_deadline",
        "people",
        "purpose",
        "status",
        "code",
        "price_fen",
        "payment_method",
        "created_at",
        "cancelled_by_operator",
        "reason",
        "kept_by_operator",
    )

    def _row(self, venue, room, scene, resident, visitor, s, e, day, status, code, now, w):
        ops, at = connection.ops, connection.ops.adapt_datetimefield_value
        uuid_value = visitor if connection.features.has_native_uuid_field else visitor.hex
        return (
            new_public_id(),
            venue.pk,
            room.pk,
            scene.pk,
            "public",
            resident,
            uuid_value,
            at(s),
            at(e),
            ops.adapt_datefield_value(day),
            at(w["checkin_opens_at"]),
            at(w["checkin_closes_at"]),
            at(w["cancel_deadline"]),
            self.rng.randint(1, 12),
            "基准测试",
            str(status),
            code,
            0,
            "",
            at(now),
            False,
            "",
            False,
        )

    def _flush(self, rows: list[tuple]) -> int:
        if rows:
            columns = ", ".join(self.COLUMNS)
            marks = ", ".join(["%s"] * len(self.COLUMNS))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO bookings_booking ({columns}) VALUES ({marks})", rows
                )
        return len(rows)
