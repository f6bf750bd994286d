from django.core.management.base import BaseCommand

from accounts.otp import LEDGER_RETENTION, login_codes_purge


class Command(BaseCommand):
    help = (
        f"Delete sign-in code records older than {LEDGER_RETENTION.days} days. Requesting a "
        "code purges them too; run this from cron on a quiet site to keep the promise anyway."
    )

    def handle(self, *args, **options):
        deleted = login_codes_purge()
        self.stdout.write(f"Deleted {deleted} sign-in code record(s).")
