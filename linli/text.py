"""Pieces of running text that differ by language beyond their words.

Chinese lists things with 、 and clauses with ；, English with ", " and "; ". The
separators are translated, so code that joins names for display never checks the language.
"""

from collections.abc import Iterable

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext


def list_separator() -> str:
    """、 in Chinese, ", " in English: between the names of a list."""
    return pgettext("list separator", "、")


def clause_separator() -> str:
    """； in Chinese, "; " in English: between items that are whole clauses."""
    return pgettext("clause separator", "；")


def join_list(items: Iterable[object]) -> str:
    """ "大厅、小厅" / "Hall, Small room"."""
    return list_separator().join(str(item) for item in items)


def join_clauses(items: Iterable[object]) -> str:
    return clause_separator().join(str(item) for item in items)


def join_list_html(items: Iterable[object], *, autoescape: bool = True) -> str:
    """join_list for templates: items are escaped unless they are already safe."""
    if not autoescape:
        return join_list(items)
    return mark_safe(list_separator().join(conditional_escape(item) for item in items))
