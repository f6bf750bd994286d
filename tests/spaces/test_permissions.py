"""spaces.permissions.venue_is_visible: a venue not yet published is found only by its
operators (the availability endpoints and booking_create ask it)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from spaces.permissions import venue_is_visible
from tests.factories import UserFactory, VenueFactory, VenueRoleFactory

pytestmark = pytest.mark.django_db


def test_a_published_venue_is_visible_to_everyone(venue, owner, operator):
    for user in (AnonymousUser(), owner, operator):
        assert venue_is_visible(user=user, venue=venue) is True


def test_a_venue_being_prepared_is_visible_to_its_operators_only(venue, owner, operator):
    venue.is_published = False
    venue.save()
    elsewhere = UserFactory(username="op-elsewhere", is_staff=True)
    VenueRoleFactory(user=elsewhere, venue=VenueFactory(name="别处"), role="operator")
    assert venue_is_visible(user=operator, venue=venue) is True
    for user in (AnonymousUser(), owner, elsewhere):
        assert venue_is_visible(user=user, venue=venue) is False
