"""Demo venues for ``make demo``: loaded through the importer, so the demo is also a check
that a realistic file imports cleanly.

The JSON file is static; the dated exceptions that should appear "next week" are added
to the document here, relative to today in Asia/Shanghai, before it is imported.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.text import join_list
from spaces.importer import venues_import
from spaces.models import OpeningException, Venue, VenueRole

DATA_FILE = Path(__file__).parent / "demo_data" / "venues.json"
DEMO_ZONE = ZoneInfo("Asia/Shanghai")
OPERATOR_USERNAME = "wufu-operator"
OPERATOR_PASSWORD = "linli-operator"  # published with the demo, never used on a real site
STREET, COMMUNITY, TEAHOUSE = "驷马桥街道", "五福桥社区", "五福茶馆"
SERVICE_CENTRE = "驷马桥街道党群服务中心"
WEDNESDAY, FRIDAY = 2, 4


def next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` strictly after ``today``."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def demo_document(*, today: dt.date) -> dict:
    """The demo file plus next week's dated exceptions."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    venues = {v["name"]: v for c in data["communities"] for v in c.get("venues", [])}
    rooms = {r["name"]: r for r in venues[TEAHOUSE]["rooms"]}
    rooms["长者空间"].setdefault("exceptions", []).append(
        {"date": next_weekday(today, WEDNESDAY).isoformat(), "reason": "设备检修"}
    )
    venues[SERVICE_CENTRE].setdefault("exceptions", []).append(
        {
            "date": next_weekday(today, FRIDAY).isoformat(),
            "hours": "08:30-15:00",
            "reason": "社区选举投票点布置，提前闭馆",
        }
    )
    return data


def _late_closure(venue: Venue, today: dt.date) -> None:
    """A day closed at two days' notice about three weeks ago, so the demo's predictability
    (metrics) has a late closure to show; its creation time is set back to then."""
    day = today - dt.timedelta(days=20)
    exception, _created = OpeningException.objects.get_or_create(
        venue=venue, room=None, date=day, defaults={"reason": "临时停水，闭馆一天"}
    )
    made = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(16), tzinfo=DEMO_ZONE)
    OpeningException.objects.filter(pk=exception.pk).update(created_at=made)


def _operator():
    user_model = get_user_model()
    user = user_model.objects.filter(username=OPERATOR_USERNAME).first()
    if user is not None:
        return user, False
    # accounts.demo normally creates this account; keep the demo usable without it.
    user = user_model(username=OPERATOR_USERNAME, is_staff=True)
    user.set_password(OPERATOR_PASSWORD)
    user.save()
    return user, True


def load(*, stdout) -> list[str]:
    """Import the demo venues (idempotent) and make wufu-operator operator of 五福茶馆."""
    today = timezone.localdate(timezone=DEMO_ZONE)
    report = venues_import(data=demo_document(today=today))
    teahouse = Venue.objects.get(community__street=STREET, community__name=COMMUNITY, name=TEAHOUSE)
    user, created = _operator()
    VenueRole.objects.get_or_create(user=user, venue=teahouse, role=VenueRole.Role.OPERATOR)
    _late_closure(teahouse, today)

    names = Venue.objects.filter(pk__in=report.venue_ids).order_by("pk")
    lines = [
        _("场馆：%(names)s（%(summary)s）")
        % {"names": join_list(v.name for v in names), "summary": report.summary()},
    ]
    if created:
        lines.append(
            _("运营方账号 %(user)s（密码 %(password)s）管理%(venue)s")
            % {"user": OPERATOR_USERNAME, "password": OPERATOR_PASSWORD, "venue": TEAHOUSE}
        )
    else:
        lines.append(
            _("运营方账号 %(user)s 管理%(venue)s") % {"user": OPERATOR_USERNAME, "venue": TEAHOUSE}
        )
    return lines
