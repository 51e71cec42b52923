"""manage.py import_measures and the engine under it: what is written, re-import, dry runs, all or nothing,
bad workbooks and command lines (exit 1 / exit 2, nothing written)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from assessments.access import SystemActor
from assessments.models import Assessment
from measures import services
from measures.import_services import measures_import
from measures.models import Measure, MeasureStatus, ProgressReport

from ..conftest import raised, run_at_once
from .workbooks import exported_style, xlsx

ROW_1 = [
    1,
    "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร",
    "IIT, ตัวชี้วัดที่ 2, O12",
    "ประชุมชี้แจงทุกกอง",
    "1. จัดประชุมชี้แจง\n2. เผยแพร่สรุปแผน",
    "สำนักปลัดเทศบาล\nกอง คลัง\nคณะกรรมการติดตามแผน",
    "ต.ค. 64 – มี.ค. 65",
    "รอบ 3 เดือน",
    "ประชุมแล้ว 2 ครั้ง",
    "บุคลากรเข้าร่วมร้อยละ 90",
    "",
    60,
    "อยู่ระหว่างดำเนินการ",
]
ROW_2 = [
    2,
    "ทบทวนคู่มือการยืมพัสดุ",
    "",
    "",
    "- ยกร่าง\n- ประกาศ",
    "ทุกหน่วยงาน",
    "ตลอดปีงบประมาณ",
    "",
    "",
    "",
    "",
    "",
    "",
]


def plan_file(tmp_path, rows, **kwargs):
    path = tmp_path / "measures.xlsx"
    path.write_bytes(exported_style(rows, **kwargs))
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    code = 0
    with translation.override("th"):
        try:
            call_command("import_measures", *map(str, args), stdout=out, stderr=err)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def counts():
    return Measure.objects.count(), ProgressReport.objects.count(), LogEntry.objects.count()


def test_import_command_creates_measures_with_units_targets_and_report(assessment, tmp_path):
    path = plan_file(tmp_path, [ROW_1, ROW_2], round_title="ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)")
    code, out, err = run(path, "--org", "T-0001", "--year", 2565, "--json")
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert {k: answer[k] for k in ("measures", "created", "updated", "unchanged", "errors")} == {
        "measures": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    # A name that is not a unit is kept as another party and listed once; a re-import lists nothing.
    assert answer["warnings"] == [
        {
            "sheet": "มาตรการ",
            "row": 5,
            "column": "F",
            "message": "“คณะกรรมการติดตามแผน” ไม่ใช่สำนัก/กองของหน่วยงานนี้ จึงบันทึกไว้เป็นผู้รับผิดชอบอื่น",
        }
    ]
    again = json.loads(run(path, "--org", "T-0001", "--year", 2565, "--json")[1])
    assert (again["unchanged"], again["warnings"]) == (2, [])
    first, second = Measure.objects.filter(assessment=assessment).order_by("number")
    assert (first.number, first.title, first.guideline) == (1, ROW_1[1], "ประชุมชี้แจงทุกกอง")
    assert first.steps == ["จัดประชุมชี้แจง", "เผยแพร่สรุปแผน"]
    assert sorted(u.name for u in first.units.all()) == ["กองคลัง", "สำนักปลัด"]
    assert first.other_parties == "คณะกรรมการติดตามแผน"
    assert [t.code for t in first.target_tools.all()] == ["IIT"]
    assert [i.number for i in first.target_indicators.all()] == [2]
    assert [i.code for i in first.target_items.all()] == ["O12"]
    assert (first.start_month, first.end_month) == (date(2021, 10, 1), date(2022, 3, 1))
    assert first.rounds == [3, 6]  # the report's round is added
    assert first.status == MeasureStatus.IN_PROGRESS
    assert first.created_by is None
    report = ProgressReport.objects.get(measure=first)
    assert (report.round.month, report.result, report.outcome, report.suggestion, report.percent) == (
        6,
        "ประชุมแล้ว 2 ครั้ง",
        "บุคลากรเข้าร่วมร้อยละ 90",
        "",
        60,
    )
    assert report.reported_by is None
    assert (second.all_units, list(second.units.all()), second.steps) == (True, [], ["ยกร่าง", "ประกาศ"])
    assert (second.start_month, second.end_month) == (date(2021, 10, 1), date(2022, 9, 1))
    assert ProgressReport.objects.filter(measure=second).count() == 0
    sources = {
        e.additional_data.get("source") for e in LogEntry.objects.filter(additional_data__measure=first.pk)
    }
    assert sources == {"manage.py import_measures"}


def test_import_command_reimport_is_unchanged_and_writes_nothing(assessment, tmp_path):
    path = plan_file(tmp_path, [ROW_1, ROW_2], round_title="ผลการดำเนินการ รอบ 6 เดือน")
    assert run(path, "--org", "T-0001", "--year", 2565)[0] == 0
    before = counts()
    code, out, err = run(path, "--org", "เทศบาลตำบลทดสอบ", "--year", 2565, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["unchanged"] == 2
    assert json.loads(out)["created"] == 0
    assert counts() == before


def test_import_command_updates_changed_fields_only(assessment, officer, tmp_path):
    path = plan_file(tmp_path, [ROW_1], round_title="รอบ 6 เดือน")
    run(path, "--org", "T-0001", "--year", 2565)
    measure = Measure.objects.get(assessment=assessment, number=1)
    services.measure_update(measure=measure, outcome="ผลที่คาดหวังเดิม", user=officer)
    changed = [*ROW_1]
    changed[1] = "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากรทุกคน"
    changed[11] = 80
    path = plan_file(tmp_path, [changed], round_title="รอบ 6 เดือน")
    with translation.override("th"):
        result = measures_import(assessment=assessment, data=path.read_bytes(), user=officer)
    assert [(r.action, r.changes) for r in result.rows] == [("update", ("มาตรการ", "รายงานรอบ 6 เดือน"))]
    measure.refresh_from_db()
    assert measure.title == changed[1]
    assert measure.outcome == "ผลที่คาดหวังเดิม"  # not a column of the file: stays
    assert list(
        ProgressReport.objects.filter(measure=measure).values_list("version", "percent", "is_current")
    ) == [
        (2, 80, True),
        (1, 60, False),
    ]


def test_import_command_dry_run_writes_nothing(assessment, tmp_path):
    path = plan_file(tmp_path, [ROW_1, ROW_2])
    before = counts()
    code, out, _err = run(path, "--org", "T-0001", "--year", 2565, "--round", 6, "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["created"] == 2
    assert counts() == before


def test_import_command_row_errors_exit_1_and_write_nothing(assessment, tmp_path):
    bad = [*ROW_2]
    bad[0], bad[6] = 3, "ต.ค. 62 - ก.ย. 63"  # before the fiscal year
    path = plan_file(tmp_path, [ROW_1, bad])
    before = counts()
    code, out, err = run(path, "--org", "T-0001", "--year", 2565, "--round", 6, "--json")
    assert (code, err) == (1, "")
    answer = json.loads(out)
    assert answer["errors"] == [
        {"sheet": "มาตรการ", "row": 5, "column": "G", "message": "ระยะเวลาต้องเริ่มภายในปีงบประมาณ 2565"}
    ]
    assert counts() == before


def test_import_all_rows_or_none_when_a_service_refuses(assessment, officer):
    """Row 1 would change; row 2 asks to drop a round that has a report, which the service refuses
    while writing: row 1's change is rolled back too."""
    one = services.measure_create(assessment=assessment, title="ก", rounds=[6], user=officer)
    two = services.measure_create(assessment=assessment, title="ข", rounds=[6], user=officer)
    services.progress_report_save(
        round=two.monitoring_rounds.get(month=6),
        result="ทำแล้ว",
        outcome="",
        suggestion="",
        percent=10,
        user=officer,
    )
    data = xlsx([["ลำดับ", "มาตรการ", "การกำกับติดตาม"], [1, "ก ใหม่", "รอบ 6 เดือน"], [2, "ข", "รอบ 12 เดือน"]])
    before = counts()
    with translation.override("th"):
        result = measures_import(assessment=assessment, data=data, user=officer)
    assert result.written is False
    assert [(p.row, p.column) for p in result.errors] == [(3, "C")]
    assert counts() == before
    one.refresh_from_db()
    assert one.title == "ก"


