"""GET /api/metrics: keys, scope, who may read it, and bad input."""

import datetime as dt
import uuid

import pytest
from django.test import Client

from tests.factories import (
    CommunityFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    weekly_hours,
)
from tests.metrics.helpers import d, visit

pytestmark = pytest.mark.django_db

KEYS = {
    "open_room_hours",
    "bookable_room_hours",
    "scene_shares",
    "off_work_hours_share",
    "utilisation",
    "show_rate",
    "visits",
    "walk_in_headcount",
    "unique_visitors",
    "repeat_visit_rate",
    "return_30d_rate",
    "cohorts",
    "satisfaction",
    "predictability",
}
WEEK = {"from": "2026-12-01", "to": "2026-12-08"}


def get(client, **params):
    return client.get("/api/metrics", {**WEEK, **params})


@pytest.fixture
def world(venue, room):
    """``venue`` (operated by ``operator``) open 09-21 with two visits; a second venue in
    another community run by someone else."""
    weekly_hours(venue)
    visit(venue, uuid.uuid4(), d(12, 1))
    visit(venue, uuid.uuid4(), d(12, 2))
    elsewhere = VenueFactory(community=CommunityFactory(name="双水碾社区"))
    RoomFactory(venue=elsewhere)
    weekly_hours(elsewhere, opens=dt.time(10), closes=dt.time(12))
    other_operator = UserFactory(username="other-operator", is_staff=True)
    VenueRoleFactory(user=other_operator, venue=elsewhere, role="operator")
    return elsewhere, other_operator


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_operator_reads_their_venue_with_exactly_the_documented_keys(
    world, venue, operator_client
):
    response = get(operator_client, venue=venue.pk)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert body["open_room_hours"] == 84.0  # 7 days x 12 h, one room
    assert (body["visits"], body["unique_visitors"]) == (2, 2)
    assert body["scene_shares"] == {"public": 0.0, "commercial": 0.0, "none": 1.0}
    assert body["satisfaction"] == {"mean": None, "share_4_5": None, "count": 0}
    assert body["show_rate"] is None  # no booking: null, not 0
    # One cohort (December); retention runs to the last month starting before `to`.
    assert body["cohorts"] == [{"month": "2026-12", "size": 2, "retention": [1.0]}]


def test_without_a_venue_an_operator_reads_all_theirs_and_only_theirs(
    world, venue, operator_client
):
    elsewhere, other_operator = world
    assert get(operator_client).json()["open_room_hours"] == 84.0
    assert get(client_of(other_operator)).json()["open_room_hours"] == 14.0  # 7 x 2 h


def test_an_administrator_reads_every_venue_and_a_community(world, venue):
    elsewhere, _ = world
    admin = client_of(UserFactory(username="admin", is_staff=True, is_superuser=True))
    assert get(admin).json()["open_room_hours"] == 98.0  # 84 + 14
    assert get(admin, community=elsewhere.community_id).json()["open_room_hours"] == 14.0
    assert get(admin, venue=elsewhere.pk).json()["visits"] == 0


def test_a_viewer_reads_the_venue_they_view(world, venue):
    viewer = UserFactory(username="street-viewer", is_staff=True)
    VenueRoleFactory(user=viewer, venue=venue, role="viewer")
    assert get(client_of(viewer), venue=venue.pk).status_code == 200


def test_another_operators_venue_or_community_is_not_found(world, venue, operator_client):
    elsewhere, _ = world
    response = get(operator_client, venue=elsewhere.pk)
    assert response.status_code == 404
    assert response.json()["code"] == "venue_not_found"
    response = get(operator_client, community=elsewhere.community_id)
    assert response.status_code == 404
    assert response.json()["code"] == "community_not_found"


def test_a_missing_venue_is_not_found(world, operator_client):
    response = get(operator_client, venue=2**62)
    assert (response.status_code, response.json()["code"]) == (404, "venue_not_found")


