"""The planner's scene form: a plain <form> that works without JavaScript.

It only parses and reshapes input; scenes.services decides what is allowed, and its
errors come back onto these fields (``SERVICE_FIELD_MAP``) so nothing typed is lost.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.forms import NoLabelSuffixMixin
from scenes.models import DayFilter, Scene, SceneKind, WhoMayBook
from scenes.rules import RULE_FIELDS, weekdays_list, weekdays_mask

WEEKDAY_CHOICES = [
    (1, _("周一")),
    (2, _("周二")),
    (3, _("周三")),
    (4, _("周四")),
    (5, _("周五")),
    (6, _("周六")),
    (7, _("周日")),
]
BOOL_CHOICES = [("", _("按类型默认")), ("yes", _("是")), ("no", _("否"))]
# Service field -> form field, for errors.
SERVICE_FIELD_MAP = {"price_per_hour_fen": "price_yuan"}
# Integer rule fields shown as minutes/days/counts; left blank they keep the kind's default
# (new scene) or the current value (edit).
INT_RULES = (
    ("slot_minutes", _("时段粒度（分钟）"), 5, 240),
    ("min_duration_minutes", _("最短时长（分钟）"), 1, 1440),
    ("max_duration_minutes", _("最长时长（分钟）"), 1, 1440),
    ("min_notice_minutes", _("最少提前（分钟）"), 0, 43200),
    ("max_days_ahead", _("最多提前天数"), 0, 365),
    ("max_active_bookings", _("每人最多有效预约"), 0, 100),
    ("checkin_before_minutes", _("可提前签到（分钟）"), 0, 240),
    ("checkin_after_minutes", _("开始后可签到（分钟）"), 0, 240),
    ("cancel_deadline_minutes", _("取消截止（开始前分钟）"), 0, 43200),
)
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SceneForm(NoLabelSuffixMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(
        label=_("简介（居民可见）"),
        max_length=200,
        required=False,
        help_text=_("例如：品茶议事、兴趣课程"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=SceneKind.choices, widget=forms.RadioSelect)
    all_rooms = forms.BooleanField(label=_("适用于全部功能室"), required=False)
    rooms = forms.ModelMultipleChoiceField(
        label=_("或选择功能室"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat = forms.ChoiceField(
        label=_("重复"),
        choices=[("weekly", _("每周重复")), ("once", _("单次（指定日期）"))],
        widget=forms.RadioSelect,
        initial="weekly",
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("星期"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    day_filter = forms.ChoiceField(
        label=_("适用日期"),
        choices=DayFilter.choices,
        widget=forms.RadioSelect,
        initial=DayFilter.ALL,
        help_text=_("按国家法定节假日安排，含调休上班日。"),
    )
    starts = forms.TimeField(label=_("开始时间"), widget=TIME)
    ends = forms.TimeField(label=_("结束时间"), widget=TIME)
    overnight = forms.BooleanField(label=_("跨越午夜（结束于次日）"), required=False)
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=DATE)
    valid_until = forms.DateField(
        label=_("截止日期"), required=False, widget=DATE, help_text=_("留空表示长期有效。")
    )
    one_off_date = forms.DateField(label=_("单次日期"), required=False, widget=DATE)

    who_may_book = forms.ChoiceField(
        label=_("谁可以预约"),
        choices=[("", _("按类型默认")), *WhoMayBook.choices],
        required=False,
    )
    price_yuan = forms.DecimalField(
        label=_("每小时价格（元）"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("公益时段须为 0。"),
    )
    requires_approval = forms.ChoiceField(
        label=_("需要运营方审核"), choices=BOOL_CHOICES, required=False
    )
    max_people_per_booking = forms.IntegerField(
        label=_("每次预约最多人数"),
        required=False,
        min_value=1,
        help_text=_("留空表示功能室容量。"),
    )
    on_conflict = forms.ChoiceField(
        label=_("处理方式"),
        choices=[("keep", _("保留这些预约（作为例外）")), ("cancel", _("取消并通知居民"))],
        required=False,
        widget=forms.RadioSelect,
    )
    cancel_message = forms.CharField(
        label=_("给居民的说明"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, venue, scene: Scene | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.scene = scene
        self.fields["rooms"].queryset = venue.rooms.order_by("order", "pk")
        for name, label, low, high in INT_RULES:
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=low, max_value=high
            )

    # Operators type prices in yuan; the model keeps fen.
    RULE_GROUP = tuple("price_yuan" if f == "price_per_hour_fen" else f for f in RULE_FIELDS)

    # Shown above the list of what a change affects (see ask_about).
    affected_heading = _("受影响的预约")

    def ask_about(self, items) -> None:
        """Word the keep/cancel choice for what the change affects: bookings, published
        events or both (``items``: scenes.impact.ImpactItem)."""
        kinds = {item.kind for item in items}
        if "event" not in kinds:
            return
        if kinds == {"event"}:
            self.affected_heading = _("受影响的活动")
            choices = [
                ("keep", _("保留这些活动（作为例外）")),
                ("cancel", _("取消这些活动并通知报名的居民")),
            ]
        else:
            self.affected_heading = _("受影响的预约和活动")
            choices = [("keep", _("全部保留（作为例外）")), ("cancel", _("全部取消并通知居民"))]
        self.fields["on_conflict"].choices = choices
        self.fields["cancel_message"].help_text = _(
            "取消时，这段说明会作为活动的取消原因显示在活动页面上；留空则说明场馆调整了安排。"
        )

    def rule_fields(self):
        return [self[name] for name in self.RULE_GROUP]

    def rules_have_errors(self) -> bool:
        return any(self[name].errors for name in self.RULE_GROUP)

    def clean(self):
        data = super().clean()
        if data.get("repeat") == "once":
            if not data.get("one_off_date") and "one_off_date" not in self.errors:
                self.add_error("one_off_date", _("请填写单次日期。"))
        elif not data.get("valid_from") and "valid_from" not in self.errors:
            self.add_error("valid_from", _("请填写生效日期。"))
        return data

    def service_fields(self) -> dict:
        """What scene_create / scene_update take; blank rules are left out."""
        data = self.cleaned_data
        once = data["repeat"] == "once"
        rooms = list(data["rooms"])
        fields = {
            "kind": data["kind"],
            "name": data["name"],
            "description": data["description"],
            "all_rooms": data["all_rooms"] or not rooms,
            "rooms": rooms,
            "starts": data["starts"],
            "ends": data["ends"],
            "overnight": data["overnight"],
            "one_off_date": data["one_off_date"] if once else None,
        }
        if not once:
            fields.update(
                weekdays=weekdays_mask(data["weekdays"]),
                day_filter=data["day_filter"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        if data["who_may_book"]:
            fields["who_may_book"] = data["who_may_book"]
        if data["price_yuan"] is not None:
            fields["price_per_hour_fen"] = int((data["price_yuan"] * 100).to_integral_value())
        if data["requires_approval"]:
            fields["requires_approval"] = data["requires_approval"] == "yes"
        for name, *_rest in INT_RULES:
            if data.get(name) is not None:
                fields[name] = data[name]
        fields["max_people_per_booking"] = data["max_people_per_booking"]
        return fields


def initial_for(scene: Scene) -> dict:
    """The form's initial values for editing ``scene``."""
    initial = {
        "name": scene.name,
        "description": scene.description,
        "kind": scene.kind,
        "all_rooms": scene.all_rooms,
        "rooms": [] if scene.all_rooms else list(scene.rooms.all()),
        "repeat": "once" if scene.one_off_date else "weekly",
        "weekdays": weekdays_list(scene.weekdays),
        "day_filter": scene.day_filter,
        "starts": scene.starts,
        "ends": scene.ends,
        "overnight": scene.overnight,
        "valid_from": scene.valid_from,
        "valid_until": scene.valid_until,
        "one_off_date": scene.one_off_date,
        "price_yuan": (Decimal(scene.price_per_hour_fen) / 100).quantize(Decimal("0.01")),
        "requires_approval": "yes" if scene.requires_approval else "no",
    }
    for name in RULE_FIELDS:
        initial.setdefault(name, getattr(scene, name))
    initial.pop("price_per_hour_fen", None)
    return initial


def initial_for_new(
    *, day: dt.date | None, valid_from: dt.date, room_id: int | None, start: dt.time | None
) -> dict:
    """A new scene from ``valid_from``: weekly on ``day``'s weekday (every day when None),
    in ``room_id`` (all rooms when None), from ``start``."""
    initial = {
        "kind": SceneKind.PUBLIC,
        "repeat": "weekly",
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "day_filter": DayFilter.ALL,
        "all_rooms": room_id is None,
        "rooms": [room_id] if room_id else [],
        "valid_from": valid_from,
        "starts": start or dt.time(9),
        "ends": dt.time(18) if (start or dt.time(9)) < dt.time(18) else dt.time(22),
    }
    if day is not None:
        initial["weekdays"] = [day.isoweekday()]
    return initial
