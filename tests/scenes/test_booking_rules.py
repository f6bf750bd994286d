"""The booking rules are declared once (scenes.booking_rules); everything else derives.

Each test would fail if a rule were added, removed or re-bounded in only one place: the
model, EffectiveRules, the API's input and output schemas or the planner's form.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from pydantic import ValidationError

from scenes.booking_rules import KIND_DEFAULTS, RULE_FIELDS, RULES
from scenes.choices import SceneKind
from scenes.forms import SceneForm
from scenes.models import Scene
from scenes.rules import EffectiveRules, effective_rules, scene_problems
from scenes.schemas import RulesOut, RuleValuesOut, SceneIn, ScenePatch
from tests.factories import RoomFactory, VenueFactory

# Scene fields that are not booking rules: what a scene is and when it applies.
NOT_RULES = {
    "id",
    "venue",
    "all_rooms",
    "rooms",
    "kind",
    "name",
    "description",
    "weekdays",
    "starts",
    "ends",
    "overnight",
    "valid_from",
    "valid_until",
    "day_filter",
    "one_off_date",
    "created_by",
    "created_at",
    "updated_at",
}
SCENE_IN_NOT_RULES = NOT_RULES - {"id", "venue", "all_rooms", "rooms", "created_by"} - {
    "created_at",
    "updated_at",
} | {"room_ids", "on_conflict", "cancel_message"}
INT_RULES = [rule for rule in RULES if rule.type is int]
REQUIRED_IN = {"kind": "commercial", "name": "晚间", "starts": "18:00", "ends": "22:00"}


def test_rule_names_are_unique_and_in_declaration_order():
    assert tuple(rule.name for rule in RULES) == RULE_FIELDS
    assert len(set(RULE_FIELDS)) == len(RULES) == 13


def test_the_scene_model_has_a_column_for_every_rule_and_no_other():
    names = {f.name for f in Scene._meta.get_fields() if not f.auto_created or f.concrete}
    assert names - NOT_RULES == set(RULE_FIELDS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_column_matches_its_declaration(rule):
    field = Scene._meta.get_field(rule.name)
    assert str(field.verbose_name) == str(rule.label)
    assert field.null is rule.optional
    expected = {str: models.CharField, bool: models.BooleanField}.get(rule.type)
    if expected is None:
        # Wide enough for the declared maximum.
        expected = (
            models.PositiveSmallIntegerField
            if not rule.wide and (rule.high or 0) <= 32767
            else models.PositiveIntegerField
        )
    assert type(field) is expected
    if not rule.optional:
        assert field.default == rule.column_default
    if rule.choices is not None:
        assert field.choices == rule.choices.choices


def test_effective_rules_carry_every_rule():
    names = list(EffectiveRules.__dataclass_fields__)
    assert names == ["scene_id", "room_id", "kind", "bookable", *RULE_FIELDS]


@pytest.mark.django_db
def test_effective_rules_take_the_scenes_values_and_fill_in_the_room():
    venue = VenueFactory()
    scene = Scene(venue=venue, kind="commercial", **KIND_DEFAULTS["commercial"])
    rules = effective_rules(scene, RoomFactory(venue=venue, capacity=12))
    assert rules.as_dict() == {
        "kind": "commercial",
        "bookable": True,
        **KIND_DEFAULTS["commercial"],
        "max_people_per_booking": 12,
    }


def test_output_schemas_carry_every_rule():
    assert tuple(RuleValuesOut.model_fields) == RULE_FIELDS
    assert tuple(RulesOut.model_fields) == ("bookable", *RULE_FIELDS)


def test_input_schemas_take_every_rule_and_nothing_else_unexpected():
    for schema in (SceneIn, ScenePatch):
        assert set(schema.model_fields) - SCENE_IN_NOT_RULES == set(RULE_FIELDS)


@pytest.mark.parametrize("rule", INT_RULES, ids=lambda r: r.name)
def test_input_schemas_enforce_the_declared_bounds(rule):
    for schema, required in ((SceneIn, REQUIRED_IN), (ScenePatch, {})):
        schema(**required, **{rule.name: rule.low})
        schema(**required, **{rule.name: rule.high})
        for outside in (rule.low - 1, rule.high + 1):
            with pytest.raises(ValidationError) as caught:
                schema(**required, **{rule.name: outside})
            assert [e["loc"] for e in caught.value.errors()] == [(rule.name,)]


def test_a_choice_rule_accepts_only_its_choices():
    rule = next(r for r in RULES if r.choices is not None)
    for value in rule.choices.values:
        ScenePatch(**{rule.name: value})
    with pytest.raises(ValidationError):
        ScenePatch(**{rule.name: "anyone"})


def _form(venue, **rules):
    data = {"name": "x", "kind": "commercial", "repeat": "weekly", "starts": "18:00"}
    return SceneForm({**data, **rules}, venue=venue)


def _typed(rule, value):
    # Prices are typed in yuan.
    return str(Decimal(value) / 100) if rule.unit == "fen" else str(value)


@pytest.mark.django_db
def test_the_form_has_a_field_for_every_rule_in_order():
    form = SceneForm(venue=VenueFactory())
    assert [field.name for field in form.rule_fields()] == [rule.form_name for rule in RULES]
    for rule in RULES:
        field = form.fields[rule.form_name]
        assert str(field.label) == str(rule.form_label or rule.label)
        assert str(field.help_text) == str(rule.form_help or rule.help)


@pytest.mark.django_db
@pytest.mark.parametrize("rule", INT_RULES, ids=lambda r: r.name)
def test_the_form_enforces_the_declared_bounds(rule):
    venue = VenueFactory()
    for inside in (rule.low, rule.high):
        form = _form(venue, **{rule.form_name: _typed(rule, inside)})
        form.is_valid()
        assert rule.form_name not in form.errors, inside
    for outside in (rule.low - 1, rule.high + 1):
        form = _form(venue, **{rule.form_name: _typed(rule, outside)})
        form.is_valid()
        assert rule.form_name in form.errors, outside


@pytest.mark.parametrize("kind", SceneKind.values)
def test_every_kind_has_a_default_for_every_rule_within_its_bounds(kind):
    defaults = KIND_DEFAULTS[kind]
    assert tuple(defaults) == RULE_FIELDS
    for rule in INT_RULES:
        value = defaults[rule.name]
        if value is None:
            assert rule.optional
        else:
            assert rule.low <= value <= rule.high, rule.name


def test_every_rule_says_what_it_means():
    for rule in RULES:
        assert len(rule.meaning) > 30, rule.name


@pytest.mark.parametrize("rule", INT_RULES, ids=lambda r: r.name)
def test_the_service_validation_enforces_the_declared_bounds_too(rule):
    # For callers other than the API and the form (imports, the shell, bookings' tests).
    base = {
        "kind": "commercial",
        "name": "晚间",
        "all_rooms": True,
        "weekdays": 0b1111111,
        "starts": dt.time(18),
        "ends": dt.time(22),
        "valid_from": dt.date(2026, 9, 1),
        **KIND_DEFAULTS["commercial"],
        # Durations of one slot, so that any bound of one rule keeps the others consistent.
        "slot_minutes": 5,
        "min_duration_minutes": 5,
        "max_duration_minutes": 240,
    }
    assert scene_problems(base, venue_id=1) == []
    for outside in (rule.low - 1, rule.high + 1):
        problems = scene_problems({**base, rule.name: outside}, venue_id=1)
        assert rule.name in {p.field for p in problems}, outside
