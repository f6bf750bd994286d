"""Demo bookings for ``make demo`` (after scenes.demo), relative to now in Asia/Shanghai.

At 五福茶馆, about four months of history so metrics and calendars have something real
to show, then this week:
- history (written directly, in bulk: it is what already happened, in its recorded final
  state): residents' bookings completed with their check-in, some no-shows and
  cancellations, weekend evening requests the operator confirmed or turned down, paid
  evenings with their payment recorded; residents' poster scans and the desk's anonymous
  walk-in headcounts; ratings of some visits; 五福合唱团's weekly series (Monday morning
  rehearsals in 长者空间) with its bookings;
- today: neighbours' bookings as they stand now (done, in the room, or still to come);
- ahead (booked through bookings.services, so the rules accept them): a few upcoming
  bookings of the demo residents, the choir's next rehearsals, and weekend evening
  requests waiting for the operator. Most of the week stays free to book.

Every row respects the no-overlap rule: the day's candidate times in a room never
overlap, and the services check the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.privacy import PRIVACY_POLICY_VERSION
from bookings import rules
from bookings.models import Booking, BookingSeries, CheckIn, PaymentMethod, Rating, Status
from bookings.services.bookings import booking_create
from bookings.visitors import visitor_key
from linli.errors import DomainError
from scenes.models import Group
from scenes.resolution import room_timeline
from spaces.models import Room, Venue, VenueRole

ZONE = ZoneInfo("Asia/Shanghai")
TEAHOUSE = "五福茶馆"
CHOIR = "五福合唱团"
HISTORY_DAYS = 119  # 17 weeks; scenes.demo's scenes start the day before
ROOMS = ("议事茶亭", "服务驿站", "长者空间")
READING_ROOM = "社区书屋"
DEMO_PHONES = ("13800000001", "13800000002", "13800000003", "13800000004", "13800000005")
NEIGHBOURS = "赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严"
NEIGHBOUR_PHONE = "1361000{:04d}"  # outside the demo's and the test factories' numbers
# The day's candidate times in a room (start, end), which never overlap each other.
BLOCKS = ((9, 0, 10, 30), (10, 30, 12, 0), (14, 0, 15, 30), (15, 30, 17, 0), (19, 0, 21, 0))
CHANCE = (0.35, 0.3, 0.3, 0.3, 0.25)
PURPOSES = {
    "public": ("楼栋议事", "书法练习", "智能手机课", "读书会", "志愿者例会", "亲子绘本"),
    "commercial": ("棋牌娱乐", "老友茶叙", "生日小聚", "麻将"),
}
COMMENTS = ("茶好喝，环境干净。", "工作人员很热情。", "空调有点冷。", "", "", "")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` strictly after ``today``."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _neighbours() -> list[User]:
    """Residents who never sign in to the demo but make its metrics look like a place."""
    now = timezone.now()
    users = []
    for n, surname in enumerate(NEIGHBOURS):
        phone = NEIGHBOUR_PHONE.format(n)
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(
                username=phone,
                phone=phone,
                display_name=surname + ("阿姨" if n % 2 else "叔"),
                privacy_consent_at=now,
                privacy_consent_version=PRIVACY_POLICY_VERSION,
            )
            user.set_unusable_password()
            user.save()
        users.append(user)
    return users


class History:
    """Rows of what already happened, collected and then written in bulk."""

    def __init__(self, venue: Venue, operator: User, now: dt.datetime, rng: random.Random):
        self.venue, self.operator, self.now, self.rng = venue, operator, now, rng
        self.bookings: list[Booking] = []
        self.checkins: list[CheckIn] = []  # of bookings, attached once the bookings exist
        self.walk_ins: list[CheckIn] = []
        self.visits: dict[tuple, dt.datetime] = {}  # (visitor, local date) -> first check-in
        self.codes: dict[dt.date, list[str]] = {}
        self.rejected = False  # the first past request that needs approval always is

    def code(self, day: dt.date) -> str:
        if day not in self.codes:
            self.codes[day] = [f"{n:06d}" for n in self.rng.sample(range(1_000_000), 60)]
        return self.codes[day].pop()

    def booking(self, place, room, user, key, start, end, *, group=None, series=None):
        """One booking at [start, end) in the state it would have reached by now."""
        rng, now, r = self.rng, self.now, place.rules
        kind = place.segment.scene.kind
        booking = Booking(
            venue=self.venue,
            room=room,
            scene=place.segment.scene,
            scene_kind=kind,
            resident=user,
            visitor=key,
            group=group,
            series=series,
            starts_at=start.astimezone(dt.UTC),
            ends_at=end.astimezone(dt.UTC),
            local_date=start.date(),
            people=rng.randint(2, min(room.capacity, 10)) if group is None else 15,
            purpose=series.purpose if series else rng.choice(PURPOSES[kind]),
            status=Status.CONFIRMED,
            code=self.code(start.date()),
            price_fen=rules.price_fen(r, start, end),
            **rules.windows(r, start, end),
        )
        if r.requires_approval:
            booking.decided_at = booking.cancel_deadline - dt.timedelta(days=1)
            booking.decided_by = self.operator
        roll = rng.random()
        if roll < 0.07 and booking.cancel_deadline < now:
            booking.status = Status.CANCELLED
            booking.cancelled_at = booking.cancel_deadline - dt.timedelta(hours=rng.randint(2, 40))
        elif (
            (roll < 0.1 or not self.rejected)
            and r.requires_approval
            and booking.checkin_closes_at < now
        ):
            # At least one rejection whatever today's random draws: the desk and the
            # resident's past list show what a rejection looks like.
            booking.status, booking.reason = Status.REJECTED, _("当晚已有包场，请改约其他时间。")
            self.rejected = True
        elif booking.starts_at > now:
            pass  # still to come: confirmed
        elif roll < 0.22 and booking.checkin_closes_at <= now:
            booking.status, booking.no_show_recorded_at = Status.NO_SHOW, booking.checkin_closes_at
        else:
            self.arrive(booking, rng.randint(0, 14))
        self.bookings.append(booking)
        return booking

    def arrive(self, booking: Booking, early_minutes: int) -> None:
        at = booking.starts_at - dt.timedelta(minutes=early_minutes)
        booking.status = Status.COMPLETED if booking.ends_at <= self.now else Status.CHECKED_IN
        self.checkins.append(
            CheckIn(
                venue=self.venue,
                room=booking.room,
                resident=booking.resident,
                visitor=booking.visitor,
                kind=CheckIn.Kind.BOOKING,
                at=at,
                local_date=booking.local_date,
                recorded_by=self.operator if early_minutes % 2 else None,
            )
        )
        self.visits.setdefault((booking.visitor, booking.local_date), at)
        if booking.price_fen and booking.ends_at <= self.now:
            booking.payment_method = self.rng.choice(
                [PaymentMethod.WECHAT] * 3 + [PaymentMethod.ALIPAY, PaymentMethod.CASH]
            )
            booking.paid_fen = booking.price_fen
            booking.paid_at = booking.ends_at - dt.timedelta(minutes=5)
            booking.paid_recorded_by = self.operator

    def day_of_walk_ins(self, day: dt.date, reading_room: Room, people: list[tuple]) -> None:
        rng = self.rng
        for hour in (11, 16):  # the desk counts the reading room's anonymous visitors
            self.walk_ins.append(
                CheckIn(
                    venue=self.venue,
                    room=reading_room,
                    kind=CheckIn.Kind.WALK_IN,
                    headcount=rng.randint(2, 12),
                    at=_at(day, hour, 30),
                    local_date=day,
                    recorded_by=self.operator,
                )
            )
        for user, key in rng.sample(people, rng.randint(1, 4)):  # residents scan the poster
            at = _at(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
            self.walk_ins.append(
                CheckIn(
                    venue=self.venue,
                    resident=user,
                    visitor=key,
                    kind=CheckIn.Kind.WALK_IN,
                    at=at,
                    local_date=day,
                )
            )
            self.visits.setdefault((key, day), at)

    def ratings(self, people: dict) -> list[Rating]:
        rated = []
        for (key, day), at in sorted(self.visits.items(), key=lambda item: item[1]):
            if day >= self.now.astimezone(ZONE).date() or self.rng.random() > 0.3:
                continue
            created = min(at + dt.timedelta(hours=self.rng.randint(2, 60)), self.now)
            rated.append(
                Rating(
                    venue=self.venue,
                    resident=people[key],
                    visitor=key,
                    local_date=day,
                    score=self.rng.choice((5, 5, 5, 4, 4, 4, 3, 2)),
                    comment=self.rng.choice(COMMENTS),
                    created_at=created,
                )
            )
        return rated

    def save(self) -> None:
        Booking.objects.bulk_create(self.bookings)
        arrived = [b for b in self.bookings if b.status in (Status.COMPLETED, Status.CHECKED_IN)]
        for booking, checkin in zip(arrived, self.checkins, strict=True):
            checkin.booking = booking
        CheckIn.objects.bulk_create(self.checkins + self.walk_ins)
        # Booked a few days ahead; created_at is set on insert, so it is moved afterwards.
        Booking.objects.filter(pk__in=[b.pk for b in self.bookings]).update(
            created_at=F("cancel_deadline") - dt.timedelta(days=3)
        )


def _choir_series(choir: Group, room: Room, today: dt.date) -> BookingSeries:
    first = next_weekday(today - dt.timedelta(days=HISTORY_DAYS), MONDAY)
    leader = choir.memberships.get(role="leader").user
    return BookingSeries.objects.create(
        venue=room.venue,
        room=room,
        group=choir,
        organiser=leader,
        weekdays=1 << MONDAY,
        start_time=dt.time(9),
        end_time=dt.time(11),
        first_date=first,
        # The next two Mondays are booked ahead (bookings.demo._ahead).
        last_date=next_weekday(today, MONDAY) + dt.timedelta(days=7),
        people=15,
        purpose=_("合唱排练"),
    )


def _history(venue, rooms, operator, choir, now, rng) -> tuple[History, BookingSeries | None]:
    today = now.astimezone(ZONE).date()
    first = today - dt.timedelta(days=HISTORY_DAYS)
    demo = list(User.objects.filter(phone__in=DEMO_PHONES).order_by("phone"))
    neighbours = _neighbours()
    keyed = [(u, visitor_key(u)) for u in demo + neighbours]
    regulars = keyed[:5] * 3 + keyed[5:12] * 2 + keyed[12:]  # some come back often
    history = History(venue, operator, now, rng)
    series = None
    if choir is not None:
        series = _choir_series(choir, rooms["长者空间"], today)
        leader_key = visitor_key(series.organiser)
    for name in ROOMS:
        room = rooms[name]
        segments = room_timeline(
            room=room, start=first - dt.timedelta(days=1), end=today + dt.timedelta(days=1)
        )
        for offset in range(HISTORY_DAYS + 1):
            day = first + dt.timedelta(days=offset)
            rehearsal = series is not None and room == series.room and day.weekday() == MONDAY
            for (h1, m1, h2, m2), chance in zip(BLOCKS, CHANCE, strict=True):
                start, end = _at(day, h1, m1), _at(day, h2, m2)
                if rehearsal and h1 < 12:
                    continue  # the choir's morning
                # Today, only neighbours: the demo residents' own bookings are made below
                # through the service, within their active-booking limit.
                user, key = rng.choice(keyed[5:] if day == today else regulars)
                if rng.random() > chance:
                    continue
                try:
                    place = rules.placement(segments, start, end)
                except DomainError:
                    continue  # closed that day
                history.booking(place, room, user, key, start, end)
            if rehearsal and day < today:
                start, end = _at(day, 9), _at(day, 11)
                try:
                    place = rules.placement(segments, start, end)
                except DomainError:
                    # Closed that Monday: the demo's late closure (spaces.demo, 20 days
                    # back) falls on one whenever the demo is loaded on a Sunday.
                    continue
                history.booking(
                    place,
                    room,
                    series.organiser,
                    leader_key,
                    start,
                    end,
                    group=choir,
                    series=series,
                )
    for offset in range(HISTORY_DAYS):
        history.day_of_walk_ins(first + dt.timedelta(days=offset), rooms[READING_ROOM], keyed)
    history.save()
    Rating.objects.bulk_create(history.ratings({key: user for user, key in keyed}))
    return history, series


def _ahead(rooms, choir, series, today) -> list[Booking]:
    """Upcoming bookings through the service: the rules accept them, events are avoided
    (the tea on Wednesdays, the choir on Fridays, the class on Thursday)."""
    people = {u.phone: u for u in User.objects.filter(phone__in=DEMO_PHONES)}
    plan = [
        ("13800000001", "议事茶亭", THURSDAY, (9, 30), (11, 0), 8, _("楼栋长碰头会")),
        ("13800000001", "服务驿站", FRIDAY, (9, 0), (10, 0), 4, _("志愿者排班")),
        ("13800000003", "长者空间", TUESDAY, (10, 0), (11, 30), 6, _("智能手机课练习")),
        ("13800000004", "服务驿站", WEDNESDAY, (14, 0), (15, 0), 2, _("象棋交流")),
        ("13800000005", "议事茶亭", TUESDAY, (19, 0), (21, 0), 6, _("老同学茶叙")),
        # Weekend evenings: requests waiting for the operator's approval.
        ("13800000004", "议事茶亭", SATURDAY, (19, 0), (22, 0), 8, _("老友棋牌")),
        ("13800000005", "服务驿站", SATURDAY, (19, 0), (21, 0), 5, _("生日小聚")),
        ("13800000003", "长者空间", SUNDAY, (19, 30), (21, 30), 10, _("广场舞队聚餐")),
    ]
    made = []
    for phone, room, weekday, (h1, m1), (h2, m2), count, purpose in plan:
        day = next_weekday(today, weekday)
        made.append(
            booking_create(
                user=people[phone],
                room=rooms[room],
                starts_at=_at(day, h1, m1),
                ends_at=_at(day, h2, m2),
                people=count,
                purpose=purpose,
            )
        )
    if series is not None:
        monday = next_weekday(today, MONDAY)
        for day in (monday, monday + dt.timedelta(days=7)):
            made.append(
                booking_create(
                    user=series.organiser,
                    room=series.room,
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 11),
                    people=series.people,
                    purpose=series.purpose,
                    group=choir,
                    series=series,
                )
            )
    return made


def load(*, stdout) -> list[str]:
    venue = Venue.objects.filter(name=TEAHOUSE).first()
    if venue is None:
        raise RuntimeError(f"bookings.demo: venue {TEAHOUSE} is missing (run spaces.demo)")
    if Booking.objects.filter(venue=venue).exists():
        return [_("预约：演示预约已存在，未重复创建")]
    operator = VenueRole.objects.filter(venue=venue, role=VenueRole.Role.OPERATOR).first().user
    rooms = {r.name: r for r in venue.rooms.all()}
    choir = Group.objects.filter(name=CHOIR).first()
    now = timezone.now()
    today = now.astimezone(ZONE).date()
    # Seeded by the date: the same day loads the same demo.
    rng = random.Random(today.toordinal())

    history, series = _history(venue, rooms, operator, choir, now, rng)
    ahead = _ahead(rooms, choir, series, today)

    past = [b for b in history.bookings if b.local_date < today]
    pending = sum(b.status == Status.PENDING for b in ahead)
    lines = [
        _(
            "预约：%(venue)s近 %(weeks)s 周的 %(count)s 条历史预约（%(no_shows)s 次未到场、"
            "%(cancelled)s 次取消）、%(checkins)s 次签到、%(ratings)s 条评价"
        )
        % {
            "venue": TEAHOUSE,
            "weeks": HISTORY_DAYS // 7,
            "count": len(past),
            "no_shows": sum(b.status == Status.NO_SHOW for b in past),
            "cancelled": sum(b.status == Status.CANCELLED for b in past),
            "checkins": len(history.checkins) + len(history.walk_ins),
            "ratings": Rating.objects.filter(venue=venue).count(),
        },
        _("预约：今天 %(today)s 条，之后 %(ahead)s 条（%(pending)s 条待运营方审核）")
        % {
            "today": len(history.bookings) - len(past),
            "ahead": len(ahead),
            "pending": pending,
        },
    ]
    stdout.write(f"bookings: {len(history.bookings) + len(ahead)} demo bookings\n")
    return lines
