#!/usr/bin/env python3
"""Accessibility figures per page at 360x640, on the demo data, as one table.

    .venv/bin/python bench/a11y_audit.py [--details]

Builds a throwaway SQLite database (a temporary directory, never var/linli.sqlite3) with
``load_demo``, serves it from a thread and looks at every page in ``tests/browser/a11y.py``
``PAGES`` in Debian's Chromium: tap targets under 44x44 CSS px, links inside sentences
(WCAG 2.5.8's inline exception), axe-core contrast failures and serious/critical
violations, the root font size at the browser's default and at a doubled default (32 px),
and the page's width then. The browser lane (tests/browser/test_accessibility.py) asserts
the same figures; this prints them, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(var_dir: str) -> None:
    os.environ["LINLI_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ["SMS_BACKEND"] = "file"
    os.environ["SMS_FILE_PATH"] = os.path.join(var_dir, "sms.log")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls beside Playwright's loop
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list the failing elements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="linli-a11y-") as var_dir:
        setup_django(var_dir)
        from django.conf import settings
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.management import call_command
        from django.test import Client
        from django.test.testcases import LiveServerThread
        from playwright.sync_api import sync_playwright

        from tests.browser import a11y
        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        values = a11y.demo_values()
        server = LiveServerThread("127.0.0.1", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://127.0.0.1:{server.port}"
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            contexts = {}
            for audit_page in a11y.PAGES:
                if audit_page.who not in contexts:
                    context = browser.new_context(
                        viewport=VIEWPORT, screen=VIEWPORT, locale="zh-CN"
                    )
                    user = a11y.demo_user(audit_page.who)
                    if user is not None:
                        client = Client()
                        client.force_login(user)
                        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
                        context.add_cookies(
                            [{"name": cookie.key, "value": cookie.value, "url": base}]
                        )
                    contexts[audit_page.who] = context.new_page()
                page = contexts[audit_page.who]
                rows.append(a11y.measure(page, base + audit_page.path.format(**values), audit_page))
            browser.close()
        server.terminate()
        print(a11y.table(rows))
        if args.details:
            for row in rows:
                if row.small or row.serious or row.inline:
                    print(f"\n{row.page.name} ({row.page.who})")
                    for line in row.serious:
                        print(f"  axe: {line}")
                    for line in row.small:
                        print(f"  small: {line}")
                    for line in row.inline:
                        print(f"  inline: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
