"""What the operators' dashboard shows: key figures, the venue comparison and the charts,
each with its table (the CSV exports are these tables).

Built lazily from one period form: the page uses everything, a CSV export only what its
table needs. The totals and every trend come from one ``metrics_with_series`` (the timelines
loaded once; never a ``metrics_for`` per period); only the venue comparison takes one
``metrics_for`` per venue.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from django.utils.translation import gettext as _

from linli import charts
from linli.dates import month_day, weekday_name
from metrics.selectors import Metrics, metrics_for
from metrics.selectors.heat import Heat, openness_heat
from metrics.selectors.metrics import metrics_with_series
from metrics.selectors.periods import BY_WEEK
from metrics.words import Figure, figure, hours_label

pct = charts.percent
TABLES = ("figures", "venues", "heat", "shares", "utilisation", "repeat", "cohorts")


def satisfaction_label(m: Metrics) -> str:
    s = m.satisfaction
    if s.mean is None:
        return "—"
    return _("%(mean)s 分（%(n)s 条）") % {"mean": f"{s.mean:.1f}", "n": s.count}


def label_width(text: str) -> float:
    """About how wide ``text`` is drawn at the charts' 11-unit labels: CJK characters are
    square, digits and Latin letters about half as wide."""
    return sum(11 if ord(ch) >= 0x2E80 else 6.2 for ch in text)


def key_figures(m: Metrics) -> list[Figure]:
    """Each figure of the period with one plain line of what it means (DOMAIN.md 1-12)."""
    s = m.satisfaction
    rated = (
        _("平均 %(mean)s 分（满分 5 分），%(share)s 为 4 分或 5 分，共 %(n)s 条评价。")
        % {"mean": f"{s.mean:.1f}", "share": pct(s.share_4_5), "n": s.count}
        if s.mean is not None
        else _("这段时间没有评价。")
    )
    return [
        figure("open_room_hours", hours_label(m.open_room_hours)),
        figure("public", pct(m.scene_shares.public)),
        figure("commercial", pct(m.scene_shares.commercial)),
        figure("off_work_hours_share", pct(m.off_work_hours_share)),
        figure("utilisation", pct(m.utilisation), h=hours_label(m.bookable_room_hours)),
        figure("show_rate", pct(m.show_rate)),
        figure("visits", f"{m.visits:,}"),
        figure("walk_in_headcount", f"{m.walk_in_headcount:,}"),
        figure("unique_visitors", f"{m.unique_visitors:,}"),
        figure("repeat_visit_rate", pct(m.repeat_visit_rate)),
        figure("return_30d_rate", pct(m.return_30d_rate)),
        figure("satisfaction", satisfaction_label(m), rated),
        figure("predictability", pct(m.predictability)),
    ]


class Dashboard:
    """The figures of ``venues`` over [start, end), trends by ``by`` (week or month);
    ``compare``: one row per venue in the comparison table."""

    def __init__(self, *, venues, start, end, by: str, compare: bool):
        self.venues, self.start, self.end, self.by = list(venues), start, end, by
        self.compare = compare and len(self.venues) > 0

    @cached_property
    def _both(self) -> tuple[Metrics, list[Metrics]]:
        return metrics_with_series(venues=self.venues, start=self.start, end=self.end, by=self.by)

    @property
    def total(self) -> Metrics:
        return self._both[0]

    @property
    def series(self) -> list[Metrics]:
        return self._both[1]

    @cached_property
    def heat(self) -> Heat:
        return openness_heat(venues=self.venues, start=self.start, end=self.end)

    @cached_property
    def per_venue(self) -> list[tuple[object, Metrics]]:
        if not self.compare:
            return []
        return [(v, metrics_for(venues=[v], start=self.start, end=self.end)) for v in self.venues]

    @cached_property
    def figures(self) -> list[Figure]:
        return key_figures(self.total)

    def period_label(self, m: Metrics) -> str:
        if self.by == BY_WEEK:
            return month_day(m.start)
        return _("%(y)s年%(m)s月") % {"y": m.start.year, "m": m.start.month}

    def _short_label(self, m: Metrics) -> str:
        return month_day(m.start) if self.by == BY_WEEK else _("%(m)s月") % {"m": m.start.month}

    @property
    def _label_every(self) -> int:
        return max(1, -(-len(self.series) // 6))  # at most ~6 labels across 340 units

    # --- tables ------------------------------------------------------------------------

    def figures_table(self) -> charts.Table:
        return charts.Table(
            caption=_("主要数字"),
            headers=[_("指标"), _("数值"), _("说明")],
            rows=[[f.label, f.value, f.help] for f in self.figures],
        )

    def venues_table(self) -> charts.Table:
        headers = [
            _("场馆"),
            _("开放时长（小时）"),
            _("公益时段占比"),
            _("下班后和休息日开放"),
            _("预约使用率"),
            _("到场率"),
            _("到访人次"),
            _("到访居民"),
            _("回头客比例"),
            _("满意度"),
        ]
        rows = [
            [
                venue.name,
                f"{m.open_room_hours:.0f}",
                pct(m.scene_shares.public),
                pct(m.off_work_hours_share),
                pct(m.utilisation),
                pct(m.show_rate),
                str(m.visits),
                str(m.unique_visitors),
                pct(m.repeat_visit_rate),
                "—" if m.satisfaction.mean is None else f"{m.satisfaction.mean:.1f}",
            ]
            for venue, m in self.per_venue
        ]
        return charts.Table(caption=_("各场馆对比"), headers=headers, rows=rows)

    def table(self, name: str) -> charts.Table:
        if name == "figures":
            return self.figures_table()
        if name == "venues":
            return self.venues_table()
        return getattr(self, f"{name}_chart")().table

    # --- charts ------------------------------------------------------------------------

    def heat_chart(self) -> charts.Chart:
        h = self.heat
        best = max(  # the first of equals: Monday 9:00 rather than Sunday 21:00
            ((v, wd, hr) for wd, row in enumerate(h.values) for hr, v in enumerate(row) if v),
            key=lambda cell: cell[0],
            default=None,
        )
        summary = (
            _("最常开放的是%(day)s %(hour)s 点这一小时（%(share)s 的功能室时间开放）。")
            % {"day": weekday_name(best[1]), "hour": best[2], "share": pct(best[0])}
            if best
            else _("这段时间没有开放时间。")
        )
        chart = charts.heat_map(
            chart_id="heat",
            title=_("一周各时段开放情况（星期 × 小时）"),
            summary=summary,
            rows=[weekday_name(wd, short=True) for wd in range(7)],
            columns=[str(hour) for hour in range(24)],
            values=h.values,
            label_every=3,
            top=1.0,
        )
        note = _("每格是一个钟点（0–23 点），颜色越深，那一小时开放的功能室越多。")
        return replace(chart, notes=(note,))

    def shares_chart(self) -> charts.Chart:
        m = self.total
        return charts.stacked_bars(
            chart_id="shares",
            title=_("开放时间的场景构成"),
            summary=_("整段时间里公益时段占 %(p)s，商业时段占 %(c)s，未安排场景占 %(n)s。")
            % {
                "p": pct(m.scene_shares.public),
                "c": pct(m.scene_shares.commercial),
                "n": pct(m.scene_shares.none),
            },
            labels=[self._short_label(s) for s in self.series],
            series=[
                (_("公益"), "share-public", [s.scene_shares.public for s in self.series]),
                (_("商业"), "share-commercial", [s.scene_shares.commercial for s in self.series]),
                (_("未安排"), "share-none", [s.scene_shares.none for s in self.series]),
            ],
            label_every=self._label_every,
        )

    def _trend(self, chart_id: str, title: str, values: list, overall: float | None):
        known = [v for v in values if v is not None]
        summary = (
            _("整段时间 %(all)s；最高 %(hi)s，最低 %(lo)s。")
            % {"all": pct(overall), "hi": pct(max(known)), "lo": pct(min(known))}
            if known
            else _("这段时间没有可计算的数据。")
        )
        return charts.trend(
            chart_id=chart_id,
            title=title,
            summary=summary,
            labels=[self._short_label(s) for s in self.series],
            values=values,
            label_every=self._label_every,
        )

    def utilisation_chart(self) -> charts.Chart:
        return self._trend(
            "utilisation",
            _("预约使用率"),
            [s.utilisation for s in self.series],
            self.total.utilisation,
        )

    def repeat_chart(self) -> charts.Chart:
        return self._trend(
            "repeat",
            _("回头客比例"),
            [s.repeat_visit_rate for s in self.series],
            self.total.repeat_visit_rate,
        )

    def cohorts_chart(self) -> charts.Chart:
        cohorts = self.total.cohorts
        width = max((len(c.retention) for c in cohorts), default=1)
        values = [list(c.retention) + [None] * (width - len(c.retention)) for c in cohorts]
        second = [c.retention[1] for c in cohorts if len(c.retention) > 1]
        summary = (
            _("共 %(n)s 批新居民；第二个月还来的比例在 %(lo)s 到 %(hi)s 之间。")
            % {"n": len(cohorts), "lo": pct(min(second)), "hi": pct(max(second))}
            if second and None not in second
            else _("共 %(n)s 批新居民，按第一次来的月份分组。") % {"n": len(cohorts)}
            if cohorts
            else _("这段时间没有第一次来的居民。")
        )
        rows = [_("%(month)s · %(n)s人") % {"month": c.month, "n": c.size} for c in cohorts]
        chart = charts.heat_map(
            chart_id="cohorts",
            title=_("新居民之后几个月还来吗（按第一次来的月份）"),
            summary=summary,
            rows=rows,
            columns=[str(k) for k in range(width)],
            values=values,
            top=1.0,
            show_values=True,
            # A dozen columns leave ~20 units a cell: the number without "%" fits.
            cell_fmt=(lambda v: "" if v is None else f"{round(v * 100)}") if width > 6 else None,
            left=max(44, 6 + max((label_width(r) for r in rows), default=0)),
        )
        note = _(
            "每行是同一个月第一次来的居民（后面是人数）；第 0 列是当月，第 1 列是下个月，"
            "依此类推；格里的数字是还来的百分比。"
        )
        return replace(chart, notes=(note,))

    def charts(self) -> list[charts.Chart]:
        return [
            self.heat_chart(),
            self.shares_chart(),
            self.utilisation_chart(),
            self.repeat_chart(),
            self.cohorts_chart(),
        ]
