"""Reset the database to the demo community (``make demo`` runs this).

Each app that has demo data provides ``<app>/demo.py`` with::

    def load(*, stdout) -> list[str] | None:
        '''Create this app's demo rows, relative to today; return lines to show.'''

They are called in dependency order (accounts, spaces, scenes, bookings, metrics), all in
one transaction, after the database content has been flushed. A module that does not
exist yet is skipped; an error inside one stops the load, loudly.
"""

import importlib
import importlib.util
import os
import time

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Dependency order: later apps refer to rows made by earlier ones.
DEMO_MODULES = ("accounts", "spaces", "scenes", "bookings", "metrics")


def demo_module(app: str):
    """The app's demo module, or None if the app or its demo.py does not exist (yet)."""
    if not apps.is_installed(app):
        return None
    try:
        spec = importlib.util.find_spec(f"{app}.demo")
    except ModuleNotFoundError:
        return None
    if spec is None:
        return None
    # Imported for real: an ImportError inside demo.py is a bug to show, not to skip.
    return importlib.import_module(f"{app}.demo")


class Command(BaseCommand):
    help = "Erase all data and load the demo community (relative to today)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            default=os.environ.get("PORT", "8000"),
            help="Port the site will be served on, for the URL printed at the end.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow erasing the database when DEBUG is off (never on a real site).",
        )

    def handle(self, *args, port, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo erases every row; with DEBUG=0 this looks like a real site. "
                "Use --force if it really is a throwaway database."
            )
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)

        shown: list[tuple[str, list[str]]] = []
        with transaction.atomic():
            for app in DEMO_MODULES:
                module = demo_module(app)
                if module is None:
                    continue
                lines = module.load(stdout=self.stdout) or []
                shown.append((app, [str(line) for line in lines]))

        elapsed = time.monotonic() - started
        if not shown:
            self.stdout.write(self.style.WARNING("No app provides demo data yet (<app>/demo.py)."))
        else:
            loaded = ", ".join(app for app, _lines in shown)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({loaded}) in {elapsed:.1f} s"))
        for _app, lines in shown:
            for line in lines:
                self.stdout.write(f"  {line}")

        url = f"http://127.0.0.1:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open {url} in your browser."))
        self.stdout.write(f"  API docs: {url}api/docs    Admin: {url}admin/")
        sms = settings.SMS_BACKEND or "console"
        where = settings.SMS_FILE_PATH if sms == "file" else "the terminal running the server"
        self.stdout.write(f"  Sign-in codes (SMS_BACKEND={sms}) appear in {where}.")
