"""Charts as server-side SVG, each with the table of its data behind it.

For figures people would rather look at than read (metrics' dashboard and openness page).
No script and no CDN: an ``<svg role="img">`` whose title and one-sentence summary are its
text alternative, and a ``Table`` (the same numbers, readable by screen readers, at 200%
zoom and as CSV: ``table_csv``). Colours come from classes styled in linli.css (CSP
forbids style attributes); every figure is also written as text in the table, so nothing
depends on telling colours apart.

The drawing is sized for a phone: a viewBox 340 units wide, shown at the container's
width (at most ~34rem), so 11-unit labels stay ~11 px on a 360 px screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
LEVELS = 5  # heat-0 .. heat-4, plus heat-none for "no data"


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: the svg's title/desc ids and the CSV's name
    title: str
    summary: str  # the text alternative: what the picture says, in one or two sentences
    svg: SafeString
    table: Table
    notes: Sequence[str] = field(default_factory=tuple)


def percent(value: float | None) -> str:
    """A share as people read it ("37%"); "—" when there is no denominator (null)."""
    return "—" if value is None else f"{round(value * 100)}%"


def table_csv(table: Table, filename: str) -> HttpResponse:
    """The table as CSV that Excel opens correctly in Chinese (UTF-8 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _svg(chart_id: str, title: str, summary: str, height: float, body: list[str]) -> SafeString:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(summary)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 (every text escaped above)


def _text(x: float, y: float, text: str, cls: str = "chart-label", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _level(value: float | None, top: float) -> str:
    if value is None:
        return "heat-none"
    if top <= 0 or value <= 0:
        return "heat-0"
    return f"heat-{min(LEVELS - 1, 1 + int(value / top * (LEVELS - 1) - 1e-9))}"


def heat_map(
    *,
    chart_id: str,
    title: str,
    summary: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    label_every: int = 1,
    fmt: Callable[[float | None], str] = percent,
    top: float | None = None,
    show_values: bool = False,
    left: float = 44,
    cell_fmt: Callable[[float | None], str] | None = None,
) -> Chart:
    """rows × columns of shaded cells (darker is more; ``top`` is the darkest, default the
    largest value). ``show_values`` writes each figure in its cell (for few columns);
    ``left`` is the room for the row names (wider for longer names); ``cell_fmt`` writes
    the figures in narrow cells (default ``fmt``, which the table always uses)."""
    flat = [v for row in values for v in row if v is not None]
    top = top if top is not None else (max(flat) if flat else 0)
    head = 16
    cell_w = (WIDTH - left) / max(1, len(columns))
    cell_h = 26 if show_values else 20
    body = []
    for j, name in enumerate(columns):
        if j % label_every == 0:
            body.append(_text(left + (j + 0.5) * cell_w, 11, name, anchor="middle"))
    for i, (name, row) in enumerate(zip(rows, values, strict=True)):
        y = head + i * cell_h
        body.append(_text(left - 4, y + cell_h / 2 + 4, name, anchor="end"))
        for j, value in enumerate(row):
            x = left + j * cell_w
            level = _level(value, top)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" '
                f'height="{cell_h - 1}" class="{level}"/>'
            )
            if show_values and value is not None:
                body.append(
                    _text(
                        x + cell_w / 2,
                        y + cell_h / 2 + 4,
                        (cell_fmt or fmt)(value),
                        f"chart-in {level}-ink",
                        "middle",
                    )
                )
    height = head + len(rows) * cell_h + 4
    table = Table(
        caption=title,
        headers=["", *columns],
        rows=[[name, *(fmt(v) for v in row)] for name, row in zip(rows, values, strict=True)],
    )
    return Chart(chart_id, title, summary, _svg(chart_id, title, summary, height, body), table)


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    label_every: int = 1,
) -> Chart:
    """One bar per label, its height split into shares (0-1) of each series (name, css
    class, values); a label without data has an empty, outlined bar."""
    left, top_pad, plot_h, legend_h = 30, 8, 120, 22
    bar_w = (WIDTH - left) / max(1, len(labels))
    base = top_pad + plot_h
    body = [_axis(left, top_pad, plot_h)]
    for j, label in enumerate(labels):
        x = left + j * bar_w + bar_w * 0.15
        y = base
        shares = [values[j] for _name, _cls, values in series]
        if all(s is None for s in shares):
            body.append(
                f'<rect x="{x:.1f}" y="{top_pad}" width="{bar_w * 0.7:.1f}" '
                f'height="{plot_h}" class="chart-empty"/>'
            )
        for (_name, cls, _values), share in zip(series, shares, strict=True):
            h = (share or 0) * plot_h
            if h > 0:
                y -= h
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" '
                    f'height="{h:.1f}" class="{cls}"/>'
                )
        if j % label_every == 0:
            body.append(_text(left + (j + 0.5) * bar_w, base + 14, label, anchor="middle"))
    body += _legend([(name, cls) for name, cls, _v in series], base + 22)
    table = Table(
        caption=title,
        headers=["", *(name for name, _cls, _v in series)],
        rows=[
            [label, *(percent(values[j]) for _name, _cls, values in series)]
            for j, label in enumerate(labels)
        ],
    )
    height = base + 22 + legend_h
    return Chart(chart_id, title, summary, _svg(chart_id, title, summary, height, body), table)


def trend(
    *,
    chart_id: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    label_every: int = 1,
    fmt: Callable[[float | None], str] = percent,
    top: float = 1.0,
) -> Chart:
    """A line over periods (0 to ``top``); a period without data (null) breaks the line
    rather than drawing a zero that did not happen."""
    left, top_pad, plot_h = 30, 8, 120
    step = (WIDTH - left) / max(1, len(labels))
    base = top_pad + plot_h
    body = [_axis(left, top_pad, plot_h, fmt=fmt, top=top)]
    points: list[list[tuple[float, float]]] = [[]]
    for j, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + (j + 0.5) * step
        if j % label_every == 0:
            body.append(_text(x, base + 14, label, anchor="middle"))
        if value is None:
            points.append([])
            continue
        y = base - min(value, top) / top * plot_h if top else base
        points[-1].append((x, y))
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="chart-point"/>')
    for run in points:
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.insert(1, f'<polyline points="{path}" class="chart-line"/>')
    table = Table(
        caption=title,
        headers=["", title],
        rows=[[lb, fmt(v)] for lb, v in zip(labels, values, strict=True)],
    )
    return Chart(chart_id, title, summary, _svg(chart_id, title, summary, base + 20, body), table)


def _axis(left: float, top_pad: float, plot_h: float, *, fmt=percent, top: float = 1.0) -> str:
    lines = []
    for k in range(3):
        y = top_pad + plot_h * k / 2
        lines.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" class="chart-grid"/>'
        )
        lines.append(_text(left - 3, y + 4, fmt(top * (2 - k) / 2), anchor="end"))
    base = top_pad + plot_h
    lines.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" class="chart-axis"/>')
    return "".join(lines)


def _legend(entries: Sequence[tuple[str, str]], y: float) -> list[str]:
    body, x = [], 30.0
    for name, cls in entries:
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" class="{cls}"/>')
        body.append(_text(x + 16, y + 10, name))
        x += 24 + 12 * len(name)
    return body
