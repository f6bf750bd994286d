"""Writes for event registration (报名) and the waitlist (候补).

Seats are counted while the event's row is locked, in the same transaction that adds or
frees a seat: PostgreSQL honours SELECT ... FOR UPDATE, and SQLite takes its write lock at
BEGIN (transaction_mode IMMEDIATE in settings), so two cancellations for one event cannot
both promote the same waiting resident, nor promote past the capacity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.errors import Conflict, NotFound
from scenes.models import Event, EventRegistration
from scenes.services.events import Notice, Registration, locked_event, when_text
from scenes.services.groups import require_resident


@dataclass
class UnregisterResult:
    registration: EventRegistration
    promoted: list[EventRegistration] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def _registered_count(event: Event) -> int:
    return EventRegistration.objects.filter(event=event, status=Registration.REGISTERED).count()


def waitlist_position(registration: EventRegistration) -> int | None:
    """1 for the next resident to get a seat; None unless waitlisted."""
    if registration.status != Registration.WAITLISTED:
        return None
    ahead = (
        EventRegistration.objects.filter(
            event_id=registration.event_id, status=Registration.WAITLISTED
        )
        .filter(created_at__lte=registration.created_at)
        .exclude(created_at=registration.created_at, pk__gte=registration.pk)
        .count()
    )
    return ahead + 1


def event_register(*, user, event: Event) -> EventRegistration:
    """Take a seat, or a place on the waitlist when the event is full.

    Returns the registration (status "registered" or "waitlisted"); refused for a cancelled
    event, one that has started, or a resident who is already registered or waiting.
    """
    require_resident(user)
    with transaction.atomic():
        event = locked_event(event)
        if event.status == Event.Status.CANCELLED:
            raise Conflict(_("该活动已取消，不能报名。"), code="event_cancelled")
        if event.starts_at <= timezone.now():
            raise Conflict(_("该活动已开始或已结束，不能报名。"), code="event_past")
        if (
            EventRegistration.objects.filter(event=event, resident=user)
            .exclude(status=Registration.CANCELLED)
            .exists()
        ):
            raise Conflict(_("你已报名该活动。"), code="already_registered")
        status = (
            Registration.REGISTERED
            if _registered_count(event) < event.capacity
            else Registration.WAITLISTED
        )
        try:
            with transaction.atomic():
                registration = EventRegistration.objects.create(
                    event=event, resident=user, status=status
                )
        except IntegrityError:
            # A double tap that slipped past the check (the partial unique index decides).
            raise Conflict(_("你已报名该活动。"), code="already_registered") from None
    return registration


def _promote(event: Event, *, now: dt.datetime) -> list[EventRegistration]:
    """Fill free seats from the waitlist, first come first served. Call under the lock."""
    free = event.capacity - _registered_count(event)
    if free <= 0:
        return []
    waiting = list(
        EventRegistration.objects.filter(event=event, status=Registration.WAITLISTED)
        .select_related("resident")
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = Registration.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
    return waiting


def event_unregister(*, user, event: Event) -> UnregisterResult:
    """Give up a seat or a waitlist place; the first waiting resident gets the seat."""
    require_resident(user)
    now = timezone.now()
    with transaction.atomic():
        event = locked_event(event)
        registration = (
            EventRegistration.objects.filter(event=event, resident=user)
            .exclude(status=Registration.CANCELLED)
            .first()
        )
        if registration is None:
            raise NotFound(_("你没有报名该活动。"), code="not_registered")
        if event.status == Event.Status.PUBLISHED and event.starts_at <= now:
            raise Conflict(_("活动已开始，不能取消报名。"), code="event_past")
        registration.status = Registration.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = _promote(event, now=now) if event.status == Event.Status.PUBLISHED else []
    zone = event.venue.zone
    notices = [
        Notice(
            resident_id=r.resident_id,
            phone_masked=r.resident.phone_masked,
            message=_("有人取消了报名，你已从候补转为报名成功：%(title)s（%(when)s）。")
            % {"title": event.title, "when": when_text(event.starts_at, zone)},
        )
        for r in promoted
    ]
    return UnregisterResult(registration=registration, promoted=promoted, notices=notices)


def registrations_erase_for(*, user) -> list[EventRegistration]:
    """Delete every registration of ``user`` (account deletion); returns who was promoted.

    Each seat they held is freed under the event's lock and the waitlist moves up exactly
    as when they unregister, for events still to come; past and cancelled events just lose
    the row. Events are locked in id order so two deletions never wait on each other.
    """
    now = timezone.now()
    promoted: list[EventRegistration] = []
    with transaction.atomic():
        held = (
            EventRegistration.objects.filter(resident=user)
            .exclude(status=Registration.CANCELLED)
            .values_list("event_id", flat=True)
        )
        for event in Event.objects.filter(pk__in=held).order_by("pk"):
            event = locked_event(event)
            EventRegistration.objects.filter(event=event, resident=user).delete()
            if event.status == Event.Status.PUBLISHED and event.starts_at > now:
                promoted += _promote(event, now=now)
        EventRegistration.objects.filter(resident=user).delete()
    return promoted
