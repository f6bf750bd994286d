"""Output of GET /api/metrics. Keys are fixed (issue 10); a rate with no denominator is null."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class SceneSharesOut(Schema):
    public: float | None
    commercial: float | None
    none: float | None


class CohortOut(Schema):
    month: str = Field(description="YYYY-MM of the cohort's first-ever visit")
    size: int
    retention: list[float | None] = Field(
        description="[k]: share of the cohort with a visit k months after the first (k=0: 1.0)"
    )


class SatisfactionOut(Schema):
    mean: float | None
    share_4_5: float | None
    count: int


class MetricsFields(Schema):
    open_room_hours: float
    bookable_room_hours: float
    scene_shares: SceneSharesOut
    off_work_hours_share: float | None
    utilisation: float | None
    show_rate: float | None
    visits: int
    walk_in_headcount: int
    unique_visitors: int
    repeat_visit_rate: float | None
    return_30d_rate: float | None
    cohorts: list[CohortOut]
    satisfaction: SatisfactionOut
    predictability: float | None


class PeriodMetricsOut(MetricsFields):
    start: dt.date = Field(alias="from", description="first local date of this period")
    end: dt.date = Field(alias="to", description="exclusive")


class MetricsOut(MetricsFields):
    series: list[PeriodMetricsOut] | None = Field(
        None, description="only with by=week|month: the same figures per week or month"
    )
