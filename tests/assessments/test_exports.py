"""Excel exports: user text stays text, numbers are numbers, every sheet prints, nothing leaks."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from assessments import exports, selectors, services
from assessments.models import Assessment, FrameworkStatus

NOTE = '=HYPERLINK("http://evil","x")'
URL = "@SUM(1+1)*cmd|' /C calc'!A0"
ORG_NAME = "+66 เทศบาลตำบลทดสอบ"


def workbook_bytes(assessment: Assessment) -> bytes:
    return exports.assessment_workbook(assessment, selectors.assessment_result(assessment))


def read(content: bytes):
    return load_workbook(BytesIO(content))


def sheet_xml(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(BytesIO(content)) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


@pytest.fixture
def hostile(assessment, org_a, officer):
    """Organization A's assessment with text a spreadsheet would run as formulas."""
    org_a.name = ORG_NAME
    org_a.save()
    item = assessment.framework.items.get(code="O2")
    services.disclosure_result_set(
        assessment=assessment, item=item, passed=False, urls=[URL], note=NOTE, user=officer
    )
    assessment.refresh_from_db()
    return assessment


def test_assessment_workbook_keeps_user_text_as_text(hostile):
    wb = read(workbook_bytes(hostile))
    title = wb["สรุป"]["A1"]
    url, note = wb["OIT"]["E3"], wb["OIT"]["F3"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in (title, url, note)] == [
        (f"{ORG_NAME} — ITA 2565", "s", True),
        (URL, "s", True),
        (NOTE, "s", True),
    ]


def test_assessment_workbook_has_no_formula_in_its_xml(hostile):
    content = workbook_bytes(hostile)
    xml = sheet_xml(content)
    assert len(xml) == 4
    assert [name for name, text in xml.items() if "<f>" in text or "<f " in text] == []
    assert f"<t>{ORG_NAME} — ITA 2565</t>" in xml["xl/worksheets/sheet1.xml"]
    oit = xml["xl/worksheets/sheet4.xml"]
    assert re.search(r'<c r="F3" s="\d+" t="inlineStr"><is><t>=HYPERLINK\("http://evil","x"\)</t>', oit)
    with zipfile.ZipFile(BytesIO(content)) as z:
        assert 'quotePrefix="1"' in z.read("xl/styles.xml").decode()


def test_assessment_workbook_reads_back_unchanged_in_calamine(hostile):
    wb = CalamineWorkbook.from_filelike(BytesIO(workbook_bytes(hostile)))
    assert wb.sheet_names == ["สรุป", "ตัวชี้วัด", "คะแนนรายข้อคำถาม", "OIT"]
    assert wb.get_sheet_by_name("สรุป").to_python()[0][0] == f"{ORG_NAME} — ITA 2565"
    assert wb.get_sheet_by_name("OIT").to_python()[2][4:6] == [URL, NOTE]


def test_list_workbook_keeps_organization_name_as_text(hostile, officer):
    content = exports.assessment_list_workbook(selectors.assessments_for_user(officer))
    cell = read(content).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (ORG_NAME, "s", True)
    assert [n for n, text in sheet_xml(content).items() if "<f>" in text] == []
    rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_name("การประเมิน").to_python()
    assert rows[1][:2] == [ORG_NAME, 2565]


@pytest.mark.parametrize(
    ("typed", "stored", "quoted"),
    [
        ("#N/A", "#N/A", False),
        ("-1+2", "-1+2", True),
        ("\t=1+1", "\t=1+1", True),
        ("\r=1+1", "\r=1+1", True),
        ("ผ่าน =1+1", "ผ่าน =1+1", False),
        ("ก\x01ข\x0bค", "กขค", False),
    ],
)
def test_put_writes_text_as_a_string_cell(typed, stored, quoted):
    ws = Workbook().active
    cell = exports._put(ws, 1, 1, typed)
    assert (cell.value, cell.data_type, bool(cell.quotePrefix)) == (stored, "s", quoted)


@pytest.mark.parametrize("typed", ["", "\x01\x02"])
def test_put_leaves_empty_text_an_empty_cell(typed):
    cell = exports._put(Workbook().active, 1, 1, typed)
    assert (cell.value, cell.data_type) == (None, "n")


def test_assessment_workbook_writes_numbers_as_numbers(assessment, officer):
    services.assessment_published_set(
        assessment=assessment, total=Decimal("84.48"), band="B", tool_scores={}, note="", user=officer
    )
    assessment.refresh_from_db()
    wb = read(workbook_bytes(assessment))
    summary = [
        [(c.value, c.data_type, c.number_format) for c in row] for row in wb["สรุป"].iter_rows(min_row=4)
    ]
    assert [row[2] for row in summary[:3]] == [(30, "n", "0.00"), (30, "n", "0.00"), (40, "n", "0.00")]
    assert summary[-1][3] == (84.48, "n", "0.00")
    indicators = wb["ตัวชี้วัด"]
    assert [(c.value, c.data_type, c.number_format) for c in indicators[2]][:4:3] == [
        (1, "n", "0"),
        (88.81, "n", "0.00"),
    ]
    assert (indicators["D3"].value, indicators["D3"].number_format) == (75.15, "0.00")


def test_assessment_workbook_has_no_number_stored_as_text(assessment):
    wb = read(workbook_bytes(assessment))
    numeric = re.compile(r"\s*-?\d+(\.\d+)?\s*%?")
    texts = [
        (ws.title, c.coordinate, c.value)
        for ws in wb
        if ws.title != "OIT"  # sub-indicator codes such as "9.1" are labels
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and numeric.fullmatch(c.value)
    ]
    assert texts == []


