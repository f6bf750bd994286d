"""manage.py record_no_shows [--batch N]: write down the no-shows and lapsed requests that
bookings.states already says are true.

Nothing depends on it for correctness (every read goes through effective_status /
holding_q); it keeps the recorded status honest for the desk's lists and exports and sends
each no-show its SMS once. Run it periodically (every 5 minutes, see README.md); running
it twice records nothing new.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import Booking, Status
from bookings.services.bookings import record_lapsed
from bookings.states import lapsed_q
from spaces.locks import venue_lock

BATCH = 500


class Command(BaseCommand):
    help = gettext_lazy("记录已成定局的未到场和未及时审核的预约（建议每 5 分钟运行一次）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=gettext_lazy("每个事务最多处理的预约数")
        )

    def handle(self, *args, batch, **options):
        batch = max(1, batch)
        now = timezone.now()
        venue_ids = sorted(
            set(Booking.objects.filter(lapsed_q(now)).values_list("venue_id", flat=True))
        )
        no_shows = lapsed = 0
        for venue_id in venue_ids:
            while True:
                # One short transaction per batch under the venue's lock, so bookings at
                # that venue wait for at most one batch.
                with transaction.atomic():
                    venue_lock(venue_id)
                    rows = list(
                        Booking.objects.filter(lapsed_q(now), venue_id=venue_id)
                        .order_by("pk")
                        .values_list("pk", "status")[:batch]
                    )
                    if rows:
                        recorded = record_lapsed(ids=[pk for pk, _s in rows], now=now)
                        no_shows += len(recorded)
                        lapsed += sum(1 for _pk, s in rows if s == Status.PENDING)
                if len(rows) < batch:
                    break
        self.stdout.write(
            _("已记录 %(no_shows)s 个未到场、%(lapsed)s 个未及时审核的预约。")
            % {"no_shows": no_shows, "lapsed": lapsed}
        )