def test_import_identity_by_title_without_numbers(assessment, officer):
    services.measure_create(assessment=assessment, title="ประกาศ  นโยบาย No Gift", user=officer)
    data = xlsx(
        [
            ["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"],
            ["ประกาศนโยบาย No Gift", "กองช่าง", "ตลอดปี"],
            ["ใหม่", "", ""],
        ]
    )
    with translation.override("th"):
        result = measures_import(assessment=assessment, data=data, user=officer)
    assert [(r.number, r.action) for r in result.rows] == [(1, "update"), (None, "new")]
    assert list(Measure.objects.filter(assessment=assessment).values_list("number", "title")) == [
        (1, "ประกาศ  นโยบาย No Gift"),
        (2, "ใหม่"),
    ]
    with translation.override("th"):
        again = measures_import(assessment=assessment, data=data, user=officer)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]
    assert Measure.objects.filter(assessment=assessment).count() == 2


def test_import_unmatched_unit_is_kept_and_warned(assessment, officer):
    data = xlsx([["มาตรการ", "ผู้รับผิดชอบ"], ["ก", "สำนักปลัด อบต.\nกองการศึกษา"]])
    with translation.override("th"):
        result = measures_import(assessment=assessment, data=data, user=officer)
    measure = Measure.objects.get(assessment=assessment)
    assert [u.name for u in measure.units.all()] == ["สำนักปลัด"]
    assert measure.other_parties == "กองการศึกษา"
    assert [(p.row, p.column, p.message) for p in result.warnings] == [
        (2, "B", "“กองการศึกษา” ไม่ใช่สำนัก/กองของหน่วยงานนี้ จึงบันทึกไว้เป็นผู้รับผิดชอบอื่น")
    ]


