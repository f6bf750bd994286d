"""Shared glue between domain errors and Django forms."""

from django import forms

from linli.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, *, field_map: dict | None = None) -> None:
    """Show a service's DomainError on the form, next to the field it names when possible."""
    field_map = field_map or {}
    placed = False
    for name, messages in exc.fields.items():
        target = field_map.get(name, name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class NoLabelSuffixMixin:
    """Labels stand on their own line above the field; a trailing ":" only adds noise (and
    a half-width colon looks wrong after Chinese text)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
