"""A venue with many published events for bench/calendars.py (not for real data).

    manage.py bench_calendar_data --events 5000

One venue (名字以 "基准日历馆" 开头), 4 rooms open 08:00-22:00 every day, a public scene,
and ``--events`` one-hour events spread over the feed's window (8 weeks back to 26 weeks
ahead), one in ten cancelled. Does nothing when the venue exists (``--unless-present``).
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from calendars.feeds import WEEKS_AHEAD, WEEKS_BACK
from scenes.models import Event, Scene
from spaces.models import Community, OpeningHours, Room, Venue

NAME = "基准日历馆"
ROOMS = 4


class Command(BaseCommand):
    help = "Fill the database with one venue and many events for bench/calendars.py."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=5000)
        parser.add_argument("--unless-present", action="store_true")

    @transaction.atomic
    def handle(self, *args, events: int, unless_present: bool, **options):
        if unless_present and Venue.objects.filter(name=NAME).exists():
            self.stdout.write(f"{NAME} exists; nothing to do")
            return
        started = time.perf_counter()
        community, _ = Community.objects.get_or_create(
            name="基准社区", street="基准街道", defaults={"city": "成都市"}
        )
        venue = Venue.objects.create(
            community=community,
            kind="service_centre",
            name=NAME,
            address="成都市成华区基准路1号",
            latitude=30.7,
            longitude=104.09,
        )
        rooms = Room.objects.bulk_create(
            Room(venue=venue, name=f"活动室{i + 1}", capacity=30, order=i) for i in range(ROOMS)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, day=d, opens=dt.time(8), closes=dt.time(22)) for d in range(7)
        )
        today = timezone.localdate()
        first = today - dt.timedelta(weeks=WEEKS_BACK)
        Scene.objects.create(
            venue=venue,
            kind="public",
            name="公益时段",
            weekdays=0b1111111,
            starts=dt.time(8),
            ends=dt.time(18),
            valid_from=first,
        )
        days = (WEEKS_BACK + WEEKS_AHEAD) * 7
        per_day = -(-events // days)
        slots = [(room, hour) for hour in range(8, 22) for room in rooms][:per_day]
        zone = venue.zone
        now = timezone.now()
        rows = []
        for n in range(events):
            day = first + dt.timedelta(days=n // per_day)
            room, hour = slots[n % per_day]
            starts = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
            cancelled = n % 10 == 9
            rows.append(
                Event(
                    venue=venue,
                    room=room,
                    title=f"社区活动 {n + 1}：书法、合唱与健康讲座",
                    description="欢迎居民参加。请提前十分钟到场，带上老花镜。\n报名请到前台。",
                    capacity=30,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1),
                    status=Event.Status.CANCELLED if cancelled else Event.Status.PUBLISHED,
                    cancelled_at=now if cancelled else None,
                    cancel_reason="场地检修" if cancelled else "",
                )
            )
        Event.objects.bulk_create(rows, batch_size=1000)
        self.stdout.write(
            f"{NAME} (id {venue.pk}): {ROOMS} rooms, {events} events "
            f"[{time.perf_counter() - started:.1f} s]"
        )
