"""manage.py render_report: the report as a PDF file; bad input exits 2 with one Thai line."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from .conftest import pdf_tool, plain


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        call_command("render_report", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_renders_the_progress_report_of_a_round(capsys, planned, tmp_path):
    out_file = tmp_path / "progress.pdf"
    code, out, err = run(
        capsys,
        "--org",
        "T-0001",
        "--year",
        "2565",
        "--kind",
        "progress",
        "--round",
        "6",
        "--layout",
        "by-indicator",
        "--out",
        str(out_file),
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"{out_file}: รายงานผลการดำเนินการตามมาตรการ")
    assert plain("รอบ ๖ เดือน") in plain(pdf_tool("pdftotext", out_file))


def test_renders_the_analysis_by_the_organizations_exact_name(capsys, full_assessment, tmp_path):
    out_file = tmp_path / "a.pdf"
    code, _out, _err = run(
        capsys, "--org", "เทศบาลตำบลทดสอบ", "--year", "2565", "--kind", "analysis", "--out", str(out_file)
    )
    assert code == 0
    assert plain("๘๗.๘๖") in plain(pdf_tool("pdftotext", out_file))


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--org", "NOPE", "--year", "2565", "--kind", "analysis"],
            '--org: ไม่พบหน่วยงานที่มีรหัส ITAS หรือชื่อ "NOPE"',
        ),
        (["--org", "T-0001", "--year", "65", "--kind", "analysis"], "--year:"),
        (
            ["--org", "T-0001", "--year", "2565", "--kind", "poster"],
            "--kind: ต้องเป็นค่าใดค่าหนึ่งใน analysis, measures, progress, memo แต่ได้รับ poster",
        ),
        (
            ["--org", "T-0001", "--year", "2565", "--kind", "progress"],
            "--round: รายงานผลการดำเนินการต้องระบุรอบ 3, 6, 9 หรือ 12 เดือน",
        ),
        (
            ["--org", "T-0001", "--year", "2565", "--kind", "progress", "--round", "3"],
            "ปีงบประมาณ 2565 ไม่มีมาตรการที่ติดตามผลในรอบ 3 เดือน",
        ),
        (["--org", "T-0001", "--year", "2565", "--kind", "measures", "--layout", "diagonal"], "--layout:"),
        (
            ["--org", "T-0001", "--year", "2563", "--kind", "analysis"],
            "หน่วยงานนี้ยังไม่มีการประเมินของปีงบประมาณ 2563",
        ),
        (["--org", "T-0001", "--year", "2565", "--kind", "memo"], "--kind memo:"),
    ],
)
def test_bad_input_exits_2_with_one_thai_line(capsys, planned, tmp_path, args, line):
    code, out, err = run(capsys, *args, "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and out == ""
    assert err.startswith(line) and err.count("\n") <= 1
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_output_exits_2(capsys, full_assessment, tmp_path):
    code, _out, err = run(
        capsys,
        "--org",
        "T-0001",
        "--year",
        "2565",
        "--kind",
        "analysis",
        "--out",
        str(tmp_path / "no" / "a.pdf"),
    )
    assert code == 2 and err.startswith("--out:")
