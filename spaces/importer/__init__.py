"""Bulk onboarding: communities, venues, rooms and their hours from one JSON document.

The format is described in docs/import-format.md. An import is all or nothing: the whole
file is checked, every problem is collected (naming the record and the field), and if
there is any, nothing is written. Records are matched by natural keys, so importing the
same file twice changes nothing.

Public API:
- ``venues_import(*, data, dry_run=False) -> ImportReport``; raises ``VenueImportError``
  (a DomainError, code ``import_invalid``) whose ``problems`` list every error.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from spaces.importer.apply import Writer
from spaces.importer.fields import Reader
from spaces.importer.records import FORMAT_VERSION, read_file
from spaces.importer.report import ImportProblem, ImportReport, VenueImportError

__all__ = [
    "FORMAT_VERSION",
    "ImportProblem",
    "ImportReport",
    "VenueImportError",
    "venues_import",
]


def venues_import(*, data: Any, dry_run: bool = False) -> ImportReport:
    """Create or update what ``data`` (the parsed JSON document) describes.

    With ``dry_run`` everything is checked and counted, including what only the database
    can check, and then rolled back.
    """
    reader = Reader()
    specs = read_file(reader, data)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        # Records without problems of their own are written even when others have some,
        # so that database-level problems show up in the same run; raising rolls back.
        Writer(reader, report).run(specs)
        if reader.problems:
            raise VenueImportError(reader.problems)
        if dry_run:
            transaction.set_rollback(True)
    return report
