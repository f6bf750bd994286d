"""Writing checked specs: upsert by natural keys, saving only what differs.

Natural keys: community (street, name), venue (community, name), room (venue, name).
Weekly hours are compared as a set per scope and only the rows that differ are deleted or
added; a dated exception is replaced only when its rows differ. So re-importing a file
issues no writes at all and every id stays as it was.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from linli.text import join_list
from spaces.hours.rules import Span
from spaces.importer.fields import Reader
from spaces.importer.intervals import ExceptionSpec
from spaces.importer.records import CommunitySpec, RoomSpec, VenueSpec
from spaces.importer.report import COMMUNITY, ROOM, VENUE, ImportReport, Loc
from spaces.locks import venue_lock
from spaces.models import Community, OpeningException, OpeningHours, Room, Venue
from spaces.schedule import schedule_changed
from spaces.services import NEW_EXCEPTION, HoursRule, exception_made_at

# Model field -> the file's name for it, for errors that only the database checks find.
FILE_FIELDS = {
    "latitude": "location.lat",
    "longitude": "location.lon",
    "is_published": "published",
    "is_bookable": "bookable",
    "__all__": "",
}
# Coordinates survive a database round trip exactly, but a float compare is not the place
# to rely on that: 1e-9 degrees is a tenth of a millimetre.
_COORDINATE_TOLERANCE = 1e-9


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=_COORDINATE_TOLERANCE)
    return a == b


class Writer:
    def __init__(self, reader: Reader, report: ImportReport) -> None:
        self.reader = reader
        self.report = report

    def run(self, specs: list[CommunitySpec]) -> None:
        for community_spec in specs:
            if not community_spec.ok:
                continue
            community = self._upsert(
                COMMUNITY,
                community_spec.loc,
                Community,
                {"street": community_spec.street, "name": community_spec.name},
                community_spec.fields,
                label=f"{community_spec.street}·{community_spec.name}",
            )
            if community is None:
                continue
            for venue_spec in community_spec.venues:
                if venue_spec.ok:
                    self._venue(community, venue_spec)

    def _venue(self, community: Community, spec: VenueSpec) -> None:
        venue, created, changed = self._write(
            spec.loc, Venue, {"community": community, "name": spec.name}, spec.fields
        )
        if venue is None:
            return
        # The venue lock before anything of the venue is written, its rooms included: a
        # room's save gives the venue a new schedule token (spaces.schedule), and a
        # booking locks the venue and then the room (spaces.locks.room_lock), so taking
        # them the other way round could deadlock with it.
        venue_lock(venue)
        changed += self._hours(venue, None, spec.hours)
        changed += self._exceptions(venue, None, spec.exceptions)
        self._count(VENUE, created, changed, spec.name)
        self.report.venue_ids.append(venue.pk)
        for room_spec in spec.rooms:
            if room_spec.ok:
                self._room(venue, room_spec)

    def _room(self, venue: Venue, spec: RoomSpec) -> None:
        room, created, changed = self._write(
            spec.loc, Room, {"venue": venue, "name": spec.name}, spec.fields
        )
        if room is None:
            return
        changed += self._hours(venue, room, spec.hours)
        changed += self._exceptions(venue, room, spec.exceptions)
        self._count(ROOM, created, changed, f"{venue.name}·{spec.name}")

    # --- records -----------------------------------------------------------------------

    def _upsert(self, kind, loc, model, key, fields, *, label) -> models.Model | None:
        instance, created, changed = self._write(loc, model, key, fields)
        if instance is not None:
            self._count(kind, created, changed, label)
        return instance

    def _count(self, kind: str, created: bool, changed: list[str], label: str) -> None:
        if created:
            self.report.created[kind] += 1
            self.report.changes.append(_("新建 %(label)s") % {"label": label})
        elif changed:
            self.report.updated[kind] += 1
            self.report.changes.append(
                _("更新 %(label)s：%(fields)s") % {"label": label, "fields": join_list(changed)}
            )
        else:
            self.report.unchanged[kind] += 1

    def _write(self, loc: Loc, model, key: dict, fields: dict) -> tuple[Any, bool, list[str]]:
        """Create or update one row: (instance, or None on error; created; changed fields)."""
        instance = model.objects.filter(**key).first()
        created = instance is None
        if created:
            instance = model(**key, **fields)
            changed = list(fields)
        else:
            changed = [f for f, v in fields.items() if not _same(getattr(instance, f), v)]
            if not changed:
                return instance, False, []
            for name in changed:
                setattr(instance, name, fields[name])
        try:
            instance.full_clean()
        except ValidationError as exc:
            self._validation_problems(loc, exc)
            return None, False, []
        try:
            with transaction.atomic():
                if created:
                    instance.save()
                else:
                    auto = [f.name for f in model._meta.fields if getattr(f, "auto_now", False)]
                    instance.save(update_fields=changed + auto)
        except IntegrityError:
            self.reader.error(loc, "name", _("与数据库中的现有记录冲突。"), "conflict")
            return None, False, []
        return instance, created, [FILE_FIELDS.get(f, f) for f in changed]

    def _validation_problems(self, loc: Loc, exc: ValidationError) -> None:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for name, items in messages.items():
            for message in items:
                self.reader.error(loc, FILE_FIELDS.get(name, name), str(message), "invalid")

    # --- hours and exceptions ----------------------------------------------------------

    def _hours(
        self, venue: Venue, room: Room | None, rules: tuple[HoursRule, ...] | None
    ) -> list[str]:
        if rules is None:
            return []
        venue_lock(venue)
        existing = {
            HoursRule(
                day=r.day,
                opens=r.opens,
                closes=r.closes,
                overnight=r.overnight,
                closed=r.opens is None,
            ): r.pk
            for r in OpeningHours.objects.filter(venue=venue, room=room)
        }
        wanted = set(rules)
        stale = [pk for rule, pk in existing.items() if rule not in wanted]
        fresh = sorted(
            wanted - set(existing), key=lambda r: (r.day, r.closed, r.opens or dt.time(0))
        )
        if not stale and not fresh:
            return []
        # Delete first: the new Tuesday 09:00 row may share (day, opens) with an old one.
        OpeningHours.objects.filter(pk__in=stale).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(
                venue=venue,
                room=room,
                day=r.day,
                opens=r.opens,
                closes=r.closes,
                overnight=r.overnight,
            )
            for r in fresh
        )
        schedule_changed(venue.pk)  # bulk_create sends no signal (spaces.schedule)
        return ["hours"]

    def _exceptions(
        self, venue: Venue, room: Room | None, specs: tuple[ExceptionSpec, ...] | None
    ) -> list[str]:
        if not specs:
            return []
        venue_lock(venue)
        existing: dict[Any, list[OpeningException]] = defaultdict(list)
        for row in OpeningException.objects.filter(
            venue=venue, room=room, date__in=[s.date for s in specs]
        ):
            existing[row.date].append(row)
        changed = False
        for spec in specs:
            wanted = sorted(
                [(o, c, n, spec.reason) for o, c, n in spec.intervals]
                or [(None, None, False, spec.reason)],
                key=repr,
            )
            have = sorted(
                [(r.opens, r.closes, r.overnight, r.reason) for r in existing[spec.date]], key=repr
            )
            if wanted == have:
                continue
            changed = True
            spans = tuple(sorted(Span(o, c, n) for o, c, n in spec.intervals))
            made_at = exception_made_at(existing[spec.date], spans)
            OpeningException.objects.filter(venue=venue, room=room, date=spec.date).delete()
            created = OpeningException.objects.bulk_create(
                OpeningException(
                    venue=venue,
                    room=room,
                    date=spec.date,
                    opens=o,
                    closes=c,
                    overnight=n,
                    reason=reason,
                )
                for o, c, n, reason in wanted
            )
            if made_at is not NEW_EXCEPTION:  # reworded only: the closure is not new
                OpeningException.objects.filter(pk__in=[r.pk for r in created]).update(
                    created_at=made_at
                )
        if changed:
            schedule_changed(venue.pk)  # bulk_create sends no signal (spaces.schedule)
        return ["exceptions"] if changed else []
