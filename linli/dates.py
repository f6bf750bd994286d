"""Dates as residents read them: 11月24日 in Chinese, 24 Nov in English.

The format strings themselves are translated (PHP-style date formats, as Django's `date`
filter uses), so each language gets its natural order without a language check in code.
"""

import datetime as dt

from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext


def month_day(value: dt.date | dt.datetime) -> str:
    return date_format(value, pgettext("date format: month and day", "n月j日"))


def full_date(value: dt.date | dt.datetime) -> str:
    return date_format(value, pgettext("date format: year, month and day", "Y年n月j日"))


def month_day_time(value: dt.datetime) -> str:
    return date_format(value, pgettext("date format: month, day and time", "n月j日 H:i"))
