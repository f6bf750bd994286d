"""Forms for groups and events. They only parse input; the rules live in scenes.services."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.forms import PageFormMixin
from scenes.selectors.groups import groups_approved_at
from scenes.services.events import MAX_WEEKS
from spaces.models import Venue

_PHONE_SEPARATORS = re.compile(r"[\n\r,，、;；]+")


def split_phones(text: str) -> list[str]:
    """One number per line, or separated by commas (either width) or 、."""
    return [p.strip() for p in _PHONE_SEPARATORS.split(text or "") if p.strip()]


class GroupForm(PageFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(
        label=_("简介"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("做什么、多久活动一次，例如“每周三下午合唱排练”。"),
    )
    members = forms.CharField(
        label=_("邀请成员（手机号）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "inputmode": "tel"}),
        help_text=_(
            "每行一个。对方用这个号码登录邻里后会看到邀请，接受后才加入；你自己会自动成为负责人。"
        ),
    )

    def member_phones(self) -> list[str]:
        return split_phones(self.cleaned_data.get("members", ""))


class InviteForm(PageFormMixin, forms.Form):
    members = forms.CharField(
        label=_("邀请成员（手机号）"),
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "tel"}),
        help_text=_("每行一个。对方用这个号码登录邻里后会看到邀请，接受后才加入。"),
    )

    def member_phones(self) -> list[str]:
        return split_phones(self.cleaned_data.get("members", ""))


class JoinForm(PageFormMixin, forms.Form):
    code = forms.CharField(
        label=_("邀请码"),
        max_length=40,
        help_text=_("向自组织负责人要的8位邀请码，例如 K7M2QX9A。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class ApprovalRequestForm(PageFormMixin, forms.Form):
    venue = forms.ModelChoiceField(
        label=_("申请在哪个场馆活动"),
        queryset=Venue.objects.filter(is_published=True).order_by("name"),
        empty_label=_("请选择场馆"),
    )


class DecisionForm(PageFormMixin, forms.Form):
    note = forms.CharField(
        label=_("备注（告诉负责人）"),
        max_length=200,
        required=False,
    )


class EventPublishForm(PageFormMixin, forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=80)
    room = forms.ModelChoiceField(label=_("功能室"), queryset=None, empty_label=None)
    organiser_group = forms.ModelChoiceField(
        label=_("主办方"), queryset=None, required=False, empty_label=_("本场馆（运营方）")
    )
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("名额"), min_value=1)
    weeks = forms.IntegerField(
        label=_("每周重复，共几周"),
        min_value=1,
        max_value=MAX_WEEKS,
        initial=1,
        help_text=_("填 1 表示只办一次；例如填 8 表示连续 8 周的同一天同一时间。"),
    )
    description = forms.CharField(
        label=_("活动介绍"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.fields["room"].queryset = venue.rooms.order_by("order", "pk")
        self.fields["room"].label_from_instance = lambda room: (
            _("%(name)s（%(n)s 人）")
            % {
                "name": room.name,
                "n": room.capacity,
            }
        )
        self.fields["organiser_group"].queryset = groups_approved_at(venue=venue)

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        """The start and end as aware datetimes in the venue's zone."""
        zone = self.venue.zone
        day = self.cleaned_data["date"]
        return (
            dt.datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone),
            dt.datetime.combine(day, self.cleaned_data["ends"], tzinfo=zone),
        )


class EventCancelForm(PageFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("取消原因（会告知已报名的居民）"), max_length=200, required=False
    )
    whole_series = forms.BooleanField(label=_("同时取消此后每周的同一活动"), required=False)


# Service error fields -> form fields, so each message lands next to what caused it.
PUBLISH_FIELD_MAP = {"starts_at": "starts", "ends_at": "ends"}
