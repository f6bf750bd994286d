"""linli.charts: SVG that says what it shows, escapes what it is given, and a table and
CSV with the same figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from linli import charts

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_heat_map_cells_levels_and_text_alternative():
    chart = charts.heat_map(
        chart_id="heat",
        title="开放时段",
        summary="周六晚上开放最多。",
        rows=["周一", "周二"],
        columns=["9时", "10时", "11时"],
        values=[[0.0, 0.5, 1.0], [None, 0.25, 0.75]],
    )
    svg = parse(chart)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "heat-t heat-d"
    assert svg.find("s:title", NS).text == "开放时段"
    assert svg.find("s:desc", NS).text == "周六晚上开放最多。"
    levels = [r.get("class") for r in svg.findall("s:rect", NS)]
    # 0 is its own level; the largest value (1.0) the darkest; no data is marked apart.
    assert levels == ["heat-0", "heat-2", "heat-4", "heat-none", "heat-1", "heat-3"]
    assert chart.table.headers == ["", "9时", "10时", "11时"]
    assert chart.table.rows == [["周一", "0%", "50%", "100%"], ["周二", "—", "25%", "75%"]]


def test_text_is_escaped():
    chart = charts.trend(
        chart_id="t",
        title="<b>趋势</b>",
        summary="a & b",
        labels=["<script>"],
        values=[0.5],
    )
    raw = str(chart.svg)
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert parse(chart).find("s:title", NS).text == "<b>趋势</b>"


def test_trend_breaks_at_missing_periods_instead_of_drawing_zero():
    chart = charts.trend(
        chart_id="t",
        title="回访率",
        summary="",
        labels=["1", "2", "3", "4", "5"],
        values=[0.2, 0.4, None, 0.6, 0.8],
    )
    svg = parse(chart)
    assert len(svg.findall("s:polyline", NS)) == 2  # 1-2 and 4-5, nothing through 3
    assert len(svg.findall("s:circle", NS)) == 4
    assert chart.table.rows[2] == ["3", "—"]


def test_stacked_bars_stack_shares_and_mark_empty_periods():
    chart = charts.stacked_bars(
        chart_id="s",
        title="场景占比",
        summary="",
        labels=["第1周", "第2周"],
        series=[
            ("公益", "share-public", [0.5, None]),
            ("经营", "share-commercial", [0.25, None]),
            ("无场景", "share-none", [0.25, None]),
        ],
    )
    rects = parse(chart).findall("s:rect", NS)
    bars = [r for r in rects if r.get("class", "").startswith("share-") and r.get("width") != "12"]
    assert [float(r.get("height")) for r in bars] == [60.0, 30.0, 30.0]  # of 120
    assert any(r.get("class") == "chart-empty" for r in rects)
    assert chart.table.rows == [["第1周", "50%", "25%", "25%"], ["第2周", "—", "—", "—"]]


def test_csv_opens_in_excel_as_chinese():
    table = charts.Table(caption="x", headers=["周", "开放小时"], rows=[["第1周", "12.5"]])
    response = charts.table_csv(table, "openness.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="openness.csv"'
    assert response.content.decode("utf-8") == "\ufeff周,开放小时\r\n第1周,12.5\r\n"
