"""The booking rules a scene carries, declared once.

Each rule is declared here: its machine name, type, bounds, label, default per scene kind
and what it means. Everything else is built from ``RULES``: the Scene model's columns,
``scenes.rules.EffectiveRules``, the API's input and output schemas (scenes.schemas) and the
planner's form (scenes.forms). Bookings enforce a booking against the same declaration, so
a rule added here is stored, shown, validated and enforced everywhere, and one added
anywhere else fails tests/scenes/test_booking_rules.py.

A rule's ``meaning`` is normative for whoever enforces it; change it only with its users.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from linli.errors import DomainError
from scenes.choices import SceneKind, WhoMayBook

PUBLIC, COMMERCIAL, CLOSED = SceneKind.PUBLIC, SceneKind.COMMERCIAL, SceneKind.CLOSED

# Beyond a PositiveSmallIntegerField; the wider ones are PositiveIntegerFields.
SMALL_MAX = 32767


@dataclass(frozen=True, slots=True)
class Rule:
    """One booking rule.

    ``type`` is ``int``, ``bool`` or ``str`` (then one of ``choices``). ``low``/``high``
    bound an int, inclusive, wherever a value comes in (API, form). ``optional`` rules may
    be None, with the meaning ``meaning`` gives None. ``defaults`` holds the value per
    SceneKind a new scene gets when the rule is left unset; ``column_default`` is what the
    database column defaults to (services always fill in the kind's default, so it only
    matters to rows written by hand). ``wide`` stores an int in a PositiveIntegerField.
    ``unit`` "fen" means money in fen, which forms show in yuan, under ``form_field``
    with ``form_label`` and ``form_help`` (the form uses ``label``/``help`` otherwise).
    """

    name: str
    type: type
    label: Promise
    meaning: str
    defaults: Mapping[str, Any]
    column_default: Any = None
    low: int | None = None
    high: int | None = None
    optional: bool = False
    help: Promise | str = ""
    choices: type[models.TextChoices] | None = None
    wide: bool = False
    unit: str = ""
    form_field: str = ""
    form_label: Promise | str = ""
    form_help: Promise | str = ""

    def model_field(self) -> models.Field:
        """The Scene column that stores this rule."""
        options: dict[str, Any] = {"verbose_name": self.label}
        if self.help:
            options["help_text"] = self.help
        if self.optional:
            options.update(null=True, blank=True)
        else:
            options["default"] = self.column_default
        if self.type is str:
            return models.CharField(max_length=12, choices=self.choices.choices, **options)
        if self.type is bool:
            return models.BooleanField(**options)
        if self.wide or (self.high or 0) > SMALL_MAX:
            return models.PositiveIntegerField(**options)
        return models.PositiveSmallIntegerField(**options)

    @property
    def form_name(self) -> str:
        """The form field's name: the rule's, unless typed in another unit."""
        return self.form_field or self.name

    @property
    def yuan_max(self) -> Decimal | None:
        return None if self.high is None else Decimal(self.high) / 100


def _minutes(name, label, meaning, *, public, commercial, closed=None, **extra) -> Rule:
    return Rule(
        name,
        int,
        label,
        meaning,
        {PUBLIC: public, COMMERCIAL: commercial, CLOSED: public if closed is None else closed},
        **extra,
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "who_may_book",
        str,
        _lazy("谁可以预约"),
        "Who may book during the scene: 'residents' (any signed-in resident), 'groups' "
        "(only on behalf of a self-organised group approved at the venue), 'staff' (staff "
        "only) or 'walk_in' (no bookings; the room is used on the spot). A closed scene or a "
        "room that takes no bookings is walk_in whatever is stored.",
        {
            PUBLIC: WhoMayBook.RESIDENTS,
            COMMERCIAL: WhoMayBook.RESIDENTS,
            CLOSED: WhoMayBook.WALK_IN,
        },
        column_default=WhoMayBook.RESIDENTS,
        choices=WhoMayBook,
    ),
    _minutes(
        "price_per_hour_fen",
        _lazy("每小时价格（分）"),
        "Price per hour in fen (1/100 yuan); a booking costs this times its length in hours. "
        "Public-benefit scenes are free (0).",
        public=0,
        commercial=2000,
        column_default=0,
        low=0,
        high=99_999_999,
        unit="fen",
        form_field="price_yuan",
        form_label=_lazy("每小时价格（元）"),
        form_help=_lazy("公益时段须为 0。"),
    ),
    _minutes(
        "slot_minutes",
        _lazy("时段粒度（分钟）"),
        "The grid bookings lie on: a booking starts at the scene's start plus a multiple of "
        "this, and its length is a multiple of it.",
        public=30,
        commercial=30,
        column_default=30,
        low=5,
        high=240,
    ),
    _minutes(
        "min_duration_minutes",
        _lazy("最短时长（分钟）"),
        "A booking lasts at least this many minutes (inclusive).",
        public=30,
        commercial=60,
        column_default=30,
        low=1,
        high=1440,
    ),
    _minutes(
        "max_duration_minutes",
        _lazy("最长时长（分钟）"),
        "A booking lasts at most this many minutes (inclusive).",
        public=180,
        commercial=240,
        closed=240,
        column_default=240,
        low=1,
        high=1440,
    ),
    _minutes(
        "min_notice_minutes",
        _lazy("最少提前（分钟）"),
        "A booking is made at least this many minutes before it starts.",
        public=60,
        commercial=120,
        column_default=60,
        low=0,
        high=60 * 24 * 30,
    ),
    _minutes(
        "max_days_ahead",
        _lazy("最多提前天数"),
        "A booking starts at most this many local days after today (0: today only).",
        public=14,
        commercial=14,
        column_default=14,
        low=0,
        high=365,
    ),
    Rule(
        "requires_approval",
        bool,
        _lazy("需要运营方审核"),
        "True: a new booking is pending until an operator confirms or rejects it; "
        "False: it is confirmed at once.",
        {PUBLIC: False, COMMERCIAL: False, CLOSED: False},
        column_default=False,
    ),
    _minutes(
        "max_active_bookings",
        _lazy("每人最多有效预约"),
        "How many bookings one resident may hold under this scene at once: pending or "
        "confirmed ones that have not ended. 0 only when nobody may book (walk_in).",
        public=3,
        commercial=2,
        column_default=3,
        low=0,
        high=100,
    ),
    _minutes(
        "max_people_per_booking",
        _lazy("每次预约最多人数"),
        "At most this many people come on one booking; None means the room's capacity, and "
        "the effective value is never above the room's capacity.",
        public=None,
        commercial=None,
        low=1,
        high=10000,
        optional=True,
        wide=True,
        help=_lazy("留空表示功能室容量。"),
    ),
    _minutes(
        "checkin_before_minutes",
        _lazy("可提前签到（分钟）"),
        "Check-in opens this many minutes before the booking starts.",
        public=15,
        commercial=15,
        column_default=15,
        low=0,
        high=240,
    ),
    _minutes(
        "checkin_after_minutes",
        _lazy("开始后可签到（分钟）"),
        "Check-in closes this many minutes after the booking starts; a confirmed booking not "
        "checked in by then is a no-show from that instant and its remaining time is free.",
        public=15,
        commercial=15,
        column_default=15,
        low=0,
        high=240,
        help=_lazy("超过后未签到的预约将被释放。"),
    ),
    _minutes(
        "cancel_deadline_minutes",
        _lazy("取消截止（开始前分钟）"),
        "A resident may cancel up to this many minutes before the start; after that only an "
        "operator can, with a reason.",
        public=60,
        commercial=120,
        column_default=60,
        low=0,
        high=60 * 24 * 30,
    ),
)

RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

# Field names of the booking rules, in the order forms and payloads show them.
RULE_FIELDS: tuple[str, ...] = tuple(RULES_BY_NAME)

# Public-benefit time is free and instant, so residents are not put off; commercial time is
# paid by the hour with a longer minimum, which keeps the space sustainable; closed time is
# not bookable at all.
KIND_DEFAULTS: dict[str, dict] = {
    kind: {rule.name: rule.defaults[kind] for rule in RULES} for kind in SceneKind.values
}


def kind_defaults(kind: str) -> dict:
    """The booking rules a new scene of ``kind`` gets for every rule left unset."""
    try:
        return dict(KIND_DEFAULTS[kind])
    except KeyError:
        raise DomainError(_("请选择有效的场景类型。"), code="invalid", field="kind") from None


def rule_columns() -> dict[str, models.Field]:
    """One new model field per rule, for the Scene model."""
    return {rule.name: rule.model_field() for rule in RULES}
