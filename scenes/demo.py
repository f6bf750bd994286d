"""Demo scenes for ``make demo`` (after spaces.demo), relative to today in Asia/Shanghai.

- 五福茶馆: public-benefit 09:00-18:00 every day; commercial 18:00-22:00 on working days
  and 18:00-次日00:30 on non-working days (the teahouse's weekend hours; the operator
  approves those bookings), in every room but the reading room, which closes at 18:00;
- 驷马桥街道党群服务中心: the café counter commercial whenever open, the meeting rooms
  public-benefit;
- 府青路社区活动室: public-benefit only.
Then the groups and events of scenes.demo_events, when that module exists.

Scenes are created through scenes.services (as each venue's operator, or an
administrator), so the demo also proves the rules accept a realistic week.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.text import join_list
from scenes.models import DayFilter, Scene, SceneKind, WhoMayBook
from scenes.services.scenes import scene_create
from spaces.models import Venue, VenueRole

ZONE = ZoneInfo("Asia/Shanghai")
T = dt.time
TEAHOUSE = "五福茶馆"
SERVICE_CENTRE = "驷马桥街道党群服务中心"
ACTIVITY_ROOM = "府青路社区活动室"
# A 24-hour window: "whenever the room is open", never reported as cut by closing time.
ALL_DAY = {"starts": T(0), "ends": T(0), "overnight": True}
HISTORY_DAYS = 120


def _actor(venue: Venue):
    role = (
        VenueRole.objects.filter(venue=venue, role=VenueRole.Role.OPERATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is not None:
        return role.user
    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _plan(venue: Venue) -> list[dict]:
    rooms = {r.name: r for r in venue.rooms.all()}
    if venue.name == TEAHOUSE:
        evening_rooms = [r for name, r in rooms.items() if name != "社区书屋"]
        return [
            {
                "kind": SceneKind.PUBLIC,
                "name": _("公益时段"),
                "description": _("党员志愿服务、品茶议事、兴趣课程、邻里交流，免费开放"),
                "starts": T(9),
                "ends": T(18),
            },
            {
                "kind": SceneKind.COMMERCIAL,
                "name": _("商业时段"),
                "description": _("休闲茶饮、棋牌娱乐"),
                "starts": T(18),
                "ends": T(22),
                "day_filter": DayFilter.WORKING,
                "rooms": evening_rooms,
            },
            {
                "kind": SceneKind.COMMERCIAL,
                "name": _("商业时段（周末）"),
                "description": _("休闲茶饮、棋牌娱乐，周末和节假日营业到次日 00:30"),
                "starts": T(18),
                "ends": T(0, 30),
                "overnight": True,
                "day_filter": DayFilter.NON_WORKING,
                "rooms": evening_rooms,
                # Weekend evenings are in demand: the operator confirms each booking, so the
                # demo desk has requests waiting (bookings.demo).
                "requires_approval": True,
            },
        ]
    if venue.name == SERVICE_CENTRE:
        meeting = [r for name, r in rooms.items() if name != "咖啡吧台"]
        return [
            {
                "kind": SceneKind.COMMERCIAL,
                "name": _("咖啡吧台"),
                "description": _("现点现做的咖啡和茶饮，营业时间内随到随坐"),
                "who_may_book": WhoMayBook.WALK_IN,
                "rooms": [rooms["咖啡吧台"]] if "咖啡吧台" in rooms else [],
                **ALL_DAY,
            },
            {
                "kind": SceneKind.PUBLIC,
                "name": _("公益时段"),
                "description": _("居民议事、培训讲座、志愿者例会，免费预约"),
                "rooms": meeting,
                **ALL_DAY,
            },
        ]
    if venue.name == ACTIVITY_ROOM:
        return [
            {
                "kind": SceneKind.PUBLIC,
                "name": _("公益时段"),
                "description": _("合唱、坝坝舞、川剧排练等自组织活动，免费预约"),
                **ALL_DAY,
            }
        ]
    return []


def load(*, stdout) -> list[str]:
    """Create the demo scenes (skipping venues that have some already)."""
    today = timezone.localdate(timezone=ZONE)
    # From about four months back, as far as the bookings history (bookings.demo) goes,
    # so the planner and metrics have a past to show.
    valid_from = today - dt.timedelta(days=HISTORY_DAYS)
    lines = []
    for name in (TEAHOUSE, SERVICE_CENTRE, ACTIVITY_ROOM):
        venue = Venue.objects.filter(name=name).first()
        if venue is None:
            lines.append(_("场景：未找到场馆“%(name)s”，已跳过") % {"name": name})
            continue
        if Scene.objects.filter(venue=venue).exists():
            continue
        actor = _actor(venue)
        if actor is None:
            lines.append(_("场景：“%(name)s”没有运营方，已跳过") % {"name": name})
            continue
        created = []
        for spec in _plan(venue):
            spec = dict(spec)
            rooms = spec.pop("rooms", [])
            kind = spec.pop("kind")
            scene = scene_create(
                user=actor, venue=venue, kind=kind, rooms=rooms, valid_from=valid_from, **spec
            )
            created.append(scene.name)
        lines.append(
            _("场景：%(venue)s（%(names)s）") % {"venue": name, "names": join_list(created)}
        )
    stdout.write(f"scenes: {len(lines)} venues with scenes\n")
    if importlib.util.find_spec("scenes.demo_events") is not None:
        from scenes import demo_events

        lines.extend(demo_events.load(stdout=stdout) or [])
    return lines
