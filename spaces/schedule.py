"""A venue's schedule token: changed by every write to what decides its timelines.

Opening hours, exceptions and rooms (here) and scenes with their chosen rooms
(scenes.schedule_cache) are read by every timeline, availability and booking check, but
change rarely. scenes.schedule_cache keeps them per process under the venue's current
``schedule_token``; each write to one of those rows gives the venue a new token in the
same transaction, so nobody reads a cached copy older than the committed rows:

- a reader reads the token first, then (on a miss) the rows: what it caches under a
  token is at least as new as that token;
- a writer's new token is seen by others only once its rows are committed; if the write
  rolls back, its token (random, never reused) is never seen again;
- ``Venue.save()`` writes a fresh token too: a Venue object read before a schedule change
  would otherwise write the old token back, and with it the old cached schedule.

Model signals cover every save and delete (queryset ``delete()`` sends them per row
too); ``bulk_create`` and ``update()`` do not send them, so code that writes these rows
in bulk calls ``schedule_changed`` itself (spaces.importer does). Data migrations run
before the server starts, so a per-process cache starts empty after them; with a shared
cache (CACHE_URL=file://...) clear it after a data migration that touches these rows.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from spaces.models import OpeningException, OpeningHours, Room, Venue
from spaces.models.venues import new_schedule_token


def schedule_changed(venue_id: int | None) -> None:
    """Give the venue a new schedule token (its cached schedule is no longer read)."""
    if venue_id is not None:
        Venue.objects.filter(pk=venue_id).update(
            schedule_token=new_schedule_token(), schedule_changed_at=timezone.now()
        )


@receiver(post_save, sender=OpeningHours)
@receiver(post_delete, sender=OpeningHours)
@receiver(post_save, sender=OpeningException)
@receiver(post_delete, sender=OpeningException)
@receiver(post_save, sender=Room)
@receiver(post_delete, sender=Room)
def _row_changed(sender, instance, **kwargs) -> None:
    schedule_changed(instance.venue_id)


@receiver(pre_save, sender=Venue)
def _venue_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is None or "schedule_token" in update_fields:
        instance.schedule_token = new_schedule_token()
        instance.schedule_changed_at = timezone.now()
