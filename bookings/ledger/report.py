"""What a ledger import did, and what was wrong with a file that could not be imported.

Problems and warnings are spaces.importer's ``ImportProblem`` (path for programs, label
for people), located by the spreadsheet's row number and column: "第 5 行 D 列“开始时间”".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.errors import DomainError
from linli.text import join_list
from spaces.importer.report import ImportProblem

# One page of errors is enough to fix a file; more would only bury the first ones.
MAX_PROBLEMS = 100
MAX_WARNINGS = 200

BOOKING, CHECKIN, HEADCOUNT, RATING = "booking", "checkin", "headcount", "rating"
KINDS = (BOOKING, CHECKIN, HEADCOUNT, RATING)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as Excel names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """Where a value sits: the spreadsheet row (the header is row 1) and its column."""

    row: int
    column: str = ""  # the header as the file spells it
    index: int | None = None  # the column's position, for its letter

    def path(self) -> str:
        return f"rows[{self.row}].{self.column}" if self.column else f"rows[{self.row}]"

    def label(self) -> str:
        if not self.column:
            return _("第 %(row)d 行") % {"row": self.row}
        if self.index is None:
            return _("第 %(row)d 行“%(column)s”") % {"row": self.row, "column": self.column}
        return _("第 %(row)d 行 %(letter)s 列“%(column)s”") % {
            "row": self.row,
            "letter": column_letter(self.index),
            "column": self.column,
        }


class Problems:
    """Collects errors (which stop the import) and warnings (which do not), each located
    by its cell; counts all of them but keeps the first MAX_PROBLEMS / MAX_WARNINGS."""

    def __init__(self) -> None:
        self.errors: list[ImportProblem] = []
        self.warnings: list[ImportProblem] = []
        self.error_count = 0
        self.warning_count = 0

    def error(self, cell: Cell, message: str, code: str = "invalid") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS:
            self.errors.append(ImportProblem(cell.path(), cell.label(), message, code))

    def warn(self, cell: Cell, message: str, code: str = "warning") -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(ImportProblem(cell.path(), cell.label(), message, code))

    def mark(self) -> int:
        return self.error_count

    def clean_since(self, mark: int) -> bool:
        return self.error_count == mark


class LedgerImportError(DomainError):
    """The file was rejected; nothing was written. ``problems`` lists the errors found
    (at most MAX_PROBLEMS; ``count`` is how many there were)."""

    default_code = "ledger_invalid"

    def __init__(self, problems: Problems):
        self.problems = list(problems.errors)
        self.count = problems.error_count
        self.warnings = list(problems.warnings)
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.path or "__all__", []).append(problem.message)
        message = ngettext(
            "导入失败：发现 %(count)d 处错误，没有写入任何数据。",
            "导入失败：发现 %(count)d 处错误，没有写入任何数据。",
            self.count,
        ) % {"count": self.count}
        super().__init__(message, fields=fields)

    @property
    def unlisted(self) -> int:
        """Errors found but not listed (beyond MAX_PROBLEMS)."""
        return self.count - len(self.problems)

    def unlisted_text(self) -> str:
        if not self.unlisted:
            return ""
        return _("另有 %(count)d 处错误未列出，请先改正以上错误。") % {"count": self.unlisted}


def kind_label(kind: str) -> str:
    return {
        BOOKING: _("预约"),
        CHECKIN: _("签到"),
        HEADCOUNT: _("到场人数"),
        RATING: _("评价"),
    }[kind]


@dataclass
class LedgerReport:
    """Rows written ("new") and rows found already imported, per kind; the warnings."""

    dry_run: bool = False
    new: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    warnings: list[ImportProblem] = field(default_factory=list)
    warning_count: int = 0
    venue_ids: list[int] = field(default_factory=list)

    @property
    def new_total(self) -> int:
        return sum(self.new.values())

    @property
    def existing_total(self) -> int:
        return sum(self.existing.values())

    def _counts(self, counter: Counter) -> str:
        """ "3 条（预约 2、评价 1）", or "0 条"."""
        total = sum(counter.values())
        parts = [
            _("%(kind)s %(count)d") % {"kind": kind_label(k), "count": counter[k]}
            for k in KINDS
            if counter[k]
        ]
        if not parts:
            return _("%(total)d 条") % {"total": total}
        return _("%(total)d 条（%(counts)s）") % {"total": total, "counts": join_list(parts)}

    def summary(self) -> str:
        """E.g. "新增 12 条（预约 5、签到 4、评价 3）；已导入过 0 条；提醒 2 条"."""
        if self.dry_run:
            text = _(
                "试运行（没有写入数据库）：将新增 %(new)s；已导入过 %(existing)s；"
                "提醒 %(warnings)d 条"
            )
        else:
            text = _("新增 %(new)s；已导入过 %(existing)s；提醒 %(warnings)d 条")
        return text % {
            "new": self._counts(self.new),
            "existing": self._counts(self.existing),
            "warnings": self.warning_count,
        }
