"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

How to write one (they run only in the browser lane: ``scripts/test_lanes.py browser``)::

    import pytest

    pytestmark = pytest.mark.browser

    def test_resident_sees_opening_hours(page, live_server, venue):
        page.goto(f"{live_server.url}/venues/{venue.pk}/")
        assert page.get_by_text("开放时间").is_visible()

    def test_owner_sees_their_booking(signed_in_page, live_server, owner):
        page = signed_in_page(owner)          # signed in by session cookie, no OTP screens
        page.goto(f"{live_server.url}/accounts/me/")

Fixtures:
  ``browser``         one headless Chromium (/usr/bin/chromium) for the whole session.
  ``page``            a fresh context and page per test: 360x640 viewport, locale zh-CN,
                      device scale factor 1 (a small phone). The test FAILS if the page
                      requests any host other than the live server (no CDN, font or
                      analytics host, ever); ``page.foreign_requests`` lists what it saw.
                      It also FAILS if the browser reports a Content-Security-Policy
                      violation (an inline script or style attribute that was blocked);
                      ``page.csp_violations`` lists them.
  ``signed_in_page``  ``signed_in_page(user)`` signs ``user`` in by setting a Django session
                      cookie on ``page``'s context and returns that page.
  ``live_server``     pytest-django's: a real server in a thread; use ``live_server.url``.
                      Requesting ``page`` also gives the test the database
                      (``transactional_db``), so objects created in the test are visible
                      to the server. Every test here is marked ``browser`` automatically.

Debugging: ``page.screenshot(path="var/shot.png")`` and look at the file; set
``PWDEBUG_SLOWMO=500`` to slow each action down by that many milliseconds.
"""

import datetime as dt
import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# ORM calls made from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 360, "height": 640}
BROWSER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(config, items):
    # A test placed here is a browser test even if its author forgot the marker, so the
    # sqlite/postgresql lanes (-m "not browser") never try to run it without a browser.
    for item in items:
        if str(item.path).startswith(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (bash .ci/run does)",
            pytrace=False,
        )
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        slow_mo=float(os.environ.get("PWDEBUG_SLOWMO", 0)),
    )
    yield browser
    browser.close()


def _local_netlocs(live_server_url: str) -> set[str]:
    parts = urlsplit(live_server_url)
    return {f"{host}:{parts.port}" for host in ("localhost", "127.0.0.1", parts.hostname)}


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    context = browser.new_context(
        viewport=VIEWPORT,
        screen=VIEWPORT,
        locale="zh-CN",
        device_scale_factor=1,
        is_mobile=False,
    )
    context.set_default_timeout(10_000)
    allowed = _local_netlocs(live_server.url)
    foreign: list[str] = []

    def record(req):
        parts = urlsplit(req.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc not in allowed:
            foreign.append(req.url)

    context.on("request", record)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.foreign_requests = foreign
    page.csp_violations = violations
    request.node.linli_foreign_requests = foreign
    request.node.linli_csp_violations = violations
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Checked right after the test body so a third-party request fails the test itself
    # (not its teardown), with the offending URLs in the message.
    result = yield
    foreign = getattr(item, "linli_foreign_requests", None)
    if foreign:
        urls = "\n  ".join(dict.fromkeys(foreign))
        raise AssertionError(f"the page requested hosts other than the live server:\n  {urls}")
    violations = getattr(item, "linli_csp_violations", None)
    if violations:
        texts = "\n  ".join(dict.fromkeys(violations))
        raise AssertionError(
            "the browser blocked something under the Content-Security-Policy (inline script "
            f"or style, or another host); move it to static/:\n  {texts}"
        )
    return result


@pytest.fixture
def signed_in_page(page, live_server):
    """``signed_in_page(user)`` -> ``page`` with ``user`` signed in (session cookie)."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return sign_in


@pytest.fixture
def teahouse(venue, room):
    """The venue open 09:00-22:00 every day with a public-benefit scene 09:00-18:00."""
    from scenes.booking_rules import kind_defaults
    from scenes.models import Scene
    from spaces.models import OpeningHours

    # Open every day, holidays included, so the test reads the same on any date.
    venue.holiday_policy = "as_usual"
    venue.save()
    for day in range(7):
        OpeningHours.objects.create(venue=venue, day=day, opens=dt.time(9), closes=dt.time(22))
    Scene.objects.create(
        venue=venue,
        kind="public",
        name="公益时段",
        starts=dt.time(9),
        ends=dt.time(18),
        valid_from=dt.date(2020, 1, 1),
        **kind_defaults("public"),
    )
    return venue
