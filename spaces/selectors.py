"""Reads for venues and rooms: lists for residents, details, hours for a range."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import DomainError, NotFound
from linli.rows import Columns, one, statement
from spaces.models import Community, Photo, Room, Venue

MAX_HOURS_RANGE_DAYS = 93


@dataclass
class VenueListItem:
    venue: Venue
    distance_m: float | None
    status: object  # spaces.hours.OpenStatus


def venue_queryset() -> QuerySet[Venue]:
    return Venue.objects.filter(is_published=True).select_related("community")


def venue_list(
    *,
    near: tuple[float, float] | None = None,
    kind: str | None = None,
    open_now: bool | None = None,
    community_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[VenueListItem]:
    """Published venues, nearest first when ``near`` is given, else by name.

    Distances are geodesic (WGS-84); a city has at most a few hundred venues, so sorting in
    Python after one query is cheaper than a spatial index would be to run.
    """
    from spaces.geo import distance_m
    from spaces.hours import open_status_many

    qs = venue_queryset()
    if kind:
        qs = qs.filter(kind=kind)
    if community_id:
        qs = qs.filter(community_id=community_id)
    venues = list(qs)
    statuses = open_status_many(venues=venues, at=at or timezone.now())
    items = [
        VenueListItem(
            venue=v,
            distance_m=(distance_m(near[0], near[1], v.latitude, v.longitude) if near else None),
            status=statuses[v.pk],
        )
        for v in venues
    ]
    if open_now is not None:
        items = [i for i in items if bool(i.status.is_open) == open_now]
    if near:
        items.sort(key=lambda i: (i.distance_m, i.venue.name))
    return items


def venue_get(*, venue_id: int, published_only: bool = True, with_rooms: bool = True) -> Venue:
    """The venue with its community, rooms and photos; ``with_rooms=False`` reads the
    venue row alone (a calendar feed's 304 needs nothing more)."""
    qs = Venue.objects.all()
    if with_rooms:
        qs = qs.select_related("community").prefetch_related(
            Prefetch(
                "rooms",
                queryset=Room.objects.order_by("order", "id").prefetch_related(
                    Prefetch("photos", queryset=Photo.objects.order_by("order", "id"))
                ),
            ),
            Prefetch(
                "photos",
                queryset=Photo.objects.filter(room__isnull=True).order_by("order", "id"),
            ),
        )
    if published_only:
        qs = qs.filter(is_published=True)
    venue = qs.filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(_("找不到该场馆。"), code="venue_not_found")
    return venue


def room_get(*, room_id: int) -> Room:
    # get(), not filter().first(): no ORDER BY to compile, on a path every availability
    # request takes.
    try:
        return Room.objects.select_related("venue", "venue__community").get(pk=room_id)
    except Room.DoesNotExist:
        raise NotFound(_("找不到该功能室。"), code="room_not_found") from None


_ROOM, _VENUE = Columns(Room, "r"), Columns(Venue, "v")


@statement
def room_with_venue_sql() -> str:
    """The room ``%s`` and its venue in one row (``room_from_row``). The venue comes first
    in FROM: spaces.locks.room_lock adds its locking clause to this very statement, and
    PostgreSQL locks the rows in this order (the venue lock, then the room)."""
    return (
        f"SELECT {_ROOM.sql()}, {_VENUE.sql()} FROM {_VENUE.table()}"
        f" INNER JOIN {_ROOM.table()} ON {_ROOM.col('venue')} = {_VENUE.col('id')}"
        f" WHERE {_ROOM.col('id')} = %s"
    )


def room_from_row(row) -> Room:
    """The room of a ``room_with_venue_sql`` row, with its ``venue``."""
    room = _ROOM.instance(row)
    room.venue = _VENUE.instance(row, _ROOM.width)
    return room


def room_with_venue(*, room_id: int) -> Room:
    """The room and its venue (without the community), in one hand-written read: what the
    availability endpoint needs on every request, where compiling ``room_get``'s query
    cost more than choosing the slots (linli.rows)."""
    row = one(room_with_venue_sql(), [room_id])
    if row is None:
        raise NotFound(_("找不到该功能室。"), code="room_not_found")
    return room_from_row(row)


def communities_list() -> QuerySet[Community]:
    return Community.objects.filter(venues__is_published=True).distinct()


def check_date_range(start: dt.date, end: dt.date, *, max_days: int = MAX_HOURS_RANGE_DAYS) -> None:
    if end <= start:
        raise DomainError(_("结束日期必须晚于开始日期。"), code="invalid_range", field="to")
    if (end - start).days > max_days:
        raise DomainError(
            _("一次最多查询 %(n)s 天。") % {"n": max_days}, code="range_too_long", field="to"
        )


def venue_hours(
    *, venue: Venue, start: dt.date, end: dt.date, room: Room | None = None, rules=None
):
    from spaces.hours import day_schedules

    check_date_range(start, end)
    return day_schedules(venue=venue, room=room, start=start, end=end, rules=rules)


# What the resident venue page needs ahead of today: open_status looks two weeks ahead,
# the scene panels a week; one load of the rules serves them all.
VENUE_PAGE_AHEAD = dt.timedelta(days=16)


def venue_page(*, venue: Venue, week_start: dt.date, at: dt.datetime | None = None):
    """Load a venue page's rooms and hours rules once, for spaces and every panel."""
    from spaces.extensions import VenuePage
    from spaces.hours import load_rules

    today = local_today(venue, at)
    start = min(today, week_start)
    end = max(today + VENUE_PAGE_AHEAD, week_start + dt.timedelta(days=7))
    return VenuePage(
        venue=venue,
        rooms=list(venue.rooms.all()),
        hours=load_rules(venue=venue, start=start, end=end),
        today=today,
    )


def local_today(venue: Venue, at: dt.datetime | None = None) -> dt.date:
    """The venue's local date now (or at ``at``): the one way to ask what "today" is."""
    return (at or timezone.now()).astimezone(venue.zone).date()
