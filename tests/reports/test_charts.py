"""Server-rendered SVG charts: well-formed, one bar per score, threshold and clipping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_draws_one_bar_per_score_and_marks_low_ones_red():
    svg = charts.bar_chart(
        [("1. การปฏิบัติหน้าที่", D("88.81")), ("2. การใช้งบประมาณ", D("75.15")), ("3. <ว่าง>", None)],
        title="คะแนน",
        threshold=D(85),
    )
    root = ET.fromstring(svg)
    rects = root.findall(f"{SVG}rect")
    assert [r.get("fill") for r in rects] == [charts.BAR, charts.BAR_LOW]
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "3. <ว่าง>" in texts and "88.81" in texts and "–" in texts
    assert root.get("font-family") == "Sarabun"
    dashed = [line for line in root.findall(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1


def test_bar_chart_clips_scores_outside_0_to_100():
    svg = charts.bar_chart([("a", D("130")), ("b", D("-5"))], title="t", width=300, label_width=100)
    widths = [float(r.get("width")) for r in ET.fromstring(svg).findall(f"{SVG}rect")]
    assert widths == [300 - 100 - 6 - 34, 0.0]


def test_year_chart_breaks_a_line_at_a_missing_year():
    svg = charts.year_chart(
        [2562, 2563, 2564, 2565],
        [("รวม", [D("70"), D("75"), None, D("87.86")]), ("IIT", [D("60"), D("65"), D("70"), D("80")])],
        title="รายปี",
    )
    root = ET.fromstring(svg)
    lines = root.findall(f"{SVG}polyline")
    assert [len(p.get("points").split()) for p in lines] == [2, 4]
    assert len(root.findall(f"{SVG}circle")) == 7
    assert {"2562", "2565", "87.86", "รวม", "IIT"} <= {t.text for t in root.findall(f"{SVG}text")}


def test_year_chart_scale_starts_below_the_lowest_score():
    svg = charts.year_chart([2564, 2565], [("รวม", [D("72.40"), D("87.86")])], title="รายปี")
    ticks = [t.text for t in ET.fromstring(svg).findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["60", "70", "80", "90", "100"]


def test_weighted_bar_chart_draws_each_tool_against_its_weight():
    svg = charts.weighted_bar_chart(
        [("IIT", D("24.30"), D("30.00")), ("EIT", D("23.40"), D("30.00")), ("OIT", None, D("40.00"))],
        title="คะแนนถ่วงน้ำหนัก",
        width=300,
        label_width=100,
    )
    root = ET.fromstring(svg)
    plot_w = 300 - 100 - 6 - 62
    rects = root.findall(f"{SVG}rect")
    # an outline per tool (its maximum), a filled bar per scored tool; OIT 40 spans the whole plot
    outlines = [float(r.get("width")) for r in rects if r.get("fill") == "none"]
    filled = [float(r.get("width")) for r in rects if r.get("fill") == charts.BAR]
    assert outlines == [round(plot_w * 30 / 40, 1), round(plot_w * 30 / 40, 1), float(plot_w)]
    assert filled == [round(plot_w * 24.30 / 40, 1), round(plot_w * 23.40 / 40, 1)]
    texts = {t.text for t in root.findall(f"{SVG}text")}
    assert {"24.30 / 30", "23.40 / 30", "– / 40", "IIT", "OIT", "0", "40"} <= texts
    assert root.find(f"{SVG}title").text == "คะแนนถ่วงน้ำหนัก"


def test_weighted_bar_chart_clips_a_score_above_its_maximum():
    svg = charts.weighted_bar_chart([("X", D("55"), D("30"))], title="t", width=300, label_width=100)
    rects = ET.fromstring(svg).findall(f"{SVG}rect")
    assert rects[0].get("width") == rects[1].get("width")


def test_every_dashboard_chart_has_an_svg_counterpart_for_pdfs(full_assessment):
    from reports import documents, selectors

    svgs = documents.analysis_charts(selectors.analysis_of(full_assessment))
    assert set(svgs) == {"tools", "indicators", "years", "trend"}
    trend = ET.fromstring(svgs["trend"])
    legend = {t.text for t in trend.findall(f"{SVG}text")}
    assert {"คะแนนรวม", "1", "10", "2564", "2565", "87.86"} <= legend  # the total and each indicator
    assert len(trend.findall(f"{SVG}polyline")) == 11
    tools = ET.fromstring(svgs["tools"])
    assert {"24.27 / 30", "23.60 / 30", "40.00 / 40"} <= {t.text for t in tools.findall(f"{SVG}text")}
