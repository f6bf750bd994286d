"""linli.rows: instances read by hand-written SQL equal the ORM's, value for value."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create
from linli.rows import Columns, one
from spaces.models import Room, Venue
from spaces.selectors import room_with_venue
from tests.factories import ResidentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("model", [Room, Venue, User, ApiToken])
def test_an_instance_is_the_orms(model):
    room = RoomFactory(amenities=["投影仪", "茶具"], is_bookable=False)
    user = ResidentFactory()
    api_token_create(user=user, name="集成")
    obj = model.objects.order_by("-pk").first()
    columns = Columns(model, "t")
    row = one(
        f"SELECT {columns.sql()} FROM {columns.table()} WHERE {columns.col('id')} = %s",
        [obj.pk],
    )
    read = columns.instance(row)
    assert type(read) is model and not read._state.adding
    assert values(read) == values(model.objects.get(pk=obj.pk))
    assert room.amenities == ["投影仪", "茶具"]


def test_room_with_venue_reads_both(room, venue):
    read = room_with_venue(room_id=room.pk)
    assert values(read) == values(Room.objects.get(pk=room.pk))
    assert values(read.venue) == values(Venue.objects.get(pk=venue.pk))
