"""Shared glue between domain errors and Django forms."""

from django import forms
from django.utils.translation import gettext as _

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


def _defaults(field: forms.Field) -> dict:
    """Django's own messages for ``field``'s class (what the field has unless told)."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def plain_messages(field: forms.Field) -> dict:
    """Messages in plain Chinese that name the field and say what to write instead.

    Limits stay Django's placeholders (``%(limit_value)s``, ``%(show_value)s``), filled in
    by the validator that raises them.
    """
    label = str(field.label or "")
    if isinstance(field, forms.BooleanField):
        required = _("请勾选“%(label)s”。") % {"label": label}
    elif isinstance(field, forms.ChoiceField):
        required = _("请选择%(label)s。") % {"label": label}
    else:
        required = _("请填写%(label)s。") % {"label": label}
    messages = {
        "required": required,
        "min_value": _("%(label)s至少为 %%(limit_value)s。") % {"label": label},
        "max_value": _("%(label)s最多为 %%(limit_value)s。") % {"label": label},
        "min_length": _("%(label)s至少 %%(limit_value)s 个字。") % {"label": label},
        "max_length": _(
            "%(label)s最多 %%(limit_value)s 个字（现在是 %%(show_value)s 个），请删减后再保存。"
        )
        % {"label": label},
        "invalid_choice": _("%(label)s的选项已不存在，请刷新页面后重新选择。") % {"label": label},
        "invalid_list": _("请选择%(label)s。") % {"label": label},
        "invalid_pk_value": _("%(label)s的选项已不存在，请刷新页面后重新选择。") % {"label": label},
        "max_decimal_places": _("%(label)s最多保留 %%(max)s 位小数。") % {"label": label},
        "max_digits": _("%(label)s太大了，请检查后再填写。") % {"label": label},
        "max_whole_digits": _("%(label)s太大了，请检查后再填写。") % {"label": label},
    }
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        messages["invalid"] = _("%(label)s请填写整数，例如 10。") % {"label": label}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("%(label)s请填写数字，例如 12.5。") % {"label": label}
    elif isinstance(field, forms.DateField):
        messages["invalid"] = _("请按 2026-10-01 的格式填写%(label)s。") % {"label": label}
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = _("请按 09:00 的格式填写%(label)s。") % {"label": label}
    return messages


class PageFormMixin:
    """Every page form: labels on their own line without a trailing ":" (a half-width
    colon looks wrong after Chinese text), and plain Chinese messages for what Django would
    otherwise say ("这个字段是必填项。" → "请填写容量。").

    A message a field sets itself is kept. Text longer than a field allows is reported with
    its length instead of being cut: the browser's ``maxlength`` would drop pasted text
    silently, so it is left off (forms carry ``novalidate``; the server's messages speak).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._plain_messages()

    def full_clean(self):
        self._plain_messages()  # again: fields added after __init__ (e.g. booking rules)
        super().full_clean()

    def _plain_messages(self) -> None:
        for field in self.fields.values():
            set_plain_messages(field)


def set_plain_messages(field: forms.Field) -> None:
    """Apply ``plain_messages`` to a field built after the form's __init__ (or outside one)."""
    defaults = _defaults(field)
    for key, message in plain_messages(field).items():
        if key not in field.error_messages or field.error_messages[key] == defaults.get(key):
            field.error_messages[key] = message
    max_length = getattr(field, "max_length", None)
    if max_length is not None and field.widget.attrs.get("maxlength") == str(max_length):
        del field.widget.attrs["maxlength"]


def supported_date(value) -> bool:
    """Whether ``value`` (a date) lies in the calendar Linli supports (spaces.calendar);
    outside it, date arithmetic may overflow, so pages refuse it before computing."""
    from spaces.calendar import MAX_DATE, MIN_DATE

    return value is None or MIN_DATE < value <= MAX_DATE


class CalendarDateField(forms.DateField):
    """A date inside the supported calendar (else the form error "日期超出支持的范围…")."""

    def validate(self, value):
        super().validate(value)
        if not supported_date(value):
            from spaces.hours.compute import date_out_of_range

            raise forms.ValidationError(str(date_out_of_range().message), code="date_out_of_range")
