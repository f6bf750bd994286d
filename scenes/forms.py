"""The planner's scene form: a plain <form> that works without JavaScript.

It only parses and reshapes input; scenes.services decides what is allowed, and its
errors come back onto these fields (``SERVICE_FIELD_MAP``) so nothing typed is lost.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.dates import weekday_choices
from linli.forms import PageFormMixin
from scenes.booking_rules import RULES, Rule
from scenes.models import DayFilter, Scene, SceneKind
from scenes.rules import weekdays_list, weekdays_mask

WEEKDAY_CHOICES = weekday_choices(first=1, short=True)
BOOL_CHOICES = [("", _("按类型默认")), ("yes", _("是")), ("no", _("否"))]
# Service field -> form field, for errors.
SERVICE_FIELD_MAP = {rule.name: rule.form_name for rule in RULES if rule.form_name != rule.name}
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SceneForm(PageFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(
        label=_("简介（居民可见）"),
        max_length=200,
        required=False,
        help_text=_("例如：品茶议事、兴趣课程"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=SceneKind.choices, widget=forms.RadioSelect)
    # Nothing is ticked for a new scene: the operator says "all" or names rooms, and both
    # at once is a question back, never a silent "all".
    all_rooms = forms.BooleanField(label=_("全部功能室（包括以后新增的）"), required=False)
    rooms = forms.ModelMultipleChoiceField(
        label=_("或只选这些功能室"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat = forms.ChoiceField(
        label=_("重复"),
        choices=[("weekly", _("每周重复")), ("once", _("仅一天"))],
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
        self.fields["rooms"].label_from_instance = lambda room: room.name
        # In declaration order; left blank, a rule keeps the kind's default (new scene) or
        # its current value (edit).
        for rule in RULES:
            self.fields[rule.form_name] = rule_form_field(rule)

    RULE_GROUP = tuple(rule.form_name for rule in RULES)
    # Shown for "每周重复" / "仅一天"; the other group is hidden (static/js/planner.js) and
    # ignored here, whatever it holds.
    REPEAT_GROUPS = {
        "weekly": ("weekdays", "day_filter", "valid_from", "valid_until"),
        "once": ("one_off_date",),
    }

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
        repeat = data.get("repeat")
        for group, names in self.REPEAT_GROUPS.items():
            if repeat and group != repeat:
                for name in names:
                    self.errors.pop(name, None)
                    data.pop(name, None)
        if data.get("all_rooms") and data.get("rooms"):
            self.add_error(
                "rooms",
                _("请只选一种：勾选“全部功能室”，或者只勾选具体的功能室。"),
            )
        if repeat == "once":
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
            "all_rooms": data["all_rooms"],
            "rooms": rooms,
            "starts": data["starts"],
            "ends": data["ends"],
            "overnight": data["overnight"],
            "one_off_date": data.get("one_off_date") if once else None,
        }
        if not once:
            fields.update(
                weekdays=weekdays_mask(data["weekdays"]),
                day_filter=data["day_filter"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        for rule in RULES:
            value = data.get(rule.form_name)
            if rule.optional:
                # Blank is a value of its own here (e.g. "the room's capacity").
                fields[rule.name] = value
            elif value not in (None, ""):
                fields[rule.name] = rule_value(rule, value)
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
    }
    for rule in RULES:
        initial[rule.form_name] = form_value(rule, getattr(scene, rule.name))
    return initial


def initial_for_new(
    *, day: dt.date | None, valid_from: dt.date, room_id: int | None, start: dt.time | None
) -> dict:
    """A new scene from ``valid_from``: weekly on ``day``'s weekday (every day when None),
    in ``room_id`` (no room ticked when None: the operator chooses), from ``start``."""
    initial = {
        "kind": SceneKind.PUBLIC,
        "repeat": "weekly",
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "day_filter": DayFilter.ALL,
        "all_rooms": False,
        "rooms": [room_id] if room_id else [],
        "valid_from": valid_from,
        "starts": start or dt.time(9),
        "ends": dt.time(18) if (start or dt.time(9)) < dt.time(18) else dt.time(22),
    }
    if day is not None:
        initial["weekdays"] = [day.isoweekday()]
    return initial


def rule_form_field(rule: Rule) -> forms.Field:
    """The form field for one declared booking rule, with the declaration's bounds."""
    common = {
        "label": rule.form_label or rule.label,
        "required": False,
        "help_text": rule.form_help or rule.help,
    }
    if rule.type is str:
        return forms.ChoiceField(choices=[("", _("按类型默认")), *rule.choices.choices], **common)
    if rule.type is bool:
        return forms.ChoiceField(choices=BOOL_CHOICES, **common)
    if rule.unit == "fen":
        # Operators type prices in yuan; the model keeps fen.
        return forms.DecimalField(
            **common,
            min_value=Decimal(rule.low) / 100,
            max_value=rule.yuan_max,
            max_digits=len(str(rule.high)),
            decimal_places=2,
        )
    return forms.IntegerField(min_value=rule.low, max_value=rule.high, **common)


def rule_value(rule: Rule, value):
    """A cleaned form value -> the rule's stored value."""
    if rule.type is bool:
        return value == "yes"
    if rule.unit == "fen":
        return int((value * 100).to_integral_value())
    return value


def form_value(rule: Rule, value):
    """A stored rule value -> what the form shows."""
    if rule.type is bool:
        return "yes" if value else "no"
    if rule.unit == "fen":
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    return value
