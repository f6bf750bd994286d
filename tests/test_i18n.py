"""English, the second language: pages after the language switch, the API with
Accept-Language, and the catalogue itself (nothing empty, fuzzy or missing a placeholder).

Chinese is the source language, so these tests need the compiled English catalogue
(locale/en/LC_MESSAGES/django.mo). `make test` compiles it; by hand: `make messages`
(needs gettext's msgfmt: sudo apt-get install gettext).
"""

import datetime as dt
import importlib.util
import json
import re
import sys
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from tests.factories import VenueFactory, weekly_hours

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SH = ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _load_checker():
    spec = importlib.util.spec_from_file_location(
        "check_messages", ROOT / "scripts" / "check_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def compiled_catalogue():
    if not COMPILED.exists():
        pytest.fail(
            f"{COMPILED.relative_to(ROOT)} is missing: run `make messages` "
            "(needs gettext: sudo apt-get install gettext)",
            pytrace=False,
        )
    if COMPILED.stat().st_mtime < CATALOGUE.stat().st_mtime:
        pytest.fail(
            f"{COMPILED.relative_to(ROOT)} is older than django.po: run `make messages`",
            pytrace=False,
        )


def _switch_to_english(client) -> None:
    """Submit the footer's language form the way a browser would."""
    page = client.get("/").content.decode()
    form = re.search(
        r'<form action="([^"]+)" method="post" class="langswitch"[^>]*>(.*?)</form>', page, re.S
    )
    assert form, "the language switch form is missing from the page"
    action, body = form.group(1), form.group(2)
    next_url = unescape(re.search(r'name="next" type="hidden" value="([^"]*)"', body).group(1))
    assert re.search(r'name="language" value="en"', body)
    response = client.post(action, {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def _nav(html: str) -> str:
    match = re.search(r'<nav class="topnav"[^>]*>(.*?)</nav>', html, re.S)
    assert match, "the main navigation is missing"
    return match.group(0)


@time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SH), tick=False)
def test_the_home_page_is_english_after_the_language_switch(anonymous, db, compiled_catalogue):
    weekly_hours(VenueFactory(name="五福茶馆"), dt.time(9), dt.time(21))

    _switch_to_english(anonymous)
    response = anonymous.get("/")
    html = response.content.decode()

    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "<h1>Community spaces near you</h1>" in html
    assert "Open · closes 21:00" in html
    assert "身边的社区空间" not in html
    nav = _nav(html)
    assert ">Events</a>" in nav
    assert ">Sign in</a>" in nav
    assert not CJK.search(nav), f"Chinese left in the main navigation: {nav}"


def test_a_signed_in_resident_gets_an_english_navigation(owner_client, compiled_catalogue):
    _switch_to_english(owner_client)
    nav = _nav(owner_client.get("/").content.decode())

    assert ">Me</a>" in nav
    assert not CJK.search(nav), f"Chinese left in the main navigation: {nav}"


def test_pages_stay_chinese_without_the_cookie_even_if_the_browser_asks_for_english(
    anonymous, db, compiled_catalogue
):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response["Content-Language"] == "zh-hans"
    assert "<h1>身边的社区空间</h1>" in html
    assert "Community spaces near you" not in html


def test_api_validation_messages_follow_accept_language(operator_client, venue, compiled_catalogue):
    response = operator_client.put(
        f"/api/venues/{venue.pk}/hours",
        json.dumps({"rules": [{"day": 0, "opens": "25:00", "closes": "21:00"}]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Please correct the errors below."
    assert body["fields"] == {"rules.0.opens": ["Enter a valid time (HH:MM)."]}


def test_api_domain_errors_follow_accept_language(anonymous, db, compiled_catalogue):
    response = anonymous.get("/api/venues/999", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 404
    assert response.json() == {
        "code": "venue_not_found",
        "message": "Venue not found.",
        "fields": {},
    }
    assert response["Content-Language"] == "en"


def test_api_stays_chinese_by_default(anonymous, db, compiled_catalogue):
    response = anonymous.get("/api/venues/999")

    assert response.json() == {"code": "venue_not_found", "message": "找不到该场馆。", "fields": {}}


def test_plural_forms_are_english(compiled_catalogue):
    with translation.override("en"):
        assert translation.ngettext("%(n)d 分钟", "%(n)d 分钟", 1) % {"n": 1} == "1 minute"
        assert translation.ngettext("%(n)d 分钟", "%(n)d 分钟", 5) % {"n": 5} == "5 minutes"


# --- the catalogue itself (no compiled file needed) ---------------------------------------


def _entries():
    checker = _load_checker()
    return checker, [e for e in checker.parse_po(CATALOGUE) if not e.obsolete]


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    checker, entries = _entries()
    problems = [
        f"[{kind}] {e.msgid!r} ({', '.join(e.references)})"
        for e, kind in checker.untranslated(entries)
    ]

    assert not problems, "untranslated strings (run `make messages` and translate):\n" + "\n".join(
        problems
    )


def test_the_catalogue_header_declares_english_plurals():
    _, entries = _entries()
    header = next(e for e in entries if e.is_header).msgstr[0]

    assert "Language: en\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header
    assert "charset=UTF-8" in header
    plural_entries = [e for e in entries if e.msgid_plural is not None]
    assert all(sorted(e.msgstr) == [0, 1] for e in plural_entries)


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def test_translations_keep_placeholders_and_tags():
    _, entries = _entries()
    mismatched = []
    for entry in entries:
        if entry.is_header or entry.is_fuzzy:
            continue  # fuzzy and empty entries fail the test above
        for form in filter(None, entry.msgstr.values()):
            for pattern in (PLACEHOLDER, TAG):
                if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(form)):
                    mismatched.append(f"{entry.msgid!r} -> {form!r}")

    assert not mismatched, "\n".join(mismatched)


def test_translations_use_english_punctuation():
    _, entries = _entries()
    # Curly quotes and the ellipsis are fine in English; full-width punctuation is not.
    chinese_punctuation = re.compile(r"[，。：；！？、（）【】《》]")
    offenders = [
        f"{e.msgid!r} -> {form!r}"
        for e in entries
        if not e.is_header
        for form in e.msgstr.values()
        if chinese_punctuation.search(form)
    ]

    assert not offenders, "\n".join(offenders)


def test_dates_read_naturally_in_each_language():
    import datetime as dt

    from django.utils import translation

    from linli.dates import full_date, month_day, month_day_time

    day = dt.datetime(2026, 10, 8, 9, 0)
    with translation.override("zh-hans"):
        assert (month_day(day), full_date(day), month_day_time(day)) == (
            "10月8日",
            "2026年10月8日",
            "10月8日 09:00",
        )
    with translation.override("en"):
        assert (month_day(day), full_date(day), month_day_time(day)) == (
            "8 Oct",
            "8 Oct 2026",
            "8 Oct 09:00",
        )


def test_overnight_ranges_read_naturally_and_the_form_marker_round_trips():
    import datetime as dt

    from django.utils import translation

    from linli.dates import time_range
    from spaces.forms import format_intervals, parse_intervals
    from spaces.models import OpeningHours

    row = OpeningHours(day=4, opens=dt.time(18), closes=dt.time(2), overnight=True)
    for language, shown in (("zh-hans", "18:00-次日02:00"), ("en", "18:00–02:00 (next day)")):
        with translation.override(language):
            assert time_range(row.opens, row.closes, True) == shown
            typed = format_intervals([row])
            assert parse_intervals(typed) == [(dt.time(18), dt.time(2), True)]


# --- sentences built from pieces: whole translated sentences, lists joined per language ---


def test_lists_join_with_the_separator_of_each_language():
    from django.template import Context, Template

    from linli.text import join_clauses, join_list

    rooms = ["大厅", "小厅", "<b>书屋</b>"]
    template = Template("{% load linli_text %}{{ rooms|join_list }}")
    with translation.override("zh-hans"):
        assert join_list(rooms[:2]) == "大厅、小厅"
        assert join_clauses(["第 1 周", "第 2 周"]) == "第 1 周；第 2 周"
    with translation.override("en"):
        assert join_list(["Hall", "Small room", "Library"]) == "Hall, Small room, Library"
        assert join_clauses(["week 1", "week 2"]) == "week 1; week 2"
        assert template.render(Context({"rooms": rooms})) == "大厅, 小厅, &lt;b&gt;书屋&lt;/b&gt;"


NOW_MONDAY = dt.datetime(2026, 9, 28, 15, 0, tzinfo=SH)


def _venue_with_two_kinds_of_room(venue):
    from tests.factories import RoomFactory, make_scene

    weekly_hours(venue, dt.time(9), dt.time(22))
    hall = RoomFactory(venue=venue, name="Hall", order=0)
    cafe = RoomFactory(venue=venue, name="Café bar", order=9)
    make_scene(venue, name="Tea talk", rooms=[hall])
    make_scene(
        venue,
        kind="commercial",
        name="Evening club",
        rooms=[hall],
        starts=dt.time(18),
        ends=dt.time(22),
    )
    make_scene(
        venue,
        kind="commercial",
        name="Coffee",
        rooms=[cafe],
        starts=dt.time(0),
        ends=dt.time(0),
        overnight=True,
    )
    return hall, cafe


@time_machine.travel(NOW_MONDAY, tick=False)
def test_the_now_line_and_its_room_lines_read_as_english_sentences(
    anonymous, venue, compiled_catalogue
):
    _venue_with_two_kinds_of_room(venue)

    _switch_to_english(anonymous)
    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()

    panel = re.search(r'<div class="scene-now" id="scene-now">(.*?)</div>', html, re.S).group(1)
    assert "Now: Tea talk (until 18:00), then Evening club</p>" in panel
    assert "<strong>Café bar</strong>: Now: Coffee (until 22:00), then Closed</li>" in panel
    assert not CJK.search(panel), f"Chinese left in the now panel: {panel}"


@time_machine.travel(NOW_MONDAY, tick=False)
def test_the_planner_lists_a_scenes_dates_weekdays_and_rooms_in_english(
    operator_client, venue, compiled_catalogue
):
    from tests.factories import make_scene

    hall, cafe = _venue_with_two_kinds_of_room(venue)
    make_scene(
        venue,
        name="Autumn classes",
        rooms=[hall, cafe],
        weekdays=0b101,
        valid_from=dt.date(2026, 10, 1),
        valid_until=dt.date(2026, 12, 31),
    )

    _switch_to_english(operator_client)
    html = operator_client.get(f"/operate/venues/{venue.pk}/scenes/").content.decode()

    item = re.search(r"<strong>Autumn classes</strong>(.*?)</span></span>", html, re.S).group(1)
    assert "Every day · Mon, Wed · From 1 Oct 2026 to 31 Dec 2026" in item
    assert "· Hall, Café bar" in item
    assert not CJK.search(item), f"Chinese left in the scene list: {item}"
    tea = re.search(r"<strong>Tea talk</strong>(.*?)</span></span>", html, re.S).group(1)
    assert "· From 1 Jan 2026\n" in tea
    assert "+ New scene</a>" in html


def test_the_planners_scene_dates_stay_chinese_by_default(operator_client, venue):
    from tests.factories import make_scene

    make_scene(venue, name="秋季课程", weekdays=0b101, valid_until=dt.date(2026, 12, 31))
    make_scene(venue, name="常年开放", starts=dt.time(19), ends=dt.time(21))

    html = operator_client.get(f"/operate/venues/{venue.pk}/scenes/").content.decode()

    assert "周一、周三 · 2026年1月1日起，至2026年12月31日" in html
    assert "2026年1月1日起\n" in html
    assert "＋ 新建场景</a>" in html
