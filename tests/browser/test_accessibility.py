"""Every page a resident or operator reaches keeps the accessibility baseline, at 360x640.

The pages are declared once, in tests/browser/a11y.py ``PAGES`` (tests/test_a11y_pages.py
fails on a URL name that is neither there nor excluded with a reason). For each page, on the
demo data: axe-core finds no serious or critical violation; every visible interactive
element is at least 44x44 CSS px (links inside a sentence are WCAG 2.5.8's inline exception,
and only those); with the browser's default font size doubled, the root font size doubles
too and nothing scrolls sideways. One browser context walks all pages (the ``page``
fixture, so a foreign request or a CSP violation fails the lane as well); it signs in as
each kind of visitor by swapping the session cookie.
"""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.browser import a11y

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return a11y.demo_values()


def _sign_in_as(page, live_server, who: str) -> None:
    page.context.clear_cookies()
    user = a11y.demo_user(who)
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def test_every_page_keeps_the_baseline(page, live_server, demo):
    rows = []
    for audit_page in sorted(a11y.PAGES, key=lambda p: p.who):
        _sign_in_as(page, live_server, audit_page.who)
        rows.append(
            a11y.measure(page, live_server.url + audit_page.path.format(**demo), audit_page)
        )
    problems = []
    for row in rows:
        name = f"{row.page.name} ({row.page.who})"
        if row.page.url_name != "error" and row.status != 200:
            problems.append(f"{name}: answered {row.status}, so the audit saw the wrong page")
        problems += [f"{name}: axe {line}" for line in row.serious]
        problems += [f"{name}: tap target under 44x44 px: {line}" for line in row.small]
        if not row.root_scales:
            problems.append(
                f"{name}: root font size {row.root_px:g}px stays {row.doubled_root_px:g}px "
                "when the browser's default doubles (a px size on html?)"
            )
        if row.overflows:
            problems.append(f"{name}: {row.doubled_width}px wide at 360px with text doubled")
    assert not problems, "\n".join(problems) + "\n\n" + a11y.table(rows)
    assert {row.page.url_name for row in rows} >= {p.url_name for p in a11y.PAGES}
