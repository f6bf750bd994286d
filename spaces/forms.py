"""Operator forms. They only parse input; the rules live in spaces.services."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from linli.forms import PageFormMixin
from spaces.models import AccessibilityFeature, HolidayPolicy, Venue, VenueKind

COORDINATE_SYSTEMS = [
    ("wgs84", gettext_lazy("WGS-84（GPS、手机定位）")),
    ("gcj02", gettext_lazy("GCJ-02（高德、腾讯、微信）")),
    ("bd09", gettext_lazy("BD-09（百度）")),
]

_INTERVAL = re.compile(
    r"^\s*(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(次日|\+)?\s*(\d{1,2})[:：](\d{2})\s*$"
)


# Words an operator (or an import file) writes for a day closed on purpose; a blank room
# day means "no rule of its own: follow the venue".
CLOSED_WORDS = frozenset({"closed", "休息", "关闭", "闭馆", "休馆", "不开放"})


def is_closed_text(text: str) -> bool:
    return text.strip().lower() in CLOSED_WORDS


def parse_intervals(text: str) -> list[tuple[dt.time, dt.time, bool]]:
    """Parse "09:00-12:00, 14:00-次日02:00" into (opens, closes, overnight) triples.

    Overnight must be declared (次日 or +) so that a typo like 21:00-09:00 is caught as
    "closes before it opens" instead of silently becoming a 12-hour night.
    """
    result = []
    for part in re.split(r"[,，、;；\s]+(?=\d)", text.strip()) if text.strip() else []:
        match = _INTERVAL.match(part)
        if not match:
            raise forms.ValidationError(
                _("无法识别“%(part)s”，请按 09:00-12:00 的格式填写。") % {"part": part},
                code="format",
            )
        h1, m1, next_day, h2, m2 = match.groups()
        try:
            opens = dt.time(int(h1), int(m1))
            closes = dt.time(0, 0) if (h2, m2) == ("24", "00") else dt.time(int(h2), int(m2))
        except ValueError:
            raise forms.ValidationError(
                _("“%(part)s”中的时间无效。") % {"part": part}, code="format"
            ) from None
        overnight = bool(next_day) or ((h2, m2) == ("24", "00"))
        result.append((opens, closes, overnight))
    return result


def format_interval_input(opens: dt.time, closes: dt.time, overnight: bool) -> str:
    """One interval as an operator types it: 18:00-次日02:00 (18:00-+02:00 in English)."""
    marker = pgettext("overnight marker typed in hours, e.g. 18:00-次日02:00", "次日")
    return f"{opens:%H:%M}-{marker if overnight else ''}{closes:%H:%M}"


def format_intervals(rows) -> str:
    return ", ".join(format_interval_input(r.opens, r.closes, r.overnight) for r in rows)


class VenueForm(PageFormMixin, forms.ModelForm):
    latitude = forms.FloatField(label=gettext_lazy("纬度"))
    longitude = forms.FloatField(label=gettext_lazy("经度"))
    coordinate_system = forms.ChoiceField(
        label=gettext_lazy("坐标来源"), choices=COORDINATE_SYSTEMS, initial="wgs84"
    )
    accessibility = forms.MultipleChoiceField(
        label=gettext_lazy("无障碍设施"),
        choices=AccessibilityFeature.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=VenueKind.choices)
    holiday_policy = forms.ChoiceField(
        label=gettext_lazy("法定节假日"), choices=HolidayPolicy.choices
    )

    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "address",
            "latitude",
            "longitude",
            "time_zone",
            "description",
            "contact_phone",
            "holiday_policy",
            "is_published",
        ]


DAY_LABELS = [
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
    gettext_lazy("节假日特殊时间"),
]


class ImpactChoiceMixin:
    """The keep / cancel choice, added once a change turns out to close time that
    published events (or bookings) need: the service answered ImpactConflict and the view
    called ``ask_about(items)``; a re-submission carries the operator's choice."""

    affected_heading = gettext_lazy("受影响的活动")

    def keep_impact_choice(self) -> None:
        """Call last in ``__init__``: a re-submission after the question keeps its fields."""
        if self.is_bound and self.data.get("on_conflict"):
            self._add_impact_fields()

    def _add_impact_fields(self) -> None:
        self.fields["on_conflict"] = forms.ChoiceField(
            label=gettext_lazy("如何处理"),
            choices=[
                ("keep", gettext_lazy("保留这些活动（作为例外）")),
                ("cancel", gettext_lazy("取消这些活动并通知报名的居民")),
            ],
            widget=forms.RadioSelect,
        )
        self.fields["cancel_message"] = forms.CharField(
            label=gettext_lazy("给居民的说明"),
            max_length=200,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=gettext_lazy(
                "取消时，这段说明会作为活动的取消原因显示在活动页面上；留空则说明场馆调整了安排。"
            ),
        )

    def ask_about(self, items) -> None:
        """Word the choice for what is affected (``items``: spaces.impact.ImpactItem)."""
        if "on_conflict" not in self.fields:
            self._add_impact_fields()
        kinds = {item.kind for item in items}
        if kinds == {"event"}:
            return
        if "event" in kinds:
            self.affected_heading = _("受影响的预约和活动")
            choices = [("keep", _("全部保留（作为例外）")), ("cancel", _("全部取消并通知居民"))]
            help_text = _(
                "取消时，这段说明会短信发给预约的居民，并作为活动的取消原因显示在活动页面上；"
                "留空则说明场馆调整了安排。"
            )
        else:
            self.affected_heading = _("受影响的预约")
            choices = [
                ("keep", _("保留这些预约（作为例外）")),
                ("cancel", _("取消这些预约并通知居民")),
            ]
            help_text = _("取消时，这段说明会短信发给预约的居民；留空则说明场馆调整了安排。")
        self.fields["on_conflict"].choices = choices
        self.fields["cancel_message"].help_text = help_text

    def impact_params(self) -> dict:
        """``on_conflict`` and ``message`` for the service: "ask" until a choice is made."""
        data = getattr(self, "cleaned_data", {})
        return {
            "on_conflict": data.get("on_conflict") or "ask",
            "message": data.get("cancel_message") or "",
        }


