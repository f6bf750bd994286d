"""{% load linli_text %}: {{ names|join_list }}, and {% list_separator %} between items a
{% for %} loop renders with markup of their own."""

from django import template

from linli import text

register = template.Library()


@register.filter(needs_autoescape=True)
def join_list(items, autoescape=True):
    return text.join_list_html(items, autoescape=autoescape)


@register.simple_tag
def list_separator():
    return text.list_separator()
