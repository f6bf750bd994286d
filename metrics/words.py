"""How the figures are named and explained to people: once, for the operators' dashboard
and the residents' openness page alike (DOMAIN.md, "Metric definitions")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# name -> (label, one plain line of what it means)
WORDS = {
    "open_room_hours": (
        gettext_lazy("开放时长"),
        gettext_lazy("各功能室开放的小时数相加，不含暂停开放（如检修）的时间。"),
    ),
    "public": (
        gettext_lazy("公益时段占比"),
        gettext_lazy("开放时间里属于公益时段（免费）的比例。"),
    ),
    "commercial": (
        gettext_lazy("商业时段占比"),
        gettext_lazy("开放时间里属于商业时段的比例；其余是没有安排场景的时间。"),
    ),
    "off_work_hours_share": (
        gettext_lazy("下班后和休息日开放"),
        gettext_lazy("工作日 8:00–18:00 以外的开放时间所占比例：上班的居民也能来。"),
    ),
    "utilisation": (
        gettext_lazy("预约使用率"),
        gettext_lazy("可预约的开放时间（%(h)s）里，被已确认的预约占用的比例。"),
    ),
    "show_rate": (
        gettext_lazy("到场率"),
        gettext_lazy("已确认、在这段时间内结束的预约中，有人签到的比例；其余是爽约。"),
    ),
    "visits": (
        gettext_lazy("到访人次"),
        gettext_lazy("一位居民一天来一个场馆算一次，无论是预约、活动还是随到随用。"),
    ),
    "walk_in_headcount": (
        gettext_lazy("未登记人数"),
        gettext_lazy("前台清点的未扫码居民人数之和，不计入到访人次。"),
    ),
    "unique_visitors": (
        gettext_lazy("到访居民"),
        gettext_lazy("这段时间里至少来过一次的居民人数。"),
    ),
    "repeat_visit_rate": (
        gettext_lazy("回头客比例"),
        gettext_lazy("到访居民中，有两天或更多天来过的比例。"),
    ),
    "return_30d_rate": (
        gettext_lazy("30 天内再来"),
        gettext_lazy("在这段时间里第一次来、并且 30 天已满的居民中，30 天内又来过的比例。"),
    ),
    "satisfaction": (gettext_lazy("居民满意度"), ""),
    "predictability": (
        gettext_lazy("按计划开放"),
        gettext_lazy("计划开放的时间里，没有被临时（提前不到 7 天）关闭的比例。越高越可靠。"),
    ),
}


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    help: str


def figure(name: str, value: str, help: str | None = None, **params) -> Figure:
    """A figure as shown: its label, its value, and its explanation (``params`` fill the
    explanation's placeholders; ``help`` replaces it)."""
    label, words = WORDS[name]
    if help is None:
        help = str(words) % params if params else str(words)
    return Figure(str(label), value, help)


def hours_label(value: float | None) -> str:
    return "—" if value is None else _("%(h)s 小时") % {"h": f"{value:,.0f}"}
