"""{% page_sections "event" event=event %}: the blocks later apps register for a page
(linli.extensions)."""

from django import template

from linli.extensions import render_page_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page: str, **objects):
    return render_page_sections(page, context["request"], **objects)
