from django import template

from linli import dates

register = template.Library()
register.filter("month_day", dates.month_day)
register.filter("full_date", dates.full_date)
register.filter("month_day_weekday", dates.month_day_weekday)


@register.simple_tag
def time_range(start, end, overnight=False):
    return dates.time_range(start, end, overnight)