class RoomForm(ImpactChoiceMixin, PageFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=80)
    capacity = forms.IntegerField(label=gettext_lazy("容纳人数"), min_value=1, max_value=10000)
    description = forms.CharField(
        label=gettext_lazy("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    amenities = forms.CharField(
        label=gettext_lazy("设施"),
        required=False,
        help_text=gettext_lazy("用顿号或逗号分隔，例如：投影仪、茶具、空调"),
    )
    is_bookable = forms.BooleanField(label=gettext_lazy("可预约"), required=False, initial=True)
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Turning bookings off asks about the bookings to come (spaces.impact RoomChange).
        self.keep_impact_choice()

    def clean_amenities(self) -> list[str]:
        raw = self.cleaned_data.get("amenities", "")
        return [a.strip() for a in re.split(r"[,，、;；]", raw) if a.strip()]


class WeeklyHoursForm(ImpactChoiceMixin, PageFormMixin, forms.Form):
    """One text field per day. For the venue an empty day is closed; for a room an empty
    day follows the venue and a closed word ("休息", "关闭", "closed") closes it."""

    def __init__(self, *args, for_room: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_room = for_room
        for day, label in enumerate(DAY_LABELS):
            help_text = None
            if day == 7:
                help_text = (
                    gettext_lazy("填“休息”：每个节假日都关闭；时段仅在节假日政策为“特殊时间”时使用")
                    if for_room
                    else gettext_lazy("仅在节假日政策为“特殊时间”时使用")
                )
            self.fields[f"day_{day}"] = forms.CharField(
                label=label, required=False, help_text=help_text
            )
        self.keep_impact_choice()

    def rules(self):
        from spaces.services import HoursRule

        rules, index = [], {}
        for day in range(8):
            text = self.cleaned_data.get(f"day_{day}", "")
            if is_closed_text(text):
                if self.for_room:
                    index[len(rules)] = f"day_{day}"
                    rules.append(HoursRule(day=day, closed=True))
                continue
            try:
                parsed = parse_intervals(text)
            except forms.ValidationError as exc:
                self.add_error(f"day_{day}", exc)
                continue
            for opens, closes, overnight in parsed:
                index[len(rules)] = f"day_{day}"
                rules.append(HoursRule(day=day, opens=opens, closes=closes, overnight=overnight))
        return rules, index


def hours_initial(rows) -> dict:
    """The hours form's initial text per day: intervals, or the closed word for a room's
    day closed by its own rule."""
    initial = {}
    for day in range(8):
        mine = [r for r in rows if r.day == day]
        if any(r.opens is None for r in mine):
            initial[f"day_{day}"] = pgettext("a room day closed by its own rule", "休息")
        else:
            initial[f"day_{day}"] = format_intervals(mine)
    return initial


class ExceptionForm(ImpactChoiceMixin, PageFormMixin, forms.Form):
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    room = forms.TypedChoiceField(
        label=gettext_lazy("范围"), coerce=int, required=False, empty_value=None
    )
    hours = forms.CharField(
        label=gettext_lazy("特殊开放时间"),
        required=False,
        help_text=gettext_lazy("留空表示全天闭馆；例如 09:00-12:00"),
    )
    reason = forms.CharField(label=gettext_lazy("原因（居民可见）"), max_length=120)

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("整个场馆"))] + [(r.pk, r.name) for r in rooms]
        self.keep_impact_choice()

    def clean_hours(self):
        text = self.cleaned_data.get("hours", "")
        return [] if is_closed_text(text) else parse_intervals(text)


class PhotoForm(PageFormMixin, forms.Form):
    image = forms.FileField(label=gettext_lazy("照片"))
    caption = forms.CharField(label=gettext_lazy("说明"), max_length=120, required=False)
    room = forms.TypedChoiceField(
        label=gettext_lazy("属于"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("整个场馆"))] + [(r.pk, r.name) for r in rooms]
