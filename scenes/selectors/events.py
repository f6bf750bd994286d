"""Reads for events (活动): upcoming lists, details, seats left and registrations."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import NotFound
from scenes.models import Event, EventRegistration
from spaces.models import Venue

Registration = EventRegistration.Status


def with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``registered_count`` and ``waitlist_count``; Event.seats_left uses them."""
    return qs.select_related("venue", "room", "organiser_group", "scene").annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=Registration.REGISTERED)
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=Registration.WAITLISTED)
        ),
    )


def events_upcoming(
    *,
    venue: Venue | None = None,
    at: dt.datetime | None = None,
    limit: int | None = None,
    where: Q | None = None,
) -> QuerySet[Event]:
    """Published events at published venues that have not ended yet, soonest first;
    ``where`` narrows them further (the events list's filters, one series)."""
    at = at or timezone.now()
    qs = Event.objects.filter(
        status=Event.Status.PUBLISHED, ends_at__gt=at, venue__is_published=True
    )
    if venue is not None:
        qs = qs.filter(venue=venue)
    if where is not None:
        qs = qs.filter(where)
    qs = with_counts(qs).order_by("starts_at", "pk")
    return qs[:limit] if limit else qs


def event_get(*, event_id: int) -> Event:
    """One event (published or cancelled) at a published venue, with its counts."""
    event = with_counts(Event.objects.filter(pk=event_id, venue__is_published=True)).first()
    if event is None:
        raise NotFound(_("找不到该活动。"), code="event_not_found")
    return event


def events_for_operator(
    *, venue: Venue, at: dt.datetime | None = None, include_past: bool = False
) -> QuerySet[Event]:
    qs = Event.objects.filter(venue=venue)
    if not include_past:
        qs = qs.filter(ends_at__gt=at or timezone.now())
    return with_counts(qs).order_by("starts_at", "pk")


def registrations_by_event(*, user, events) -> dict[int, EventRegistration]:
    """{event id: active registration} for a page of events, in one query."""
    if not (user and user.is_authenticated):
        return {}
    ids = [e.pk for e in events]
    return {
        r.event_id: r
        for r in EventRegistration.objects.filter(event_id__in=ids, resident=user).exclude(
            status=Registration.CANCELLED
        )
    }


def registrations_for_resident(
    *, user, at: dt.datetime | None = None
) -> QuerySet[EventRegistration]:
    """The resident's active registrations for events that have not ended, soonest first."""
    if not (user and user.is_authenticated):
        return EventRegistration.objects.none()
    return (
        EventRegistration.objects.filter(
            resident=user,
            event__status=Event.Status.PUBLISHED,
            event__ends_at__gt=at or timezone.now(),
        )
        .exclude(status=Registration.CANCELLED)
        .select_related("event__venue", "event__room")
        .order_by("event__starts_at", "pk")
    )


def event_registrants(*, event: Event) -> QuerySet[EventRegistration]:
    """Registered then waitlisted residents, each in the order they signed up."""
    return (
        EventRegistration.objects.filter(event=event)
        .exclude(status=Registration.CANCELLED)
        .select_related("resident")
        .order_by("status", "created_at", "pk")
    )


def events_cancel_reaches(*, event: Event, whole_series: bool) -> QuerySet[Event]:
    """The events cancelling ``event`` calls off: it, and with ``whole_series`` the later
    published dates of its series. The cancel service and its confirmation both use it."""
    condition = Q(pk=event.pk)
    if whole_series and event.series_id:
        condition |= Q(
            series_id=event.series_id,
            status=Event.Status.PUBLISHED,
            starts_at__gt=event.starts_at,
        )
    return Event.objects.filter(condition).order_by("starts_at")


def residents_reached_by_cancel(*, event: Event, whole_series: bool) -> int:
    """How many residents (registered or waiting) the cancel's notices reach, each once."""
    events = events_cancel_reaches(event=event, whole_series=whole_series)
    return (
        EventRegistration.objects.filter(event__in=events)
        .exclude(status=Registration.CANCELLED)
        .values("resident_id")
        .distinct()
        .count()
    )