def test_import_executive_may_not_import(assessment, executive):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        measures_import(assessment=assessment, data=xlsx([["มาตรการ"]]), user=executive)


def test_system_actor_writes_only_its_organization(assessment, assessment_b):
    from django.core.exceptions import PermissionDenied

    data = xlsx([["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"], ["ก", "", ""]])
    with pytest.raises(PermissionDenied):
        measures_import(assessment=assessment_b, data=data, user=SystemActor(assessment.organization_id))


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"PK\x03\x04 not really", ("--org", "T-0001", "--year", 2565), "ไฟล์นี้ไม่ใช่ไฟล์ Excel หรือ OpenDocument"),
        (b"", ("--org", "T-0001", "--year", 2565), "ไฟล์ว่างเปล่า"),
        (xlsx([["ชื่อ", "ที่อยู่"]]), ("--org", "T-0001", "--year", 2565), "ไม่พบตารางมาตรการ"),
        (
            xlsx([["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"], ["ก", "", ""]]),
            ("--org", "X-9", "--year", 2565),
            "ไม่พบองค์กร",
        ),
        (
            xlsx([["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"], ["ก", "", ""]]),
            ("--org", "T-0001", "--year", 2570),
            "เทศบาลตำบลทดสอบ",
        ),
    ],
)
def test_import_command_bad_workbooks_exit_1_and_write_nothing(assessment, tmp_path, content, args, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    before = counts()
    code, out, err = run(path, *args)
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[0].split(": ", 1)[-1].startswith(message)
    assert counts() == before
    code, out, err = run(path, *args, "--json")
    assert (code, err) == (1, "")
    answer = json.loads(out)
    assert (answer["measures"], answer["created"]) == (0, 0)
    assert answer["errors"][0]["message"].startswith(message)
    assert counts() == before


@pytest.mark.parametrize(
    "args",
    [
        ("--year", 2565),  # no --org
        ("--org", "T-0001", "--year", "สองพัน"),
        ("--org", "T-0001", "--year", 2565, "--round", 5),
    ],
)
def test_import_command_usage_errors_exit_2(assessment, tmp_path, capsys, args):
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx([["มาตรการ"]]))
    before = counts()
    code, out, _err = run(path, *args)
    err = capsys.readouterr().err
    assert code == 2
    assert out == ""
    assert counts() == before
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("เข้าใจคำสั่งไม่ได้")


