"""GET /api/metrics: openness and repeat-visit figures for operators and administrators."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router

from linli.api_types import Day, Id
from metrics.presenters import metrics_payload
from metrics.schemas import MetricsOut
from metrics.selectors import metrics_for, metrics_with_series
from metrics.selectors.access import metrics_scope
from spaces.selectors import check_date_range

router = Router(tags=["metrics"])

MAX_DAYS = 366


@router.get("/metrics", response=MetricsOut, exclude_unset=True, by_alias=True)
def get_metrics(
    request: HttpRequest,
    start: Day = Query(..., alias="from", description="first local date"),
    end: Day = Query(..., alias="to", description="exclusive; at most 366 days on"),
    venue: Id | None = Query(None, description="one venue"),
    community: Id | None = Query(None, description="the venues of one community"),
    by: Literal["week", "month"] | None = Query(None, description="add a series per period"),
):
    """Figures for a venue, a community's venues, or (neither) every venue the caller may
    read, over the local dates [from, to): definitions in DOMAIN.md, "Metric definitions".

    Operators and viewers of a venue and administrators only: a resident gets 403
    `not_venue_operator`; a venue or community the caller may not read is 404
    `venue_not_found` / `community_not_found`, as a missing one. `to` must be after `from`
    (422 `invalid_range`) and at most 366 days later (422 `range_too_long`). A rate with
    no denominator is null. With `by=week` (weeks from Monday) or `by=month`, `series`
    holds the same figures per period, the first and last cut to [from, to).
    """
    venues = metrics_scope(user=request.user, venue_id=venue, community_id=community)
    check_date_range(start, end, max_days=MAX_DAYS)
    if by is None:
        return metrics_payload(metrics_for(venues=venues, start=start, end=end))
    whole, series = metrics_with_series(venues=venues, start=start, end=end, by=by)
    return {
        **metrics_payload(whole),
        "series": [metrics_payload(m, period=True) for m in series],
    }
