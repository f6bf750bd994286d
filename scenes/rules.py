"""Booking rules carried by scenes: effective rules per room, validation.

The rules themselves (names, bounds, defaults per kind) are declared in
scenes.booking_rules. A scene's rules are stored on the Scene row; ``effective_rules(scene, room)`` is what a
booking in that room during that scene must follow (people capped at the room's capacity,
nothing bookable in a closed scene or a walk-in-only room). ``scene_problems`` finds every
contradiction in a scene's values at once, each with a stable code, so a form can show them
all next to their fields; ``validate_scene`` raises them as one DomainError (422).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, make_dataclass

from django.utils.translation import gettext as _

from linli.dates import past_date_message
from linli.errors import DomainError
from linli.text import join_list
from scenes.booking_rules import RULES
from scenes.choices import SceneKind, WhoMayBook

MINUTES_PER_DAY = 24 * 60


def _as_dict(self) -> dict:
    data = asdict(self)
    del data["scene_id"], data["room_id"]
    return data


# The rules a booking in ``room_id`` must follow while the scene is in force: one attribute
# per declared rule (an optional one is filled in here, so never None), after the scene,
# room and whether anything is bookable at all.
EffectiveRules = make_dataclass(
    "EffectiveRules",
    [
        ("scene_id", int | None),
        ("room_id", int),
        ("kind", str),
        ("bookable", bool),
        *((rule.name, rule.type) for rule in RULES),
    ],
    namespace={"as_dict": _as_dict, "__module__": __name__},
    frozen=True,
    slots=True,
)


def effective_rules(scene, room) -> EffectiveRules:
    """``scene``'s rules as they apply in ``room``.

    Nobody books time the space is closed for, nor a room that is walk-in only; a scene
    cannot promise more people than the room holds.
    """
    capacity = room.capacity
    people = scene.max_people_per_booking
    people = capacity if people is None else min(people, capacity)
    bookable = (
        scene.kind != SceneKind.CLOSED
        and scene.who_may_book != WhoMayBook.WALK_IN
        and bool(room.is_bookable)
    )
    return EffectiveRules(
        scene_id=scene.pk,
        room_id=room.pk,
        kind=scene.kind,
        bookable=bookable,
        **{
            **{rule.name: getattr(scene, rule.name) for rule in RULES},
            "who_may_book": scene.who_may_book if bookable else WhoMayBook.WALK_IN,
            "max_people_per_booking": people,
        },
    )


def window_minutes(starts: dt.time, ends: dt.time, overnight: bool) -> int:
    """Length of a daily window; an overnight one ends the next day (equal times: 24 h)."""
    start = starts.hour * 60 + starts.minute
    end = ends.hour * 60 + ends.minute
    return end - start + (MINUTES_PER_DAY if overnight else 0)


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str


def _positive(values: Mapping, name: str, *, minimum: int = 0) -> int | None:
    value = values.get(name)
    return value if isinstance(value, int) and value >= minimum else None


def _time_problems(v: Mapping) -> list[Problem]:
    starts, ends, overnight = v.get("starts"), v.get("ends"), bool(v.get("overnight"))
    if starts is None or ends is None:
        return []
    if not overnight and ends <= starts:
        return [
            Problem(
                "ends",
                "end_before_start",
                _("结束时间须晚于开始时间；跨越午夜的时段请勾选“跨越午夜”。"),
            )
        ]
    if overnight and ends > starts:
        return [
            Problem(
                "overnight",
                "overnight_mismatch",
                _("跨越午夜的时段，结束时间（次日）应早于开始时间。"),
            )
        ]
    return []


def past_date_problem(day: dt.date, today: dt.date, field: str) -> Problem | None:
    """A date before ``today`` (the venue's): nothing can be scheduled there any more."""
    if day >= today:
        return None
    return Problem(field, "date_in_past", past_date_message(day, today))


def _date_problems(v: Mapping, today: dt.date | None) -> list[Problem]:
    problems = []
    if today is not None and v.get("one_off_date") is not None:
        problems += filter(None, [past_date_problem(v["one_off_date"], today, "one_off_date")])
    if v.get("one_off_date") is None:
        if not (v.get("weekdays") or 0) & 0b1111111:
            problems.append(Problem("weekdays", "no_weekdays", _("请至少选择一天。")))
        if v.get("valid_from") is None:
            problems.append(Problem("valid_from", "required", _("请填写生效日期。")))
    valid_from, valid_until = v.get("valid_from"), v.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(Problem("valid_until", "invalid_range", _("截止日期不能早于生效日期。")))
    return problems


def _rule_problems(v: Mapping) -> list[Problem]:
    problems = []
    if v.get("kind") == SceneKind.PUBLIC and (v.get("price_per_hour_fen") or 0) > 0:
        problems.append(
            Problem("price_per_hour_fen", "public_price", _("公益时段不能收费，价格须为 0。"))
        )
    slot = _positive(v, "slot_minutes", minimum=5)
    if v.get("slot_minutes") is not None and slot is None:
        problems.append(Problem("slot_minutes", "slot_too_short", _("时段粒度至少 5 分钟。")))
    low = _positive(v, "min_duration_minutes", minimum=1)
    high = _positive(v, "max_duration_minutes", minimum=1)
    if low is not None and high is not None and high < low:
        problems.append(
            Problem(
                "max_duration_minutes",
                "duration_range",
                _("最长时长（%(high)s 分钟）不能短于最短时长（%(low)s 分钟）。")
                % {"high": high, "low": low},
            )
        )
    if slot:
        for name, value in (("min_duration_minutes", low), ("max_duration_minutes", high)):
            if value is not None and value % slot:
                problems.append(
                    Problem(
                        name,
                        "slot_misaligned",
                        _("时长（%(value)s 分钟）须是时段粒度（%(slot)s 分钟）的整数倍。")
                        % {"value": value, "slot": slot},
                    )
                )
        if not any(p.code in {"end_before_start", "overnight_mismatch"} for p in _time_problems(v)):
            starts, ends = v.get("starts"), v.get("ends")
            if starts is not None and ends is not None:
                length = window_minutes(starts, ends, bool(v.get("overnight")))
                if length % slot:
                    problems.append(
                        Problem(
                            "slot_minutes",
                            "slot_misaligned",
                            _("时段粒度（%(slot)s 分钟）不能整除场景时长（%(length)s 分钟）。")
                            % {"slot": slot, "length": length},
                        )
                    )
                elif low is not None and low > length:
                    problems.append(
                        Problem(
                            "min_duration_minutes",
                            "duration_exceeds_window",
                            _("最短时长（%(low)s 分钟）超过了场景时长（%(length)s 分钟）。")
                            % {"low": low, "length": length},
                        )
                    )
    people = v.get("max_people_per_booking")
    if people is not None and people < 1:
        problems.append(Problem("max_people_per_booking", "invalid", _("每次预约人数至少为 1。")))
    if v.get("max_active_bookings") == 0 and v.get("who_may_book") != WhoMayBook.WALK_IN:
        problems.append(Problem("max_active_bookings", "invalid", _("每人最多有效预约至少为 1。")))
    return problems


def _bound_problems(v: Mapping, flagged: set[str]) -> list[Problem]:
    """A rule outside its declared bounds (the API and form refuse these already; this is
    for every other caller), unless a more specific problem was found on it."""
    problems = []
    for rule in RULES:
        value = v.get(rule.name)
        if rule.type is not int or type(value) is not int or rule.name in flagged:
            continue
        if not rule.low <= value <= rule.high:
            problems.append(
                Problem(
                    rule.name,
                    "out_of_range",
                    _("%(label)s须在 %(low)s 到 %(high)s 之间。")
                    % {"label": rule.label, "low": rule.low, "high": rule.high},
                )
            )
    return problems


def scene_problems(
    values: Mapping, *, venue_id: int, rooms: Iterable = (), today: dt.date | None = None
) -> list[Problem]:
    """Every contradiction in a scene's values; [] when it may be saved.

    ``values`` maps Scene field names to values; ``rooms`` are the chosen Room objects
    (ignored when ``all_rooms``). With ``today`` (the venue's), a one-off date before it
    is refused (``date_in_past``).
    """
    problems = [*_time_problems(values), *_date_problems(values, today), *_rule_problems(values)]
    problems += _bound_problems(values, {p.field for p in problems})
    if values.get("kind") not in SceneKind.values:
        problems.append(Problem("kind", "invalid", _("请选择有效的场景类型。")))
    if values.get("who_may_book") not in WhoMayBook.values:
        problems.append(Problem("who_may_book", "invalid", _("请选择谁可以预约。")))
    if not (values.get("name") or "").strip():
        problems.append(Problem("name", "required", _("请填写场景名称。")))
    if not values.get("all_rooms"):
        rooms = list(rooms)
        foreign = [r for r in rooms if r.venue_id != venue_id]
        if foreign:
            problems.append(
                Problem(
                    "rooms",
                    "room_not_in_venue",
                    _("功能室不属于该场馆：%(names)s")
                    % {"names": join_list(r.name for r in foreign)},
                )
            )
        elif not rooms:
            problems.append(
                Problem("rooms", "no_rooms", _("请选择适用的功能室，或选择全部功能室。"))
            )
    return problems


def validate_scene(
    values: Mapping, *, venue_id: int, rooms: Iterable = (), today: dt.date | None = None
) -> None:
    """Raise one DomainError (422) carrying every problem, coded after the first one."""
    problems = scene_problems(values, venue_id=venue_id, rooms=rooms, today=today)
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    first = problems[0]
    error = DomainError(first.message, code=first.code, fields=fields)
    error.codes = [p.code for p in problems]
    raise error


def weekdays_mask(days) -> int:
    """ISO weekday numbers (1 = Monday ... 7 = Sunday) -> the model's bitmask."""
    mask = 0
    for day in days:
        if not isinstance(day, int) or not 1 <= day <= 7:
            raise DomainError(
                _("星期须为 1（星期一）到 7（星期日）。"), code="invalid", field="weekdays"
            )
        mask |= 1 << (day - 1)
    return mask


def weekdays_list(mask: int) -> list[int]:
    return [day for day in range(1, 8) if mask & (1 << (day - 1))]
