"""Which venues' figures a user may read.

Administrators (``spaces.permissions.user_is_administrator``) read every venue; staff read
the venues where they hold a role: operator, or viewer (``VenueRole.Role.VIEWER``, "仅数据",
the role made for reading figures). Residents hold no role and read none here (their
public openness page is another matter).
"""

from __future__ import annotations

from django.db.models import QuerySet

from spaces.models import Venue, VenueRole
from spaces.permissions import user_is_administrator

METRICS_ROLES = (VenueRole.Role.OPERATOR, VenueRole.Role.VIEWER)


def metrics_venues(*, user) -> QuerySet[Venue]:
    if user_is_administrator(user):
        return Venue.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Venue.objects.none()
    return Venue.objects.filter(
        pk__in=VenueRole.objects.filter(user=user, role__in=METRICS_ROLES).values("venue_id")
    )
