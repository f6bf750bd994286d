"""Checks for single values of the import file. Each one records a problem and returns
MISSING instead of raising, so one pass over the file finds every error."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.errors import DomainError
from linli.text import join_list
from spaces.importer.report import ImportProblem, Loc

MISSING: Any = type(
    "Missing", (), {"__repr__": lambda self: "MISSING", "__bool__": lambda self: False}
)()

_PHONE = re.compile(r"^[0-9+\-()（）\s转]*$")
_GEO_FIELDS = {"latitude": "lat", "longitude": "lon", "coordinate_system": "system"}


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _quote(value: Any) -> str:
    return f"“{value}”"


def _choices_text(choices: list[tuple[str, str]]) -> str:
    """ "teahouse（社区茶馆）、other（其他）": the codes a file may use, with their meaning."""
    return join_list(
        pgettext("a code of the import file and its meaning", "%(code)s（%(label)s）")
        % {"code": code, "label": label}
        for code, label in choices
    )


class Reader:
    """Collects problems; every check takes the record's ``Loc`` and the field's name."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []
        self._seen: set[tuple[str, str]] = set()

    def error(self, loc: Loc, field: str, message: str, code: str = "invalid") -> None:
        path = loc.path(field)
        if (path, message) in self._seen:  # a group key ("weekdays") repeats per day
            return
        self._seen.add((path, message))
        self.problems.append(ImportProblem(path, loc.label(field), message, code))

    def mark(self) -> int:
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        return len(self.problems) == mark

    # --- structure ---------------------------------------------------------------------

    def obj(
        self,
        value: Any,
        loc: Loc,
        prefix: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> dict | None:
        """The object itself, after reporting unknown and missing keys; None if not an object."""
        if not isinstance(value, dict):
            self.error(loc, prefix, _("必须是对象（{…}）。"), "type")
            return None
        allowed = list(allowed)
        for key in value:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if close:
                message = _("未知字段 %(key)s，是不是 %(guess)s？") % {
                    "key": _quote(key),
                    "guess": _quote(close[0]),
                }
            else:
                message = _("未知字段 %(key)s；可用的字段：%(allowed)s。") % {
                    "key": _quote(key),
                    "allowed": join_list(allowed),
                }
            self.error(loc, _join(prefix, str(key)), message, "unknown_field")
        for key in required:
            if key not in value:
                self.error(loc, _join(prefix, key), _("缺少必填字段。"), "required")
        return value

    def items(self, d: dict, key: str, loc: Loc) -> list:
        value = d.get(key, [])
        if not isinstance(value, list):
            self.error(loc, key, _("必须是列表（[…]）。"), "type")
            return []
        return value

    # --- scalars -----------------------------------------------------------------------

    def text(
        self,
        d: dict,
        key: str,
        loc: Loc,
        *,
        max_length: int | None = None,
        required: bool = False,
        prefix: str = "",
    ) -> str:
        if key not in d:
            return MISSING
        field = _join(prefix, key)
        value = d[key]
        if not isinstance(value, str):
            self.error(loc, field, _("必须是文字（字符串）。"), "type")
            return MISSING
        value = value.strip()
        if required and not value:
            self.error(loc, field, _("不能为空。"), "required")
            return MISSING
        if max_length is not None and len(value) > max_length:
            self.error(
                loc,
                field,
                _("不能超过 %(max)d 个字（现在 %(n)d 个）。")
                % {"max": max_length, "n": len(value)},
                "too_long",
            )
            return MISSING
        return value

    def choice(self, d: dict, key: str, loc: Loc, choices: list[tuple[str, str]]) -> str:
        if key not in d:
            return MISSING
        value = d[key]
        values = [v for v, _label in choices]
        if value in values:
            return value
        listed = _choices_text(choices)
        self.error(
            loc,
            key,
            _("未知的取值 %(value)s；可选：%(choices)s。")
            % {"value": _quote(value), "choices": listed},
            "invalid_choice",
        )
        return MISSING

    def time_zone(self, d: dict, key: str, loc: Loc) -> str:
        value = self.text(d, key, loc, required=True, max_length=64)
        if value is MISSING:
            return MISSING
        if value not in _time_zones():
            self.error(
                loc,
                key,
                _("未知时区 %(tz)s，请使用 IANA 名称，例如 Asia/Shanghai。")
                % {"tz": _quote(value)},
                "time_zone",
            )
            return MISSING
        return value

    def boolean(self, d: dict, key: str, loc: Loc) -> bool:
        if key not in d:
            return MISSING
        if not isinstance(d[key], bool):
            self.error(loc, key, _("必须是 true 或 false。"), "type")
            return MISSING
        return d[key]

    def integer(self, d: dict, key: str, loc: Loc, *, low: int, high: int, message: str) -> int:
        if key not in d:
            return MISSING
        value = d[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.error(loc, key, message, "invalid_number")
            return MISSING
        if value > high:
            self.error(loc, key, _("不能超过 %(max)d。") % {"max": high}, "invalid_number")
            return MISSING
        return value

    def phone(self, d: dict, key: str, loc: Loc, *, max_length: int) -> str:
        value = self.text(d, key, loc, max_length=max_length)
        if value and not _PHONE.match(value):
            self.error(
                loc, key, _("电话号码只能包含数字、空格、-、+、括号和“转”。"), "invalid_phone"
            )
            return MISSING
        return value

    def codes(self, d: dict, key: str, loc: Loc, choices: list[tuple[str, str]]) -> list[str]:
        """A list of codes from ``choices``, de-duplicated, in the order of ``choices``."""
        if key not in d:
            return MISSING
        value = d[key]
        if not isinstance(value, list):
            self.error(loc, key, _("必须是列表（[…]）。"), "type")
            return MISSING
        order = [v for v, _label in choices]
        unknown = [str(v) for v in value if v not in order]
        if unknown:
            listed = _choices_text(choices)
            self.error(
                loc,
                key,
                _("未知的取值 %(values)s；可选：%(choices)s。")
                % {"values": join_list(_quote(v) for v in unknown), "choices": listed},
                "invalid_choice",
            )
            return MISSING
        return sorted(set(value), key=order.index)

    def strings(self, d: dict, key: str, loc: Loc, *, max_length: int) -> list[str]:
        if key not in d:
            return MISSING
        value = d[key]
        if not isinstance(value, list):
            self.error(loc, key, _("必须是列表（[…]）。"), "type")
            return MISSING
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(loc, f"{key}[{index}]", _("必须是非空的文字。"), "type")
                return MISSING
            if len(item.strip()) > max_length:
                self.error(
                    loc, f"{key}[{index}]", _("不能超过 %(max)d 个字。") % {"max": max_length}
                )
                return MISSING
            result.append(item.strip())
        return result

    def location(self, d: dict, key: str, loc: Loc) -> tuple[float, float]:
        """``{"lat", "lon", "system"}`` converted to WGS-84 by spaces.geo."""
        from spaces.geo import to_wgs84

        if key not in d:
            return MISSING
        raw = self.obj(d[key], loc, key, ("lat", "lon", "system"), ("lat", "lon", "system"))
        if raw is None or any(k not in raw for k in ("lat", "lon", "system")):
            return MISSING
        try:
            return to_wgs84(raw["lat"], raw["lon"], raw["system"])
        except DomainError as exc:
            for name, messages in exc.fields.items():
                for message in messages:
                    self.error(loc, f"{key}.{_GEO_FIELDS.get(name, name)}", message, exc.code)
            if not exc.fields:
                self.error(loc, key, str(exc.message), exc.code)
            return MISSING
