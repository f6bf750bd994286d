from django import template
from django.utils.translation import gettext as _

from linli import dates

register = template.Library()


@register.filter
def distance(metres):
    from spaces.geo import format_distance

    return "" if metres is None else format_distance(metres)


@register.filter
def photo_src(photo, width=480):
    from spaces.photos import photo_url

    return photo_url(photo, int(width))


@register.filter
def photo_srcset(photo):
    from spaces.photos import photo_srcset as srcset

    return srcset(photo)


@register.filter
def weekday_short(day):
    return dates.weekday_short(day)


@register.filter
def hhmm(value, base_date=None):
    """09:00; an end on the next day reads 次日02:00 so overnight hours are unambiguous."""
    local = value
    text = f"{local:%H:%M}"
    if base_date is not None and local.date() > base_date:
        return _("次日%(time)s") % {"time": text}
    return text


@register.simple_tag
def operator_links():
    from spaces.extensions import operator_links as links

    return links()
