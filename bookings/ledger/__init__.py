"""Importing a community's ledger (台账): the bookings, check-ins, walk-in headcounts and
ratings it kept in a spreadsheet, so its history counts in the openness and repeat-visit
figures. The format is docs/ledger-format.md.

Modelled on the venue import (spaces.importer): all or nothing in one transaction, every
error located (row and column) and reported at once, a report of what was done, and
re-importing the same file changes nothing (each row's natural key is stored, hashed, in
``ledger_key``). History is imported as recorded: where it no longer fits today's hours,
scenes or rules that is a warning, never an error; only malformed or contradictory rows
are errors.

Public API: ``ledger_import(*, user, file, dry_run=False, venue=None, community=None)``
-> ``LedgerReport``; raises ``LedgerImportError`` (code ``ledger_invalid``, ``problems``)
or ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.ledger.apply import Writer
from bookings.ledger.checks import dedupe
from bookings.ledger.records import Places, read_row
from bookings.ledger.report import Cell, LedgerImportError, LedgerReport, Problems
from bookings.ledger.table import read_rows
from linli.errors import PermissionDenied
from spaces.locks import venue_lock
from spaces.models import Community, Venue
from spaces.permissions import venue_can_operate, venues_operated_by

__all__ = ["LedgerImportError", "LedgerReport", "ledger_import"]


def _candidates(user, community: Community | None):
    """The venues a file may name: those ``user`` operates (all for the command line,
    ``user`` None), within ``community`` when given."""
    venues = Venue.objects.all() if user is None else venues_operated_by(user=user)
    if community is not None:
        venues = venues.filter(community=community)
    return list(venues)


def ledger_import(
    *,
    user,
    file,
    dry_run: bool = False,
    venue: Venue | None = None,
    community: Community | None = None,
    now: dt.datetime | None = None,
) -> LedgerReport:
    """Import the ledger in ``file`` (bytes or a binary file object: an upload, an open
    file). ``user`` None is the command line, which may import into any venue; a person
    may only name venues they operate. ``venue`` is the venue of rows whose 场馆 cell is
    empty; ``community`` narrows the venues names are looked up among. With ``dry_run``
    everything is checked and counted, then rolled back."""
    if venue is not None and user is not None and not venue_can_operate(user=user, venue=venue):
        raise PermissionDenied(_("你不是该场馆的运营方，无权导入。"), code="not_venue_operator")
    candidates = _candidates(user, community)
    if user is not None and not candidates:
        raise PermissionDenied(_("你不是任何场馆的运营方，无权导入。"), code="not_venue_operator")
    now = now or timezone.now()
    data = file.read() if hasattr(file, "read") else bytes(file)
    problems = Problems()
    report = LedgerReport(dry_run=dry_run)
    rows = read_rows(data, problems)
    places = Places(candidates, venue, problems)
    with transaction.atomic():
        specs = [spec for row in rows if (spec := read_row(row, places, problems, now=now))]
        venues = {spec.venue.pk: spec.venue for spec in specs}
        for pk in sorted(venues):  # one order for every writer: no lock cycles
            venue_lock(venues[pk])
        specs = dedupe(specs, problems)
        try:
            Writer(specs, problems, report, now).run()
        except IntegrityError:
            # What the checks above rule out under the venue lock; the database's own
            # guards (no overlap, one walk-in a day) answer the same, as a file error.
            problems.error(Cell(1), _("与数据库中的现有记录冲突，请重新导入。"), "conflict")
        if problems.error_count:
            raise LedgerImportError(problems)
        report.warnings = problems.warnings
        report.warning_count = problems.warning_count
        report.venue_ids = sorted(venues)
        if dry_run:
            transaction.set_rollback(True)
    return report
