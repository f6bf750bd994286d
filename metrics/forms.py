"""The dashboard's period picker: a GET form (from, to, venue, by) with defaults."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _

from linli.forms import CalendarDateField, PageFormMixin
from metrics.selectors.periods import BY_MONTH, BY_WEEK, ONE_DAY

MAX_DAYS = 366
DEFAULT_WEEKS = 12


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 whole weeks (Monday to Sunday) before this one, to-date inclusive."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(weeks=DEFAULT_WEEKS), this_monday - ONE_DAY


def presets(today: dt.date) -> list[tuple[str, dict[str, str]]]:
    """Plain links for common periods: (label, query), dates inclusive."""
    first = today.replace(day=1)
    last_month = (first - ONE_DAY).replace(day=1)
    three_back = (last_month - ONE_DAY).replace(day=1)
    three_back = (three_back - ONE_DAY).replace(day=1)

    def query(start: dt.date, last: dt.date, by: str) -> dict[str, str]:
        return {"from": start.isoformat(), "to": last.isoformat(), "by": by}

    return [
        (_("本月"), query(first, today, BY_WEEK)),
        (_("上月"), query(last_month, first - ONE_DAY, BY_WEEK)),
        (_("近三个月"), query(three_back, first - ONE_DAY, BY_MONTH)),
        (_("今年"), query(today.replace(month=1, day=1), today, BY_MONTH)),
    ]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(PageFormMixin, forms.Form):
    """Always bound: what the query string gives, the default period for what it lacks.
    ``venues`` are those the user may read; ``fixed_venue`` (the venue's own dashboard)
    leaves the venue out of the form."""

    def __init__(self, query, *, venues, today: dt.date, fixed_venue=None):
        start, last = default_period(today)
        data = {"from": start.isoformat(), "to": last.isoformat(), "by": BY_WEEK, "venue": ""}
        data.update({k: query[k] for k in data if k in query})
        super().__init__(data)
        self.venues = {str(v.pk): v for v in venues}
        self.fixed_venue = fixed_venue
        self.fields["from"] = CalendarDateField(label=_("开始日期"), widget=_date_input())
        self.fields["to"] = CalendarDateField(
            label=_("结束日期"), help_text=_("含这一天；最长 366 天。"), widget=_date_input()
        )
        if fixed_venue is None:
            self.fields["venue"] = forms.ChoiceField(
                label=_("场馆"),
                required=False,
                choices=[("", _("全部场馆")), *((pk, v.name) for pk, v in self.venues.items())],
            )
        self.fields["by"] = forms.ChoiceField(
            label=_("趋势按"), choices=[(BY_WEEK, _("周")), (BY_MONTH, _("月"))]
        )
        self._plain_messages()

    def clean(self):
        data = super().clean()
        start, last = data.get("from"), data.get("to")
        if start and last:
            if last < start:
                self.add_error("to", _("结束日期不能早于开始日期。"))
            elif (last - start).days + 1 > MAX_DAYS:
                self.add_error("to", _("时间段最长 366 天，请缩短。"))
        return data

    # After is_valid():

    @property
    def start(self) -> dt.date:
        return self.cleaned_data["from"]

    @property
    def end(self) -> dt.date:
        """Exclusive, as every metric takes it."""
        return self.cleaned_data["to"] + ONE_DAY

    @property
    def by(self) -> str:
        return self.cleaned_data["by"]

    @property
    def venue(self):
        """The one venue chosen, or None for all."""
        if self.fixed_venue is not None:
            return self.fixed_venue
        return self.venues.get(self.cleaned_data.get("venue") or "")

    def selected(self) -> list:
        venue = self.venue
        return [venue] if venue is not None else list(self.venues.values())
