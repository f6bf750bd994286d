"""Reads for booking series: who may see one, and its dates."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings.models import BookingSeries
from bookings.selectors.bookings import PUBLIC_ID
from linli.errors import NotFound
from scenes.models import GroupMembership
from spaces.permissions import venue_can_operate


def _not_found() -> NotFound:
    return NotFound(_("找不到这个预约系列。"), code="series_not_found")


def series_get(*, user, public_id: str) -> BookingSeries:
    """The series ``public_id`` if ``user`` may see it: its organiser, a leader of its
    group, or an operator of its venue. Anyone else gets NotFound, as for an unknown id."""
    if not (user and user.is_authenticated) or not isinstance(public_id, str):
        raise _not_found()
    if not PUBLIC_ID.fullmatch(public_id):  # a NUL or an overlong id: no query at all
        raise _not_found()
    series = (
        BookingSeries.objects.select_related("venue", "room", "group", "organiser")
        .filter(public_id=public_id)
        .first()
    )
    if series is None:
        raise _not_found()
    if series.organiser_id == user.pk:
        return series
    if GroupMembership.objects.filter(
        group_id=series.group_id, user=user, role=GroupMembership.Role.LEADER
    ).exists():
        return series
    if venue_can_operate(user=user, venue=series.venue):
        return series
    raise _not_found()


def series_bookings(series: BookingSeries):
    return series.bookings.select_related("venue", "room").order_by("starts_at", "pk")


def series_of_group(*, group):
    """The group's series, the latest first (for its leaders)."""
    return BookingSeries.objects.filter(group=group).select_related("venue", "room")
