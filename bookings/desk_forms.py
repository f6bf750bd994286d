"""Forms of the operator's desk. Each only parses what was typed; the rules (six digits,
the check-in window, headcount limits, payment states) live in the services, whose
messages are shown next to the field they name."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import PaymentMethod
from bookings.services.bookings import REASON_MAX
from bookings.services.checkins import HEADCOUNT_MAX
from linli.forms import CalendarDateField, PageFormMixin

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class DayForm(PageFormMixin, forms.Form):
    date = CalendarDateField(
        label=_("日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CodeForm(PageFormMixin, forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        help_text=_("居民手机上预约页面的 6 位数字。"),
        widget=forms.TextInput(attrs={**NUMERIC, "class": "code desk-code", "enterkeyhint": "go"}),
    )

    def __init__(self, *args, focus: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Focused when the desk opens and after each code (the next arrival types theirs),
        # never after another action: htmx would scroll the page up to it.
        if focus:
            self.fields["code"].widget.attrs["autofocus"] = True


class RejectForm(PageFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("拒绝原因"),
        max_length=REASON_MAX,
        help_text=_("会通过短信告诉预约人。"),
    )


class PaymentForm(PageFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("付款方式"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    paid = forms.DecimalField(
        label=_("实收（元）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("999999.99"),
        decimal_places=2,
        help_text=_("不填按应付金额；免单不用填。"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def paid_fen(self) -> int | None:
        paid = self.cleaned_data.get("paid")
        return None if paid is None else int(paid * 100)


class WalkInForm(PageFormMixin, forms.Form):
    headcount = forms.IntegerField(
        label=_("人数"),
        min_value=1,
        max_value=HEADCOUNT_MAX,
        widget=forms.NumberInput(attrs={**NUMERIC, "class": "desk-headcount"}),
    )
    room = forms.ModelChoiceField(
        label=_("功能室（可不选）"), queryset=None, required=False, empty_label=_("不指定")
    )

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = venue.rooms.order_by("order", "pk")
