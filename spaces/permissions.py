"""Who may operate which venue. Roles are per venue; an operator of A cannot touch B."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.errors import PermissionDenied
from spaces.models import Venue, VenueRole


def user_is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def venues_operated_by(*, user) -> QuerySet[Venue]:
    if user_is_administrator(user):
        return Venue.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Venue.objects.none()
    return Venue.objects.filter(
        staff_roles__user=user, staff_roles__role=VenueRole.Role.OPERATOR
    ).distinct()


def venue_can_operate(*, user, venue: Venue) -> bool:
    if user_is_administrator(user):
        return True
    if not (user and user.is_authenticated and user.is_active):
        return False
    return VenueRole.objects.filter(user=user, venue=venue, role=VenueRole.Role.OPERATOR).exists()


def venue_is_visible(*, user, venue: Venue) -> bool:
    """Published, or not yet but ``user`` operates it (and is preparing it): what decides
    whether a venue and its rooms are found at all, to look at or to book."""
    return venue.is_published or venue_can_operate(user=user, venue=venue)


def venue_require_operator(*, user, venue: Venue) -> None:
    if not venue_can_operate(user=user, venue=venue):
        raise PermissionDenied(_("你不是该场馆的运营方，无权修改。"), code="not_venue_operator")


def require_administrator(*, user) -> None:
    if not user_is_administrator(user):
        raise PermissionDenied(_("只有管理员可以进行此操作。"), code="not_administrator")
