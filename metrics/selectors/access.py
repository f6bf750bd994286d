"""Which venues' figures a user may read.

Administrators (``spaces.permissions.user_is_administrator``) read every venue; staff read
the venues where they hold a role: operator, or viewer (``VenueRole.Role.VIEWER``, "仅数据",
the role made for reading figures). Residents hold no role and read none here (their
public openness page is another matter).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound, PermissionDenied
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


def metrics_scope(*, user, venue_id: int | None = None, community_id: int | None = None):
    """The venues a request for figures covers: one venue, a community's, or (neither)
    every venue ``user`` may read. 403 for someone who may read none; a venue or community
    outside what they may read is 404, exactly as one that does not exist."""
    if venue_id is not None and community_id is not None:
        raise DomainError(
            _("请只填 venue 或 community 其中之一。"), code="invalid", field="community"
        )
    visible = metrics_venues(user=user)
    if not visible.exists():
        raise PermissionDenied(
            _("只有场馆运营方和管理员可以查看这些数据。"), code="not_venue_operator"
        )
    if venue_id is not None:
        venues = list(visible.filter(pk=venue_id))
        if not venues:
            raise NotFound(_("找不到该场馆。"), code="venue_not_found")
        return venues
    if community_id is not None:
        venues = list(visible.filter(community_id=community_id).order_by("pk"))
        if not venues:
            raise NotFound(_("找不到该社区。"), code="community_not_found")
        return venues
    return list(visible.order_by("pk"))