def test_residents_are_forbidden_and_anonymous_callers_unauthenticated(
    world, venue, owner_client, anonymous
):
    response = get(owner_client, venue=venue.pk)
    assert (response.status_code, response.json()["code"]) == (403, "not_venue_operator")
    assert get(owner_client).status_code == 403
    assert get(anonymous, venue=venue.pk).status_code == 401


@pytest.mark.parametrize("bad", ["abc", "0", str(2**63)])
def test_malformed_ids_are_422_on_their_field(world, operator_client, bad):
    for name in ("venue", "community"):
        response = get(operator_client, **{name: bad})
        body = response.json()
        assert response.status_code == 422
        assert set(body) == {"code", "message", "fields"}
        assert name in body["fields"]


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2026-12-32"}, None, "from"),
        ({"to": "yesterday"}, None, "to"),
        ({"from": "2026-12-08", "to": "2026-12-01"}, "invalid_range", "to"),
        ({"from": "2026-12-01", "to": "2026-12-01"}, "invalid_range", "to"),
        ({"from": "2025-12-01", "to": "2026-12-03"}, "range_too_long", "to"),
        ({"by": "year"}, None, "by"),
    ],
)
def test_bad_dates_and_periods_are_422(world, venue, operator_client, params, code, field):
    response = get(operator_client, venue=venue.pk, **params)
    body = response.json()
    assert response.status_code == 422
    assert field in body["fields"]
    if code is not None:
        assert body["code"] == code


def test_a_missing_date_is_422(world, operator_client):
    response = operator_client.get("/api/metrics", {"from": "2026-12-01"})
    assert response.status_code == 422
    assert "to" in response.json()["fields"]


def test_a_year_of_366_days_is_allowed(world, venue, operator_client):
    response = get(operator_client, venue=venue.pk, **{"from": "2027-12-01", "to": "2028-12-01"})
    assert response.status_code == 200  # 2028 is a leap year: 366 days


def test_venue_and_community_together_are_422(world, venue, operator_client):
    response = get(operator_client, venue=venue.pk, community=venue.community_id)
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_by_week_adds_a_series_cut_at_mondays(world, venue, operator_client):
    # Tuesday 12-01 to Thursday 12-10: [12-01, 12-07), [12-07, 12-10).
    response = get(operator_client, venue=venue.pk, to="2026-12-10", by="week")
    body = response.json()
    assert set(body) == KEYS | {"series"}
    assert [(p["from"], p["to"]) for p in body["series"]] == [
        ("2026-12-01", "2026-12-07"),
        ("2026-12-07", "2026-12-10"),
    ]
    assert all(set(p) == KEYS | {"from", "to"} for p in body["series"])
    assert [p["open_room_hours"] for p in body["series"]] == [72.0, 36.0]  # 6 and 3 days
    assert [p["visits"] for p in body["series"]] == [2, 0]


def test_by_month_cuts_at_firsts_of_the_month(world, venue, operator_client):
    response = get(operator_client, venue=venue.pk, **{"from": "2026-11-15", "to": "2027-01-10"})
    assert "series" not in response.json()
    response = get(
        operator_client, venue=venue.pk, by="month", **{"from": "2026-11-15", "to": "2027-01-10"}
    )
    series = response.json()["series"]
    assert [(p["from"], p["to"]) for p in series] == [
        ("2026-11-15", "2026-12-01"),
        ("2026-12-01", "2027-01-01"),
        ("2027-01-01", "2027-01-10"),
    ]
    # 16 and 31 days of 12 h; in January the venue closes for the New Year break
    # (2027-01-01 to 01-03), leaving 6 of the 9 days.
    assert [p["open_room_hours"] for p in series] == [16 * 12.0, 31 * 12.0, 6 * 12.0]


def test_the_answer_schema_has_every_figure_of_metrics_and_nothing_else():
    """metrics.schemas mirrors metrics.selectors.Metrics field by field: a figure added to
    one and not the other fails here rather than disappearing from the API."""
    import dataclasses

    from metrics.schemas import MetricsFields
    from metrics.selectors import Metrics

    figures = {f.name for f in dataclasses.fields(Metrics)} - {"start", "end"}
    assert set(MetricsFields.model_fields) == figures
