"""The file as a table: its encoding, its delimiter, its header mapped to our columns.

Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK (we read GB18030, its superset)
and "CSV UTF-8" with a byte-order mark; other tools write UTF-8 without one. The first
that decodes the whole file wins, UTF-8 first: Chinese text in GBK is almost never valid
UTF-8, while ASCII-only files read the same either way.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bookings.ledger.report import Cell, Problems
from linli.text import join_list

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000

# Our column -> the headers a file may use for it: the Chinese one first (what the
# template and the documentation show), then English aliases, as the venue import's keys.
COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("类型", "type"),
    "venue": ("场馆", "venue"),
    "room": ("功能室", "room"),
    "phone": ("电话", "手机", "手机号", "phone"),
    "date": ("日期", "date"),
    "start": ("开始时间", "start"),
    "end": ("结束时间", "end"),
    "status": ("状态", "status"),
    "checkin": ("签到时间", "checkin", "check_in"),
    "people": ("人数", "people"),
    "purpose": ("用途", "purpose"),
    "price": ("金额", "price"),
    "score": ("评分", "score"),
    "comment": ("留言", "comment"),
    "event": ("活动", "event"),
}
REQUIRED = ("type", "date")
_ALIASES = {alias.lower(): column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class Row:
    """One data row: its spreadsheet number and its cells by our column names."""

    number: int
    values: dict[str, str]
    headers: dict[str, tuple[str, int]]  # column -> (header as written, index)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def cell(self, column: str) -> Cell:
        header, index = self.headers.get(column, (COLUMNS[column][0], None))
        return Cell(self.number, header, index)

    @property
    def whole(self) -> Cell:
        return Cell(self.number)


def decode(data: bytes, problems: Problems) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.error(
            Cell(1),
            _(
                "这是 UTF-16（“Unicode 文本”）文件；请在 Excel 中另存为“CSV UTF-8”或“CSV（逗号分隔）”。"
            ),
            "encoding",
        )
        return None
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.error(
        Cell(1),
        _("无法识别文件编码；请在 Excel 中另存为“CSV UTF-8”或“CSV（逗号分隔）”。"),
        "encoding",
    )
    return None


def _header(raw: list[str], problems: Problems) -> dict[str, tuple[str, int]] | None:
    headers: dict[str, tuple[str, int]] = {}
    known = [alias for aliases in COLUMNS.values() for alias in aliases[:1]]
    for index, text in enumerate(raw):
        name = "".join(text.split())
        if not name:
            continue
        column = _ALIASES.get(name.lower())
        cell = Cell(1, name, index)
        if column is None:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            if close:
                message = _("未知列“%(name)s”，是不是“%(guess)s”？") % {
                    "name": name,
                    "guess": close[0],
                }
            else:
                message = _("未知列“%(name)s”；可用的列：%(known)s。") % {
                    "name": name,
                    "known": join_list(known),
                }
            problems.error(cell, message, "unknown_column")
        elif column in headers:
            problems.error(
                cell,
                _("与 %(other)s 列重复。") % {"other": headers[column][0]},
                "duplicate_column",
            )
        else:
            headers[column] = (name, index)
    for column in REQUIRED:
        if column not in headers:
            problems.error(
                Cell(1),
                _("缺少“%(column)s”列。") % {"column": COLUMNS[column][0]},
                "missing_column",
            )
    return headers


def read_rows(data: bytes, problems: Problems) -> list[Row]:
    """The file's data rows (blank ones skipped); problems with the file as a whole are
    recorded and give no rows."""
    if len(data) > MAX_BYTES:
        problems.error(
            Cell(1),
            _("文件太大（超过 %(mb)d MB），请分成几个文件导入。") % {"mb": MAX_BYTES // 2**20},
            "too_large",
        )
        return []
    text = decode(data, problems)
    if text is None:
        return []
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader, None)
        if raw_header is None or not any(c.strip() for c in raw_header):
            problems.error(Cell(1), _("文件是空的，第 1 行应是列名。"), "empty")
            return []
        headers = _header(raw_header, problems)
        if not problems.clean_since(0):
            return []
        rows = []
        for number, raw in enumerate(reader, start=2):
            if not any(c.strip() for c in raw):
                continue
            if len(rows) >= MAX_ROWS:
                problems.error(
                    Cell(number),
                    _("行数太多（超过 %(max)d 行），请分成几个文件导入。") % {"max": MAX_ROWS},
                    "too_many_rows",
                )
                return []
            values = {
                column: raw[index].strip()
                for column, (_name, index) in headers.items()
                if index < len(raw)
            }
            rows.append(Row(number, values, headers))
        return rows
    except csv.Error as exc:
        problems.error(
            Cell(reader.line_num), _("不是有效的 CSV：%(error)s") % {"error": exc}, "csv"
        )
        return []
