"""The content-line writer: escaping, folding at 75 octets without splitting a character,
and output that icalendar and vobject both read back as written."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from calendars.ics import Entry, Feed, escape, fold, render

SH = ZoneInfo("Asia/Shanghai")


def entry(**fields):
    values = {
        "uid": "event-1@linli",
        "start": dt.datetime(2026, 12, 3, 9, tzinfo=SH),
        "end": dt.datetime(2026, 12, 3, 10, tzinfo=SH),
        "zone": SH,
        "summary": "书法课",
        "modified": dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC),
    }
    return Entry(**{**values, **fields})


def test_text_is_escaped():
    assert escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


@pytest.mark.parametrize(
    "text", ["五福茶馆" * 40, "a" + "五福茶馆" * 40, "ab" + "合唱" * 50, "x" * 300]
)
def test_lines_fold_at_75_octets_and_never_inside_a_character(text):
    folded = fold(f"SUMMARY:{text}")
    lines = folded.encode().split(b"\r\n")
    assert len(lines) > 1
    assert all(len(line) <= 75 for line in lines)
    assert all(line.startswith(b" ") for line in lines[1:])
    for line in lines:
        line.decode()  # each physical line is whole UTF-8 on its own
    unfolded = b"".join([lines[0], *(line[1:] for line in lines[1:])]).decode()
    assert unfolded == f"SUMMARY:{text}"
    # As full as allowed: a line ends early only where the next character would not fit.
    assert all(len(line) > 75 - 4 for line in lines[:-1])


def test_short_lines_are_left_alone():
    assert fold("SUMMARY:书法课") == "SUMMARY:书法课"
    assert fold("X" * 75) == "X" * 75


def test_a_feed_reads_back_the_same_in_icalendar_and_vobject():
    long = "每周一次的合唱排练，欢迎居民参加；请带上歌谱, 提前十分钟到场。\n报名请到前台。" * 3
    feed = Feed(
        name="五福茶馆 活动",
        description="社区活动",
        entries=[
            entry(
                description=long,
                location="五福茶馆 · 议事茶亭，成都市成华区五福桥东路1号",
                geo=(30.705, 104.091),
                url="https://example.org/events/1/",
                sequence=2,
                status="CANCELLED",
            )
        ],
        source="https://example.org/calendars/venues/1.ics",
    )
    body = render(feed)
    assert body == render(feed)  # the same feed, the same bytes
    assert body.endswith(b"END:VCALENDAR\r\n")
    cal = icalendar.Calendar.from_ical(body)
    [event] = cal.walk("VEVENT")
    assert str(event["DESCRIPTION"]) == long
    assert event["DTSTART"].dt == dt.datetime(2026, 12, 3, 9, tzinfo=SH)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"
    assert event["GEO"].latitude == 30.705 and event["GEO"].longitude == 104.091
    assert (
        event["DTSTAMP"].dt
        == event["LAST-MODIFIED"].dt
        == dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)
    )
    for name in ("NAME", "X-WR-CALNAME"):
        assert str(cal[name]) == "五福茶馆 活动"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"

    parsed = vobject.readOne(body.decode())
    [vevent] = parsed.vevent_list
    assert vevent.description.value == long
    assert vevent.summary.value == "书法课"
    assert vevent.dtstart.value == dt.datetime(2026, 12, 3, 9, tzinfo=SH)


def test_every_zone_used_has_its_vtimezone():
    urumqi = ZoneInfo("Asia/Urumqi")
    feed = Feed(
        name="n",
        description="d",
        entries=[
            entry(),
            entry(
                uid="event-2@linli",
                zone=urumqi,
                start=dt.datetime(2026, 12, 3, 9, tzinfo=urumqi),
                end=dt.datetime(2026, 12, 3, 10, tzinfo=urumqi),
            ),
        ],
    )
    cal = icalendar.Calendar.from_ical(render(feed))
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "Asia/Shanghai",
        "Asia/Urumqi",
    ]
    used = {e["DTSTART"].params["TZID"] for e in cal.walk("VEVENT")}
    assert used == {"Asia/Shanghai", "Asia/Urumqi"}
