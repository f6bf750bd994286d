"""Reads for scenes: lists, one scene, warnings for the operator, "what's on now"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.dates import relative_time
from linli.errors import DomainError, NotFound
from scenes.models import Scene, SceneKind
from scenes.resolution import (
    CLOSED,
    OPEN,
    SCENE,
    ClipNote,
    RoomNow,
    Segment,
    VenueData,
    scene_clipping,
)
from scenes.resolution import venue_now as resolve_now
from spaces.models import Room, Venue
from spaces.selectors import local_today

MAX_TIMELINE_DAYS = 62
WARNING_DAYS = 28


def scene_queryset() -> QuerySet[Scene]:
    return (
        Scene.objects.select_related("venue")
        .prefetch_related(Prefetch("rooms", queryset=Room.objects.order_by("order", "pk")))
        .order_by("one_off_date", "starts", "pk")
    )


def scene_list(*, venue: Venue) -> list[Scene]:
    """The venue's scenes: recurring ones by start time, then one-off ones by date."""
    scenes = list(scene_queryset().filter(venue=venue))
    scenes.sort(key=lambda s: (s.one_off_date is not None, s.one_off_date or dt.date.min, s.starts))
    return scenes


def scene_get(*, scene_id: int, venue: Venue | None = None) -> Scene:
    qs = scene_queryset().filter(pk=scene_id)
    if venue is not None:
        qs = qs.filter(venue=venue)
    scene = qs.first()
    if scene is None:
        raise NotFound(_("场景不存在或已被删除。"), code="scene_not_found")
    return scene


def check_timeline_range(start: dt.date, end: dt.date) -> None:
    # The same limits, code and message as the hours endpoint.
    from spaces.calendar import MAX_DATE, MIN_DATE
    from spaces.hours.compute import date_out_of_range

    if start <= MIN_DATE or end > MAX_DATE:
        raise date_out_of_range()
    if end <= start:
        raise DomainError(_("结束日期必须晚于开始日期。"), code="invalid_range", field="to")
    if (end - start).days > MAX_TIMELINE_DAYS:
        raise DomainError(
            _("一次最多查询 %(n)s 天。") % {"n": MAX_TIMELINE_DAYS},
            code="range_too_long",
            field="to",
        )


def scene_warnings(*, scene: Scene, days: int = WARNING_DAYS) -> list[ClipNote]:
    """Where the scene reaches outside opening hours in the coming weeks (from today, or
    from when it starts)."""
    today = local_today(scene.venue)
    start = max(today, scene.one_off_date or scene.valid_from)
    end = start + dt.timedelta(days=days)
    last = scene.one_off_date or scene.valid_until
    if last is not None:
        end = min(end, last + dt.timedelta(days=1))
    if end <= start:
        return []
    return scene_clipping(scene=scene, start=start, end=end)


# --- now ------------------------------------------------------------------------------


def _segment_name(segment: Segment) -> str:
    if segment.state == SCENE:
        return segment.scene.name
    if segment.state == OPEN:
        return _("自由开放")
    if segment.scene is not None:
        return _("%(name)s（暂停开放）") % {"name": segment.scene.name}
    return _("闭馆")


def room_now_text(item: RoomNow, at: dt.datetime) -> str:
    """ "现在：公益时段（至 18:00），之后：商业时段", or when closed, the next opening."""
    current = item.current
    if current is None:
        return _("暂无开放安排")
    if current.is_open:
        values = {"name": _segment_name(current), "until": relative_time(current.end, at)}
        if item.next is None:
            return _("现在：%(name)s（至 %(until)s）") % values
        values["next"] = _segment_name(item.next)
        return _("现在：%(name)s（至 %(until)s），之后：%(next)s") % values
    if current.scene is not None:
        return _("现在：暂停开放（%(name)s，至 %(until)s）") % {
            "name": current.scene.name,
            "until": relative_time(current.end, at),
        }
    if item.next is not None and item.next.is_open:
        return _("现在：未开放，%(when)s 起：%(name)s") % {
            "when": relative_time(item.next.start, at),
            "name": _segment_name(item.next),
        }
    return _("现在：未开放")


@dataclass(frozen=True)
class NowLine:
    text: str
    kind: str | None  # the current scene's kind, for its colour
    room_name: str = ""


@dataclass(frozen=True)
class NowSummary:
    """The venue's line (what most rooms are doing) and lines for rooms that differ."""

    line: NowLine | None
    rooms: list[NowLine]
    items: list[RoomNow]


def _kind(item: RoomNow) -> str | None:
    if item.current is None:
        return None
    if item.current.state == CLOSED:
        return SceneKind.CLOSED if item.current.scene is not None else None
    return item.current.kind


def venue_now_summary(
    *, venue: Venue, at: dt.datetime | None = None, data: VenueData | None = None
) -> NowSummary:
    at = (at or timezone.now()).astimezone(venue.zone)
    items = resolve_now(venue=venue, at=at, data=data)
    if not items:
        return NowSummary(None, [], [])
    texts = [room_now_text(item, at) for item in items]
    counts = Counter(texts)
    # Most rooms win; on a tie, the first room in the venue's order.
    main = max(texts, key=lambda t: (counts[t], -texts.index(t)))
    main_item = items[texts.index(main)]
    others = [
        NowLine(text, _kind(item), item.room.name)
        for item, text in zip(items, texts, strict=True)
        if text != main
    ]
    return NowSummary(NowLine(main, _kind(main_item)), others, items)
