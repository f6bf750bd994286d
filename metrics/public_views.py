"""The public openness page of a venue (信息公开), linked from the venue page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from linli import charts
from linli.dates import month_day
from metrics.selectors.openness import venue_openness
from metrics.words import figure, hours_label
from spaces import selectors as space_selectors


def openness_page(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = space_selectors.venue_get(venue_id=venue_id)  # 404 unless published
    o = venue_openness(venue=venue, today=space_selectors.local_today(venue))
    hours = [w.open_room_hours for w in o.weeks]
    busiest = max(o.weeks, key=lambda w: w.open_room_hours) if o.weeks else None
    chart = charts.trend(
        chart_id="weekly-hours",
        title=_("每周开放时长（各功能室相加）"),
        summary=(
            _("13 周共开放 %(total)s 小时，最多的一周（%(day)s 起）%(most)s 小时。")
            % {
                "total": f"{o.open_room_hours:.0f}",
                "day": month_day(busiest.start),
                "most": f"{busiest.open_room_hours:.0f}",
            }
            if busiest and busiest.open_room_hours
            else _("这 13 周没有开放记录。")
        ),
        labels=[month_day(w.start) for w in o.weeks],
        values=hours,
        label_every=3,
        fmt=hours_label,
        top=max(hours, default=0) or 1,
    )
    pct = charts.percent
    if o.satisfaction_mean is None:
        rated = _("评价少于 5 条，暂不公布分数。")
    else:
        rated = _("%(mean)s 分（满分 5 分），%(share)s 的评价为 4 分或 5 分，共 %(n)s 条。") % {
            "mean": f"{o.satisfaction_mean:.1f}",
            "share": pct(o.satisfaction_share_4_5),
            "n": o.ratings,
        }
    figures = [
        figure("open_room_hours", hours_label(o.open_room_hours)),
        figure("public", pct(o.public_share)),
        figure("off_work_hours_share", pct(o.off_work_hours_share)),
        figure("predictability", pct(o.predictability)),
        figure("satisfaction", rated),
    ]
    context = {
        "venue": venue,
        "first_day": o.start,
        "last_day": o.end - dt.timedelta(days=1),
        "figures": figures,
        "chart": chart,
    }
    return TemplateResponse(request, "metrics/openness.html", context)
