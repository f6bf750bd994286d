from django import template

from linli import dates

register = template.Library()
register.filter("month_day", dates.month_day)
register.filter("full_date", dates.full_date)
