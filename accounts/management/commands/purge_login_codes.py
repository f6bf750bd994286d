from django.core.management.base import BaseCommand

from accounts.otp import LEDGER_RETENTION, login_codes_purge
from accounts.staff_login import staff_login_failures_purge


class Command(BaseCommand):
    help = (
        f"Delete sign-in code records and failed staff sign-in records older than "
        f"{LEDGER_RETENTION.days} days. Signing in purges them too; run this from cron on a "
        "quiet site to keep the promise anyway."
    )

    def handle(self, *args, **options):
        deleted = login_codes_purge()
        self.stdout.write(f"Deleted {deleted} sign-in code record(s).")
        failures = staff_login_failures_purge()
        self.stdout.write(f"Deleted {failures} failed staff sign-in record(s).")
