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