def test_list_workbook_writes_numbers_as_numbers(assessment, officer):
    services.assessment_published_set(
        assessment=assessment, total=Decimal("84.48"), band="B", tool_scores={}, note="", user=officer
    )
    content = exports.assessment_list_workbook(selectors.assessments_for_user(officer))
    row = [(c.value, c.data_type, c.number_format) for c in read(content).active[2]]
    assert row[1] == (2565, "n", "0")
    assert row[5:] == [(84.48, "n", "0.00"), ("B", "s", "General")]


def test_list_workbook_queries_stay_flat(assessment, org_a, officer):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            exports.assessment_list_workbook(selectors.assessments_for_user(officer))
        return len(ctx.captured_queries)

    one = count()
    services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    assert (one, count()) == (1, 1)


def test_summary_notes_a_provisional_framework(org_a, officer, frameworks):
    assessment = services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    assert assessment.framework.status == FrameworkStatus.PROVISIONAL
    ws = read(workbook_bytes(assessment))["สรุป"]
    assert ws["A2"].data_type == "s"
    assert len(ws["A2"].value) > 40
    assert [str(r) for r in ws.merged_cells.ranges] == ["A2:D2"]
    assert ws["A3"].value == "แบบวัด"


def test_summary_of_a_verified_framework_has_no_note(assessment):
    ws = read(workbook_bytes(assessment))["สรุป"]
    assert (ws["A2"].value, list(ws.merged_cells.ranges)) == (None, [])


def test_list_workbook_marks_provisional_years(assessment, org_a, officer):
    services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    content = exports.assessment_list_workbook(selectors.assessments_for_user(officer))
    rows = [r[1:3] for r in read(content).active.iter_rows(min_row=2, values_only=True)]
    assert rows == [
        (2566, str(FrameworkStatus.PROVISIONAL.label)),
        (2565, str(FrameworkStatus.VERIFIED.label)),
    ]


def test_question_sheet_lists_every_survey_question(assessment, officer):
    services.question_scores_set(
        assessment=assessment, scores={"i1": Decimal("87.50"), "e15": Decimal("66.67")}, user=officer
    )
    ws = read(workbook_bytes(assessment))["คะแนนรายข้อคำถาม"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 45
    assert [r[:3] for r in (rows[0], rows[29], rows[30], rows[44])] == [
        ("IIT", 1, "i1"),
        ("IIT", 5, "i30"),
        ("EIT", 6, "e1"),
        ("EIT", 8, "e15"),
    ]
    assert [r[4] for r in rows] == [87.5] + [None] * 43 + [66.67]
    assert all(isinstance(r[3], str) and r[3] for r in rows)
    assert ws["E2"].number_format == "0.00"


def test_every_table_sheet_prints_and_freezes_its_header(assessment, officer):
    sheets = list(read(workbook_bytes(assessment)))
    sheets += list(read(exports.assessment_list_workbook(selectors.assessments_for_user(officer))))
    setup = [
        (
            ws.title,
            ws.freeze_panes,
            ws.print_title_rows,
            ws.page_setup.paperSize,
            ws.page_setup.orientation,
            ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.auto_filter.ref,
        )
        for ws in sheets
    ]
    a4 = 9
    assert setup == [
        ("สรุป", "A4", "$3:$3", a4, "landscape", True, 1, 0, None),
        ("ตัวชี้วัด", "A2", "$1:$1", a4, "landscape", True, 1, 0, "A1:E11"),
        ("คะแนนรายข้อคำถาม", "A2", "$1:$1", a4, "landscape", True, 1, 0, "A1:E46"),
        ("OIT", "A2", "$1:$1", a4, "landscape", True, 1, 0, "A1:F44"),
        ("การประเมิน", "A2", "$1:$1", a4, "landscape", True, 1, 0, "A1:G2"),
    ]
    oit = sheets[3]
    assert [oit.column_dimensions[c].width for c in "ABCDEF"] == [12, 8, 50, 14, 50, 30]
    assert (oit["C2"].alignment.wrap_text, oit["A1"].alignment.wrap_text) == (True, True)


# --------------------------------------------------------------------------- access


def test_assessment_export_of_another_organization_is_404(client, outsider, assessment, assessment_b):
    client.force_login(outsider)
    assert client.get(reverse("assessments:export", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("assessments:export", args=[assessment_b.pk])).status_code == 200


def test_list_export_of_outsider_holds_no_row_of_another_organization(
    client, outsider, hostile, assessment_b
):
    client.force_login(outsider)
    r = client.get(reverse("assessments:list-export"))
    assert r.status_code == 200
    rows = list(read(r.content).active.iter_rows(min_row=2, values_only=True))
    assert [row[:2] for row in rows] == [("องค์การบริหารส่วนตำบลอื่น", 2565)]


def test_text_lines_counts_thai_marks_as_no_width_and_breaks_as_lines():
    from assessments.exports import text_lines

    assert text_lines("กำหนด", 5) == 1  # ก ำ ห น ด: the sara am counts, no marks here
    assert text_lines("ที่นี่", 2) == 1  # ท ี ่ น ี ่: two characters take width
    assert text_lines("abcdef", 3) == 2
    assert text_lines("a\nb\n", 10) == 3


def test_fit_row_height_follows_the_tallest_cell():
    from openpyxl import Workbook

    from assessments.exports import fit_row_height

    ws = Workbook().active
    ws["A1"], ws["B1"] = "x" * 25, "1\n2\n3\n4"
    fit_row_height(ws, 1, [10, 40], 14)
    assert ws.row_dimensions[1].height == 80  # 4 lines × 14 × 1.35 + 4, rounded up
    ws["C2"] = "ก" * 100_000
    fit_row_height(ws, 2, [10, 10, 10], 14)
    assert ws.row_dimensions[2].height == 409