@pytest.fixture
def varied_plan(assessment, officer):
    """Measures with every kind of field the exporter writes: targets, units, all units, other
    parties, steps, periods, rounds, reports (one with two versions), statuses."""
    fw = assessment.framework
    units = {u.name: u for u in assessment.organization.units.all()}
    one = services.measure_create(
        assessment=assessment,
        title="ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร",
        guideline="ประชุมชี้แจงทุกกอง\nเผยแพร่ทางไลน์กลุ่ม",
        steps=["จัดประชุมชี้แจง", "เผยแพร่สรุปแผน"],
        target_tools=[fw.tools.get(code="IIT")],
        target_indicators=[fw.indicators.get(number=2)],
        target_items=[fw.items.get(code="O12"), fw.items.get(code="O13")],
        units=[units["สำนักปลัด"], units["กองคลัง"]],
        other_parties="คณะกรรมการติดตามแผน",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        rounds=[3, 6],
        status=MeasureStatus.IN_PROGRESS,
        user=officer,
    )
    six = one.monitoring_rounds.get(month=6)
    for result, outcome, suggestion, percent in [
        ("ประชุมแล้ว", "", "", 40),
        ("ประชุมแล้ว 2 ครั้ง", "เข้าร่วมร้อยละ 90", "จัดซ้ำ", 60),
    ]:
        services.progress_report_save(
            round=six, result=result, outcome=outcome, suggestion=suggestion, percent=percent, user=officer
        )
    services.measure_create(
        assessment=assessment,
        title="ทบทวนคู่มือการยืมพัสดุ",
        all_units=True,
        start_month=date(2021, 10, 1),
        end_month=date(2022, 9, 1),
        rounds=[6, 12],
        user=officer,
    )
    services.measure_create(
        assessment=assessment,
        title="มาตรการทั่วไปที่ไม่มีเป้าหมาย",
        steps=["ขั้นเดียว"],
        start_month=date(2022, 1, 1),
        end_month=date(2022, 1, 1),
        status=MeasureStatus.DONE,
        user=officer,
    )
    return assessment


@pytest.mark.parametrize("layout", ["number", "tool", "item", "unit"])
@pytest.mark.parametrize("round_month", [6, None])
def test_import_of_the_exported_workbook_reports_every_measure_unchanged(
    varied_plan, officer, layout, round_month
):
    """Export then import of the exported file: every measure unchanged, nothing written."""
    from measures.excel import measures_workbook  # the exporter (issue 6 item 6)

    with translation.override("th"):
        data = measures_workbook(varied_plan, user=officer, round_month=round_month, layout=layout)
        before = counts()
        result = measures_import(assessment=varied_plan, data=data, user=officer, round_month=round_month)
    assert (result.errors, result.warnings) == ([], [])
    assert sorted((r.number, r.action, r.changes) for r in result.rows) == [  # grouped: the file's order
        (1, "unchanged", ()),
        (2, "unchanged", ()),
        (3, "unchanged", ()),
    ]
    assert result.as_json()["unchanged"] == 3
    assert counts() == before


def export_row(number, title, responsible, period, rounds, status, steps=""):
    """A row of the exporter's layout with no targets, guideline or report."""
    return [number, title, "", "", steps, responsible, period, rounds, "", "", "", "", status]


def test_import_of_a_table_shaped_like_the_export_is_unchanged(varied_plan, officer):
    """The exporter's layout as issue 6 describes it, written by hand for the varied plan (the
    round trip through the exporter itself is the test above)."""
    rows = [
        [
            1,
            "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร",
            "IIT, ตัวชี้วัดที่ 2, O12, O13",
            "ประชุมชี้แจงทุกกอง\nเผยแพร่ทางไลน์กลุ่ม",
            "1. จัดประชุมชี้แจง\n2. เผยแพร่สรุปแผน",
            "สำนักปลัด\nกองคลัง\nคณะกรรมการติดตามแผน",
            "ต.ค. ๖๔ – มี.ค. ๖๕",
            "รอบ 3 เดือน, รอบ 6 เดือน",
            "ประชุมแล้ว 2 ครั้ง",
            "เข้าร่วมร้อยละ 90",
            "จัดซ้ำ",
            60,
            "อยู่ระหว่างดำเนินการ",
        ],
        export_row(
            2, "ทบทวนคู่มือการยืมพัสดุ", "ทุกหน่วยงาน", "ต.ค. 64 – ก.ย. 65", "รอบ 6 เดือน, รอบ 12 เดือน", "วางแผนแล้ว"
        ),
        export_row(
            3, "มาตรการทั่วไปที่ไม่มีเป้าหมาย", "", "ม.ค. 65 – ม.ค. 65", "", "ดำเนินการแล้วเสร็จ", steps="1. ขั้นเดียว"
        ),
    ]
    data = exported_style(rows, round_title="ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)")
    before = counts()
    with translation.override("th"):
        result = measures_import(assessment=varied_plan, data=data, user=officer)
    assert (result.errors, result.warnings) == ([], [])
    assert [(r.number, r.action) for r in result.rows] == [(n, "unchanged") for n in (1, 2, 3)]
    assert counts() == before


