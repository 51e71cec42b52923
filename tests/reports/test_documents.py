"""The reports' interface (reports.documents): titles, fragments, facts, what can be attached, and
the PDFs read back with poppler (text, fonts, metadata, page size)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from measures import services as measure_services
from reports import documents
from reports.documents import ReportSpec, ReportUnavailable

from .conftest import pdf_tool, plain

pytestmark = pytest.mark.django_db


def spec(assessment, kind, **kwargs) -> ReportSpec:
    return ReportSpec(kind, assessment.organization_id, assessment.fiscal_year, **kwargs)


def test_titles_are_thai_and_name_the_year_and_round(full_assessment):
    assert documents.report_title(spec(full_assessment, "analysis")) == (
        "รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) "
        "ประจำปีงบประมาณ พ.ศ. 2565"
    )
    assert documents.report_title(spec(full_assessment, "progress", round_months=6)) == (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
        "ประจำปีงบประมาณ พ.ศ. 2565 รอบ 6 เดือน"
    )


def test_thai_digits_change_text_but_not_tags_entities_or_styles():
    html = (
        '<p class="x1">ปี 2565 &#x27;A&#39; &amp; 85.00</p><svg width="453pt"><text x="12.5">100</text></svg>'
        "<style>a{width:3cm}</style>"
    )
    assert documents.thai_digits_html(html) == (
        '<p class="x1">ปี ๒๕๖๕ &#x27;A&#39; &amp; ๘๕.๐๐</p><svg width="453pt"><text x="12.5">๑๐๐</text></svg>'
        "<style>a{width:3cm}</style>"
    )


def test_analysis_fragment_has_the_sections_total_band_and_charts(full_assessment):
    html = documents.render_fragment(spec(full_assessment, "analysis"), thai_digits=False)
    assert "<html" not in html and html.count("<svg") == 3  # tools, indicators, years
    assert "<title>คะแนนถ่วงน้ำหนักของแต่ละแบบวัด</title>" in html
    for text in ("87.86", "กรอบการประเมิน", "จุดแข็ง", "ต้องแก้ไขโดยเร่งด่วน", "O16", "O40", "2564", "ระดับ A"):
        assert text in html
    assert "คะแนนรวมเพิ่มขึ้น 7.86 คะแนน" in html  # 2564 on record: 80.00


def test_analysis_fragment_in_thai_digits(full_assessment):
    html = documents.render_fragment(spec(full_assessment, "analysis"), thai_digits=True)
    assert "๘๗.๘๖" in html and "87.86" not in re.sub(r"<[^>]*>", "", html)


def test_fragment_uses_the_officers_text_where_they_wrote_one(full_assessment, officer):
    from reports import services

    services.narrative_save(
        assessment=full_assessment, texts={"strengths": "ข้อความที่เจ้าหน้าที่เขียนเอง"}, user=officer
    )
    html = documents.render_fragment(spec(full_assessment, "analysis"), thai_digits=False)
    assert "ข้อความที่เจ้าหน้าที่เขียนเอง" in html
    assert "ต้องแก้ไขโดยเร่งด่วน ได้แก่" in html  # the other sections stay drafted


def test_measures_fragment_groups_by_the_layout(planned):
    by_number = documents.render_fragment(spec(planned, "measures"), thai_digits=False)
    assert "ประชุมชี้แจงแผนการใช้จ่ายงบประมาณ" in by_number and "group-row" not in by_number
    by_unit = documents.render_fragment(spec(planned, "measures", layout="by-unit"), thai_digits=False)
    assert "group-row" in by_unit


def test_progress_fragment_shows_the_rounds_reports(planned):
    html = documents.render_fragment(spec(planned, "progress", round_months=6), thai_digits=False)
    assert "จัดประชุมแล้ว 2 ครั้ง" in html and "บุคลากรรับทราบ" in html
    assert "ตุลาคม 2564 – มีนาคม 2565" in html


def test_facts_of_a_progress_report(planned):
    facts = documents.report_facts(spec(planned, "progress", round_months=6))
    assert facts == {
        "kind": "progress",
        "title": documents.report_title(spec(planned, "progress", round_months=6)),
        "organization": "เทศบาลตำบลทดสอบ",
        "year": 2565,
        "total": "87.86",
        "band": "A",
        "passed": True,
        "pass_mark": "85.00",
        "complete": True,
        "strengths": [
            "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล (100.00 คะแนน)",
            "ตัวชี้วัดที่ 10 การป้องกันการทุจริต (100.00 คะแนน)",
            "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ (88.81 คะแนน)",
        ],
        "weaknesses": [
            "ตัวชี้วัดที่ 2 การใช้งบประมาณ (75.15 คะแนน)",
            "ตัวชี้วัดที่ 7 ประสิทธิภาพการสื่อสาร (75.22 คะแนน)",
            "ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ (78.08 คะแนน)",
            "ตัวชี้วัดที่ 8 การปรับปรุงระบบการทำงาน (78.09 คะแนน)",
        ],
        "failed_items": facts["failed_items"],
        "measure_count": 2,
        "measures_by_status": {"วางแผนแล้ว": 2},
        "round_months": 6,
        "round_label": "รอบ 6 เดือน",
        "period": "ต.ค. ๖๔ – มี.ค. ๖๕",
        "period_long": "ตุลาคม 2564 – มีนาคม 2565",
        "reported_count": 1,
        "percent_mean": "60.00",
    }
    assert [f.split()[0] for f in facts["failed_items"]] == ["O16", "O40"]


def test_available_reports_lists_the_rounds_some_measure_is_checked_at(planned, org_a):
    assert documents.available_reports(org_a, 2565) == [
        ReportSpec("analysis", org_a.pk, 2565),
        ReportSpec("measures", org_a.pk, 2565),
        ReportSpec("progress", org_a.pk, 2565, round_months=6),
        ReportSpec("progress", org_a.pk, 2565, round_months=12),
    ]
    assert documents.available_reports(org_a, 2564) == [ReportSpec("analysis", org_a.pk, 2564)]
    assert documents.available_reports(org_a, 2560) == []


@pytest.mark.parametrize(
    ("kind", "kwargs", "message"),
    [
        ("analysis", {"year": 2560}, "หน่วยงานนี้ยังไม่มีการประเมินของปีงบประมาณ 2560"),
        ("measures", {}, "ปีงบประมาณ 2565 ยังไม่มีมาตรการ"),
        ("progress", {"round_months": 5}, "รายงานผลการดำเนินการต้องระบุรอบ 3, 6, 9 หรือ 12 เดือน"),
        ("progress", {"round_months": 3}, "ปีงบประมาณ 2565 ไม่มีมาตรการที่ติดตามผลในรอบ 3 เดือน"),
        ("letter", {}, "ไม่รู้จักประเภทรายงาน: letter"),
        ("measures", {"layout": "sideways"}, "ไม่รู้จักรูปแบบการจัดกลุ่มมาตรการ: sideways"),
    ],
)
def test_missing_data_raises_report_unavailable_in_thai(full_assessment, kind, kwargs, message):
    year = kwargs.pop("year", 2565)
    with pytest.raises(ReportUnavailable) as raised:
        documents.render_fragment(
            ReportSpec(kind, full_assessment.organization_id, year, **kwargs), thai_digits=True
        )
    assert raised.value.message_th == message


def test_incomplete_result_renders_with_what_is_missing(assessment):
    facts = documents.report_facts(spec(assessment, "analysis"))
    assert (facts["total"], facts["band"], facts["complete"]) == (None, "", False)
    html = documents.render_fragment(spec(assessment, "analysis"), thai_digits=False)
    assert "ยังไม่ครบถ้วน" in html and "ยังไม่ทราบคะแนนรวม" in html


@pytest.fixture
def pdf_of(tmp_path):
    def render(s: ReportSpec, *, thai_digits: bool = True):
        path = tmp_path / f"{s.kind}.pdf"
        path.write_bytes(documents.render_report_pdf(s, thai_digits=thai_digits))
        return path

    return render


def test_analysis_pdf_reads_back_title_total_and_band(full_assessment, pdf_of):
    path = pdf_of(spec(full_assessment, "analysis"))
    text = plain(pdf_tool("pdftotext", path))
    assert plain("รายงานการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ") in text
    assert plain("ในภาพรวมได้ ๘๗.๘๖ คะแนน ผลการประเมินระดับ A") in text
    assert plain("เทศบาลตำบลทดสอบ") in text


def test_pdf_metadata_fonts_and_page_size(planned, pdf_of):
    for s, pages in (
        (spec(planned, "analysis"), "A4"),
        (spec(planned, "measures", layout="by-item"), "landscape"),
        (spec(planned, "progress", round_months=6), "landscape"),
    ):
        path = pdf_of(s)
        info = pdf_tool("pdfinfo", path)
        title = documents.thai_digits_html(documents.report_title(s))
        assert f"Title:           {title}" in info
        assert "Author:          เทศบาลตำบลทดสอบ" in info
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        width, height = float(size.group(1)), float(size.group(2))
        assert (round(width), round(height)) == ((595, 842) if pages == "A4" else (842, 595))
        fonts = pdf_tool("pdffonts", path).splitlines()[2:]
        assert fonts and all("Sarabun" in line.split()[0] for line in fonts), fonts


def test_pdf_in_arabic_digits_when_asked(full_assessment, pdf_of):
    text = pdf_tool("pdftotext", pdf_of(spec(full_assessment, "analysis"), thai_digits=False))
    assert "87.86" in text and "๘๗.๘๖" not in text


def test_a_long_plan_repeats_the_table_header_on_every_page(planned, officer, pdf_of):
    for n in range(40):
        measure_services.measure_create(
            assessment=planned, title=f"มาตรการเพิ่มเติม {n}", rounds=[6], user=officer
        )
    path = pdf_of(spec(planned, "measures"))
    pages = pdf_tool("pdftotext", path).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1
    assert all(plain("ขั้นตอนหรือวิธีการ") in plain(p) for p in pages)
    for number in range(1, len(pages) + 1):
        header = pdf_tool(
            "pdftotext",
            path,
            "-f",
            str(number),
            "-l",
            str(number),
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            "900",
            "-H",
            "50",
        )
        expected = "" if number == 1 else plain(f"- {documents.thai_digits_html(str(number))} -")
        assert plain(header) == expected


@pytest.mark.parametrize("year", [2563, 2564, 2565, 2566, 2567, 2568, 2569])
def test_analysis_renders_for_every_shipped_framework(frameworks, org_a, officer, year):
    from assessments import services as assessment_services

    a = assessment_services.assessment_create(organization=org_a, fiscal_year=year, user=officer)
    numbers = list(a.framework.indicators.values_list("number", flat=True))
    assessment_services.indicator_scores_set(
        assessment=a, scores={n: Decimal("90.00") - n for n in numbers}, user=officer
    )
    a.refresh_from_db()
    html = documents.render_fragment(spec(a, "analysis"), thai_digits=False)
    facts = documents.report_facts(spec(a, "analysis"))
    assert facts["complete"] is True and facts["band"] == a.computed_band
    assert f"ในภาพรวมได้ {a.computed_total} คะแนน ผลการประเมินระดับ {a.computed_band}" in html
    assert len(facts["strengths"]) == len([n for n in numbers if 90 - n >= 85])
