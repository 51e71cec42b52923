"""Excel export of a year's measures: the file contract the importer reads (sheet, title rows, header,
one row per measure), the round's progress, the formula guard, print settings, group rows, the
export_measures command and the list page's download."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from assessments.models import Assessment
from measures import services
from measures.excel import measures_workbook
from measures.models import MeasureStatus

from .workbooks import EXPORT_HEADER

PLAN_TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2565"


def _measure(assessment, user, title="ประชุมชี้แจงแผนงบประมาณ", **kwargs):
    return services.measure_create(assessment=assessment, title=title, user=user, **kwargs)


def _report(measure, user, month=6, result="ดำเนินการแล้ว", outcome="", suggestion="", percent=40):
    return services.progress_report_save(
        round=measure.monitoring_rounds.get(month=month),
        result=result,
        outcome=outcome,
        suggestion=suggestion,
        percent=percent,
        user=user,
    )


@pytest.fixture(autouse=True)
def arabic_digits(org_a):
    """These tests read periods in Arabic digits; the Thai-digit default has its own test below."""
    org_a.thai_digits = False
    org_a.save(update_fields=["thai_digits"])
    return org_a


@pytest.fixture
def measure(assessment, officer, org_a):
    fw = assessment.framework
    return _measure(
        assessment,
        officer,
        guideline="ชี้แจงแผนแก่บุคลากรทุกกอง",
        steps=["จัดประชุม", "เผยแพร่สรุป"],
        target_tools=[fw.tools.get(code="OIT")],
        target_indicators=[fw.indicators.get(number=2)],
        target_items=[fw.items.get(code="O1")],
        units=[org_a.units.get(name="กองคลัง"), org_a.units.get(name="สำนักปลัด")],
        other_parties="คณะกรรมการจัดซื้อ\nผู้นำชุมชน",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        rounds=[6, 12],
    )


def _openpyxl(content: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return wb, wb.worksheets[0]


def _calamine(content: bytes) -> tuple[list[str], list[list]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return wb.sheet_names, wb.get_sheet_by_index(0).to_python()


# --------------------------------------------------------------------------- the contract


def test_workbook_titles_and_header_read_back(assessment, officer, measure):
    _report(measure, officer, month=6)
    content = measures_workbook(assessment, user=officer)
    names, rows = _calamine(content)
    assert names == ["มาตรการ"]
    assert rows[0][0] == "เทศบาลตำบลทดสอบ"
    assert rows[1][0] == PLAN_TITLE
    assert rows[2][0] == "ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)"
    assert rows[3] == EXPORT_HEADER
    wb, ws = _openpyxl(content)
    assert wb.sheetnames == ["มาตรการ"]
    assert [c.value for c in ws[4]] == EXPORT_HEADER
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:M1", "A2:M2", "A3:M3"}


def test_workbook_measure_row_cells(assessment, officer, measure):
    _report(measure, officer, month=6, result="ประชุมแล้ว", outcome="ผู้เข้าร่วม 40 คน", suggestion="ทำซ้ำ")
    content = measures_workbook(assessment, user=officer)
    _names, rows = _calamine(content)
    assert rows[4] == [
        1,
        "ประชุมชี้แจงแผนงบประมาณ",
        "OIT, ตัวชี้วัดที่ 2, O1",
        "ชี้แจงแผนแก่บุคลากรทุกกอง",
        "1. จัดประชุม\n2. เผยแพร่สรุป",
        "สำนักปลัด\nกองคลัง\nคณะกรรมการจัดซื้อ\nผู้นำชุมชน",
        "ต.ค. 64 – มี.ค. 65",
        "รอบ 6 เดือน, รอบ 12 เดือน",
        "ประชุมแล้ว",
        "ผู้เข้าร่วม 40 คน",
        "ทำซ้ำ",
        40,
        "วางแผนแล้ว",
    ]
    _wb, ws = _openpyxl(content)
    number, percent = ws.cell(row=5, column=1), ws.cell(row=5, column=12)
    assert (number.value, number.data_type) == (1, "n")
    assert (percent.value, percent.data_type) == (40, "n")
    assert ws.max_row == 5


def test_workbook_all_units_and_status_label(assessment, officer):
    _measure(assessment, officer, title="ทุกกอง", all_units=True, status=MeasureStatus.DONE, rounds=[12])
    _names, rows = _calamine(measures_workbook(assessment, user=officer))
    # nothing reported: no round title row, the header is the third row
    assert rows[2] == EXPORT_HEADER
    assert rows[3][5] == "ทุกหน่วยงาน"
    assert rows[3][7] == "รอบ 12 เดือน"
    assert rows[3][8:12] == ["", "", "", ""]
    assert rows[3][12] == "ดำเนินการแล้วเสร็จ"


def test_workbook_exports_current_version_of_chosen_round(assessment, officer, measure):
    _report(measure, officer, month=6, result="ฉบับแรก", percent=30)
    _report(measure, officer, month=6, result="ฉบับแก้ไข", percent=60)
    _report(measure, officer, month=12, result="ครบปี", percent=100)
    _names, rows = _calamine(measures_workbook(assessment, user=officer, round_month=6))
    assert rows[2][0] == "ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)"
    assert (rows[4][8], rows[4][11]) == ("ฉบับแก้ไข", 60)
    # without a round: the latest round that has a report
    _names, rows = _calamine(measures_workbook(assessment, user=officer))
    assert rows[2][0] == "ผลการดำเนินการ รอบ 12 เดือน (ต.ค. 64 – ก.ย. 65)"
    assert (rows[4][8], rows[4][11]) == ("ครบปี", 100)


def test_workbook_round_without_report_keeps_columns_empty(assessment, officer, measure):
    _report(measure, officer, month=6)
    _names, rows = _calamine(measures_workbook(assessment, user=officer, round_month=3))
    assert rows[2][0] == "ผลการดำเนินการ รอบ 3 เดือน (ต.ค. 64 – ธ.ค. 64)"
    assert rows[3] == EXPORT_HEADER
    assert rows[4][8:12] == ["", "", "", ""]


def test_workbook_latest_round_over_all_measures(assessment, officer, measure):
    other = _measure(assessment, officer, title="อีกมาตรการ", rounds=[3, 9])
    _report(measure, officer, month=6)
    _report(other, officer, month=9, result="รอบเก้า")
    _names, rows = _calamine(measures_workbook(assessment, user=officer))
    assert rows[2][0].startswith("ผลการดำเนินการ รอบ 9 เดือน")
    assert [(r[0], r[8]) for r in rows[4:]] == [(1, ""), (2, "รอบเก้า")]


def test_workbook_text_never_becomes_formula(assessment, officer):
    m = _measure(
        assessment,
        officer,
        title="=1+1",
        guideline="+SUM(A1:A2)",
        steps=['=HYPERLINK("http://x")'],
        other_parties="-2+3\n@cmd",
        rounds=[6],
    )
    _report(m, officer, result="=WEBSERVICE(1)")
    content = measures_workbook(assessment, user=officer)
    _wb, ws = _openpyxl(content)
    title, guideline, result = ws.cell(row=5, column=2), ws.cell(row=5, column=4), ws.cell(row=5, column=9)
    assert [(c.value, c.data_type) for c in (title, guideline, result)] == [
        ("=1+1", "s"),
        ("+SUM(A1:A2)", "s"),
        ("=WEBSERVICE(1)", "s"),
    ]
    assert title.quotePrefix is True
    assert ws.cell(row=5, column=6).value == "-2+3\n@cmd"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    _names, rows = _calamine(content)
    assert rows[4][1] == "=1+1"
    assert rows[4][4] == '1. =HYPERLINK("http://x")'


def test_workbook_print_settings(assessment, officer, measure):
    _report(measure, officer)
    _wb, ws = _openpyxl(measures_workbook(assessment, user=officer))
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "A5"
    steps = ws.cell(row=5, column=5)
    assert steps.alignment.wrap_text is True
    assert steps.font.name == "TH SarabunPSK"
    assert steps.border.left.style == "thin"
    assert ws.cell(row=4, column=1).font.b is True
    assert ws.column_dimensions["E"].width == 36
    assert ws.column_dimensions["A"].width == 6


def test_workbook_unit_layout_groups_each_measure_once(assessment, officer, org_a):
    klang, palad = org_a.units.get(name="กองคลัง"), org_a.units.get(name="สำนักปลัด")
    _measure(assessment, officer, title="สองกอง", units=[klang, palad])
    _measure(assessment, officer, title="ทุกกอง", all_units=True)
    _measure(assessment, officer, title="คณะกรรมการ", other_parties="คณะกรรมการ")
    content = measures_workbook(assessment, user=officer, layout="unit")
    _names, rows = _calamine(content)
    assert [(r[0], r[1]) for r in rows[3:]] == [
        ("ทุกสำนัก/กอง", ""),
        (2, "ทุกกอง"),
        ("สำนักปลัด", ""),
        (1, "สองกอง"),
        ("ผู้รับผิดชอบอื่น", ""),
        (3, "คณะกรรมการ"),
    ]
    _wb, ws = _openpyxl(content)
    heading = ws.cell(row=4, column=1)
    assert heading.font.b is True
    assert heading.fill.fgColor.rgb == "00EDEDED"
    assert "A4:M4" in {str(r) for r in ws.merged_cells.ranges}


def test_workbook_tool_layout_keeps_tool_heading_of_indicator_groups(assessment, officer):
    fw = assessment.framework
    _measure(assessment, officer, title="ตัวชี้วัด 2", target_indicators=[fw.indicators.get(number=2)])
    _measure(assessment, officer, title="ทั่วไป")
    _names, rows = _calamine(measures_workbook(assessment, user=officer, layout="tool"))
    iit = str(fw.tools.get(code="IIT"))
    ind2 = str(fw.indicators.get(number=2))
    assert [r[0] for r in rows[3:]] == [iit, ind2, 1, "ไม่ระบุเป้าหมายในการประเมิน", 2]


@pytest.mark.parametrize("kwargs", [{"layout": "bogus"}, {"round_month": 5}])
def test_workbook_refuses_unknown_layout_and_round(assessment, officer, kwargs):
    with pytest.raises(ValueError):
        measures_workbook(assessment, user=officer, **kwargs)


def test_workbook_query_count_is_flat(assessment, officer, org_a):
    unit = org_a.units.first()
    item = assessment.framework.items.get(code="O1")
    first = _measure(assessment, officer, units=[unit], target_items=[item], rounds=[3, 6, 9, 12])
    _report(first, officer, month=6)
    counts = {}
    for layout in ("number", "tool", "item", "unit"):
        fresh = Assessment.objects.get(pk=assessment.pk)  # organization and framework not loaded
        with CaptureQueriesContext(connection) as one:
            measures_workbook(fresh, user=officer, layout=layout)
        counts[layout] = len(one)
    for n in range(19):
        m = _measure(
            assessment, officer, title=f"มาตรการ {n}", units=[unit], target_items=[item], rounds=[3, 6]
        )
        _report(m, officer, month=6)
    for layout in ("number", "tool", "item", "unit"):
        fresh = Assessment.objects.get(pk=assessment.pk)
        with CaptureQueriesContext(connection) as many:
            content = measures_workbook(fresh, user=officer, layout=layout)
        assert len(many) == counts[layout]
    assert len(_calamine(content)[1]) == 3 + 1 + 1 + 20  # titles, header, the unit group, rows


def test_workbook_reads_only_own_organization(assessment, assessment_b, officer, outsider, measure):
    services.measure_create(assessment=assessment_b, title="ของอีกหน่วยงาน", user=outsider)
    _names, rows = _calamine(measures_workbook(assessment, user=None))
    assert [r[1] for r in rows[3:]] == ["ประชุมชี้แจงแผนงบประมาณ"]
    # a user of another organization reads nothing of this one
    _names, rows = _calamine(measures_workbook(assessment, user=outsider))
    assert rows[3:] == []


# --------------------------------------------------------------------------- export_measures


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("export_measures", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("org", ["T-0001", "เทศบาลตำบลทดสอบ"])
def test_command_writes_workbook(tmp_path, assessment, officer, measure, org):
    _report(measure, officer, month=6, result="ทำแล้ว")
    path = tmp_path / "measures.xlsx"
    code, out, err = _run("--org", org, "--year", "2565", "--out", str(path), "--layout", "unit")
    assert (code, err) == (0, "")
    assert out == f"{path}: มาตรการ 1 รายการ\n"
    _names, rows = _calamine(path.read_bytes())
    assert rows[2][0].startswith("ผลการดำเนินการ รอบ 6 เดือน")
    assert [r[1] for r in rows[4:]] == ["", "ประชุมชี้แจงแผนงบประมาณ"]  # under สำนักปลัด
    assert rows[5][8] == "ทำแล้ว"


def test_command_round_option(tmp_path, assessment, officer, measure):
    _report(measure, officer, month=6)
    path = tmp_path / "r12.xlsx"
    assert _run("--org", "T-0001", "--year", "2565", "--out", str(path), "--round", "12")[0] == 0
    assert _calamine(path.read_bytes())[1][2][0] == "ผลการดำเนินการ รอบ 12 เดือน (ต.ค. 64 – ก.ย. 65)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOPE"], '--org: ไม่พบหน่วยงานที่มีรหัส ITAS หรือชื่อ "NOPE"'),
        (["--org", ""], '--org: ไม่พบหน่วยงานที่มีรหัส ITAS หรือชื่อ ""'),
        (["--year", "2599"], "เทศบาลตำบลทดสอบ ไม่มีการประเมินของปีงบประมาณ 2599"),
        (["--year", "65"], "--year: ต้องเป็นปีงบประมาณ เช่น 2565 แต่ได้รับ 65"),
        (["--round", "5"], "--round: ต้องเป็น 3, 6, 9 หรือ 12 (เดือนของปีงบประมาณ) แต่ได้รับ 5"),
        (["--layout", "x"], "--layout: ต้องเป็นหนึ่งใน number, tool, item, unit แต่ได้รับ x"),
    ],
)
def test_command_bad_input_exits_2_with_thai_line(tmp_path, assessment, args, message):
    base = {"--org": "T-0001", "--year": "2565", "--out": str(tmp_path / "x.xlsx")}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, out, err = _run(*[part for pair in base.items() for part in pair])
    assert (code, out, err) == (2, "", message + "\n")
    assert not (tmp_path / "x.xlsx").exists()


def test_command_unwritable_path_exits_2(tmp_path, assessment):
    target = tmp_path / "missing-folder" / "x.xlsx"
    code, out, err = _run("--org", "T-0001", "--year", "2565", "--out", str(target))
    assert (code, out) == (2, "")
    assert err == f"--out: เขียนไฟล์ {target} ไม่ได้ (โฟลเดอร์มีอยู่และเขียนได้หรือไม่)\n"


def test_manage_py_export_measures_exits_2_without_traceback(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    env.pop("DJANGO_DEBUG", None)
    done = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "export_measures",
            "--org=DEMO-5401",
            "--year=2565",
            f"--out={tmp_path / 'x.xlsx'}",
            "--round=7",
        ],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode() == "--round: ต้องเป็น 3, 6, 9 หรือ 12 (เดือนของปีงบประมาณ) แต่ได้รับ 7\n"


# --------------------------------------------------------------------------- the download


def test_export_view_downloads_workbook(client, officer, measure):
    _report(measure, officer, month=6)
    client.force_login(officer)
    url = reverse("measures:export", args=[measure.assessment_id])
    response = client.get(url, {"layout": "unit", "round": "12"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "มาตรการ 2565 เทศบาลตำบลทดสอบ.xlsx"
    )
    _names, rows = _calamine(response.content)
    assert rows[2][0].startswith("ผลการดำเนินการ รอบ 12 เดือน")
    assert rows[4][0] == "สำนักปลัด"


def test_export_view_executive_may_download(client, executive, measure):
    client.force_login(executive)
    response = client.get(reverse("measures:export", args=[measure.assessment_id]), {"round": "x"})
    assert response.status_code == 200
    _names, rows = _calamine(response.content)
    assert rows[2] == EXPORT_HEADER  # an unknown round is the default: nothing reported, no round row
    assert rows[3][1] == "ประชุมชี้แจงแผนงบประมาณ"


def test_export_view_404_for_outsider(client, outsider, measure, assessment_b):
    services.measure_create(assessment=assessment_b, title="ของอีกหน่วยงาน", user=outsider)
    client.force_login(outsider)
    assert client.get(reverse("measures:export", args=[measure.assessment_id])).status_code == 404
    assert client.get(reverse("measures:export", args=[assessment_b.pk])).status_code == 200


def test_list_page_offers_download_and_timeline(client, executive, measure):
    client.force_login(executive)
    response = client.get(reverse("measures:list", args=[measure.assessment_id]), {"view": "item"})
    html = response.content.decode()
    export = reverse("measures:export", args=[measure.assessment_id])
    assert f'href="{export}?layout=item"' in html
    assert f'href="{export}?layout=item&amp;round=6"' in html
    assert f'href="{reverse("measures:timeline", args=[measure.assessment_id])}"' in html


def test_workbook_writes_periods_in_thai_digits_when_the_organization_does(
    org_a, assessment, officer, measure
):
    org_a.thai_digits = True
    org_a.save(update_fields=["thai_digits"])
    services.progress_report_save(
        round=measure.monitoring_rounds.get(month=6),
        result="ทำแล้ว",
        outcome="",
        suggestion="",
        percent=10,
        user=officer,
    )
    ws = openpyxl.load_workbook(io.BytesIO(measures_workbook(assessment, user=officer))).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "ผลการดำเนินการ รอบ 6 เดือน (ต.ค. ๖๔ – มี.ค. ๖๕)" in texts
    assert "ต.ค. ๖๔ – มี.ค. ๖๕" in texts
