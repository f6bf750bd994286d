"""What an import did, and what was wrong with a file that could not be imported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.errors import DomainError

COMMUNITY, VENUE, ROOM = "community", "venue", "room"


@dataclass(frozen=True)
class Loc:
    """Where a value sits in the file: ``communities[0].venues[1].rooms[2]``.

    Venues and rooms carry their name so that an error points at "五福茶馆", not only at an
    index someone has to count to in a long file.
    """

    segments: tuple[tuple[str, str], ...] = ()  # (segment, name or "")

    def child(self, key: str, index: int | None = None, *, name: str = "") -> Loc:
        segment = key if index is None else f"{key}[{index}]"
        return Loc((*self.segments, (segment, name)))

    def path(self, field: str = "") -> str:
        parts = [segment for segment, _name in self.segments]
        if field:
            parts.append(field)
        return ".".join(parts)

    def label(self, field: str = "") -> str:
        text = ""
        after_name = False
        for segment, name in self.segments:
            if text:
                text += " " if after_name else "."
            text += segment
            after_name = bool(name)
            if name:
                text += f" ({name})"
        if field:
            text = f"{text}{' ' if after_name else '.'}{field}" if text else field
        return text or _("（文件）")


@dataclass(frozen=True)
class ImportProblem:
    """One error: ``path`` is stable for programs, ``label`` is what people read."""

    path: str
    label: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class VenueImportError(DomainError):
    """The file was rejected; nothing was written. ``problems`` lists every error found."""

    default_code = "import_invalid"

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.path or "__all__", []).append(problem.message)
        count = len(self.problems)
        message = ngettext(
            "导入失败：发现 %(count)d 处错误，没有写入任何数据。",
            "导入失败：发现 %(count)d 处错误，没有写入任何数据。",
            count,
        ) % {"count": count}
        super().__init__(message, fields=fields)


@dataclass
class ImportReport:
    """Counts per kind of record ("community", "venue", "room") and one line per change.

    A venue or room counts as updated when any of its fields, weekly hours or dated
    exceptions changed; a re-import of the same file leaves everything "unchanged".
    """

    dry_run: bool = False
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)
    venue_ids: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def _counts(self, counter: Counter) -> str:
        return _("%(communities)d 个社区、%(venues)d 个场馆、%(rooms)d 个功能室") % {
            "communities": counter[COMMUNITY],
            "venues": counter[VENUE],
            "rooms": counter[ROOM],
        }

    def _total(self, counter: Counter) -> str:
        total = sum(counter.values())
        if not total:
            return "0"
        return _("%(total)d（%(counts)s）") % {"total": total, "counts": self._counts(counter)}

    def summary(self) -> str:
        """E.g. "创建 2 个社区、3 个场馆、5 个功能室；更新 0；未变 0"."""
        if self.dry_run:
            text = _(
                "试运行（没有写入数据库）：创建 %(created)s；更新 %(updated)s；未变 %(unchanged)s"
            )
        elif self.changed:
            text = _("创建 %(created)s；更新 %(updated)s；未变 %(unchanged)s")
        else:
            text = _(
                "创建 %(created)s；更新 %(updated)s；未变 %(unchanged)s。全部未变，数据库没有改动。"
            )
        return text % {
            "created": self._counts(self.created),
            "updated": self._total(self.updated),
            "unchanged": self._total(self.unchanged),
        }
