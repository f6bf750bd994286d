"""The series form. It only parses input; the rules live in bookings.services.series."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.services.series import MAX_WEEKS
from linli.dates import weekday_choices
from linli.forms import CalendarDateField, PageFormMixin
from scenes.models import GroupVenueApproval
from spaces.models import Room


class SeriesForm(PageFormMixin, forms.Form):
    room = forms.ModelChoiceField(label=_("功能室"), queryset=None, empty_label=_("请选择功能室"))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("每周哪几天"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    first_date = CalendarDateField(
        label=_("从哪天开始"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(
        label=_("共几周"),
        min_value=1,
        max_value=MAX_WEEKS,
        required=False,
    )
    until = CalendarDateField(
        label=_("或者到哪天为止"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    people = forms.IntegerField(label=_("人数"), min_value=1)
    purpose = forms.CharField(
        label=_("用途"), max_length=100, help_text=_("例如“合唱排练”，场馆和邻居都能看到。")
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        approved = GroupVenueApproval.objects.filter(
            group=group, status=GroupVenueApproval.Status.APPROVED
        ).values("venue_id")
        self.fields["room"].queryset = (
            Room.objects.filter(venue_id__in=approved, is_bookable=True)
            .select_related("venue")
            .order_by("venue__name", "order", "pk")
        )
        self.fields["room"].label_from_instance = lambda room: f"{room.venue.name} · {room.name}"
        self.fields["weekdays"].choices = weekday_choices()
        self.fields["weeks"].help_text = gettext(
            "最多 %(n)s 周。也可以不填，改填下面的截止日期。"
        ) % {"n": MAX_WEEKS}

    def inputs(self) -> dict:
        """The service's keyword arguments (without user and group)."""
        data = self.cleaned_data
        return {
            "room": data["room"],
            "weekdays": data["weekdays"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "first_date": data["first_date"],
            "weeks": data["weeks"],
            "until": data["until"],
            "people": data["people"],
            "purpose": data["purpose"],
        }


# Service error fields -> form fields (the group is chosen by the page, not the form).
FIELD_MAP = {"group": "room"}
