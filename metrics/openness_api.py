"""GET /api/venues/{id}/openness: a published venue's openness for anyone (信息公开)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from linli.api_types import Id
from metrics.selectors.openness import venue_openness
from spaces import selectors as space_selectors

router = Router(tags=["metrics"])


class WeekOut(Schema):
    start: dt.date = Field(alias="from", description="a Monday")
    end: dt.date = Field(alias="to", description="the next Monday (exclusive)")
    open_room_hours: float


class PublicSatisfactionOut(Schema):
    mean: float | None = Field(description="null when there are fewer than 5 ratings")
    share_4_5: float | None = Field(description="null when there are fewer than 5 ratings")
    count: str = Field(description='how many ratings: "<5" under five, else the number')


class OpennessOut(Schema):
    venue: int
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    weeks: list[WeekOut]
    open_room_hours: float
    public_share: float | None
    off_work_hours_share: float | None
    predictability: float | None
    satisfaction: PublicSatisfactionOut


@router.get("/venues/{venue_id}/openness", response=OpennessOut, auth=None, by_alias=True)
def venue_openness_api(request: HttpRequest, venue_id: Id):
    """A published venue's last 13 whole weeks (Monday to Monday, before this week):
    open room-hours per week and in all, the public-benefit share of them, the share
    outside working time (08:00-18:00 on working days), predictability (the share of
    planned hours not closed at short notice) and satisfaction. Definitions: DOMAIN.md,
    "Metric definitions". No personal data; a count under 5 is "<5" and the figures
    computed from it are null. An unpublished or missing venue is 404 `venue_not_found`."""
    venue = space_selectors.venue_get(venue_id=venue_id)
    o = venue_openness(venue=venue, today=space_selectors.local_today(venue))
    return {
        "venue": venue.pk,
        "from": o.start,
        "to": o.end,
        "weeks": [
            {"from": w.start, "to": w.end, "open_room_hours": round(w.open_room_hours, 2)}
            for w in o.weeks
        ],
        "open_room_hours": round(o.open_room_hours, 2),
        "public_share": o.public_share,
        "off_work_hours_share": o.off_work_hours_share,
        "predictability": o.predictability,
        "satisfaction": {
            "mean": o.satisfaction_mean,
            "share_4_5": o.satisfaction_share_4_5,
            "count": o.ratings,
        },
    }