def test_import_new_rows_keep_their_numbers_and_unnumbered_ones_follow(assessment, officer):
    services.measure_create(assessment=assessment, title="มีอยู่แล้ว", user=officer)
    data = xlsx(
        [
            ["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ"],
            [5, "ห้า", "กองคลัง"],
            ["", "", ""],
            [3, "สาม", "กองช่าง"],
        ]
    )
    unnumbered = xlsx([["มาตรการ", "ผู้รับผิดชอบ"], ["ไม่มีลำดับ", "กองช่าง"]])
    with translation.override("th"):
        first = measures_import(assessment=assessment, data=data, user=officer)
        second = measures_import(assessment=assessment, data=unnumbered, user=officer)
    assert (first.written, second.written) == (True, True)
    assert list(Measure.objects.filter(assessment=assessment).values_list("number", "title")) == [
        (1, "มีอยู่แล้ว"),
        (3, "สาม"),
        (5, "ห้า"),
        (6, "ไม่มีลำดับ"),
    ]


def test_import_unknown_target_is_kept_in_the_guideline_once(assessment, officer):
    data = xlsx([["ลำดับ", "มาตรการ", "ตัวชี้วัด/ข้อที่มุ่งแก้ไข"], [1, "ก", "O12, O99"]])
    with translation.override("th"):
        first = measures_import(assessment=assessment, data=data, user=officer)
        again = measures_import(assessment=assessment, data=data, user=officer)
    measure = Measure.objects.get(assessment=assessment)
    assert [i.code for i in measure.target_items.all()] == ["O12"]
    assert measure.guideline == "ตัวชี้วัด/ข้อที่มุ่งแก้ไข: O99"
    assert [(p.row, p.column, p.message) for p in first.warnings] == [
        (2, "C", "O99 ไม่มีในกรอบการประเมิน ITA ปี 2565 จึงบันทึกไว้ในแนวทางปฏิบัติ")
    ]
    assert [r.action for r in again.rows] == ["unchanged"]


def test_import_empty_progress_cells_make_no_report(assessment, officer):
    data = exported_style([ROW_2], round_title="รอบ 6 เดือน")
    with translation.override("th"):
        result = measures_import(assessment=assessment, data=data, user=officer)
    assert result.written is True
    measure = Measure.objects.get(assessment=assessment)
    assert (measure.rounds, ProgressReport.objects.count()) == ([], 0)


def test_import_command_help_names_every_option(capsys):
    from measures.management.commands.import_measures import Command

    Command().print_help("manage.py", "import_measures")
    text = capsys.readouterr().out
    assert all(option in text for option in ("--org", "--year", "--round", "--dry-run", "--json"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_four_simultaneous_imports_of_one_file_never_duplicate(transactional_db, frameworks, org_a, officer):
    """Four uploads of the same file at once: one creates, the others wait on the assessment's lock,
    plan again and find every measure there (numbered rows by number, the other by title)."""
    from assessments import services as assessment_services

    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    data = xlsx([["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ"], [1, "ก", "กองคลัง"], [2, "ข", "กองช่าง"], ["", "", ""]])
    data_titles = xlsx([["มาตรการ", "ผู้รับผิดชอบ"], ["ค", "กองคลัง"]])

    def work(n: int) -> tuple:
        with translation.override("th"):
            assessment = Assessment.objects.get(pk=fresh.pk)
            return (
                measures_import(assessment=assessment, data=data, user=officer),
                measures_import(assessment=assessment, data=data_titles, user=officer),
            )

    outcomes = run_at_once(work, 4)
    assert raised(outcomes) == []
    results = [result for pair in outcomes for result in pair]
    assert all(r.written and not r.errors for r in results)
    titles = Measure.objects.filter(assessment=fresh).order_by("title").values_list("title", flat=True)
    assert list(titles) == ["ก", "ข", "ค"]
    assert sorted(r.count("new") for r in results) == [0, 0, 0, 0, 0, 0, 1, 2]


def test_export_measures_then_import_measures_commands_report_unchanged(varied_plan, tmp_path):
    path = tmp_path / "exported.xlsx"
    args = ("--org", "T-0001", "--year", "2565", "--out", str(path))
    call_command("export_measures", *args, stdout=StringIO())
    before = counts()
    code, out, err = run(path, "--org", "T-0001", "--year", 2565, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "measures": 3,
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "warnings": [],
        "errors": [],
    }
    assert counts() == before
