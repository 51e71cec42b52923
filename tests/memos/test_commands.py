"""render_report --kind memo: the approved memo's stored PDF, a draft rendered now; bad input exits 2."""

from __future__ import annotations

from django.core.management import call_command
from django.test import TestCase

from memos import services

from .conftest import approve_all


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        call_command("render_report", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_latest_approved_memo_is_its_stored_pdf(
    capsys, memo, officer, head, executive, mayor, media, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    memo = services.memo_submit(memo=memo, user=officer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        approve_all(memo, [head, executive, mayor])
    memo.refresh_from_db()
    out_file = tmp_path / "memo.pdf"
    code, out, err = run(
        capsys, "--org", "T-0001", "--year", "2565", "--kind", "memo", "--out", str(out_file)
    )
    assert (code, err) == (0, "")
    assert out == f"{out_file}: ขก 54001/001\n"
    with memo.final_pdf.open("rb") as f:
        assert out_file.read_bytes() == f.read()


def test_memo_by_id_renders_a_draft(capsys, memo, tmp_path):
    out_file = tmp_path / "draft.pdf"
    args = [
        "--org",
        "T-0001",
        "--year",
        "2565",
        "--kind",
        "memo",
        "--memo",
        str(memo.pk),
        "--out",
        str(out_file),
    ]
    code, _out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    assert out_file.read_bytes().startswith(b"%PDF")


def test_memo_of_another_organization_exits_2(capsys, memo, assessment_b, tmp_path):
    args = ["--org", "T-0002", "--year", "2565", "--kind", "memo", "--memo", str(memo.pk)]
    code, out, err = run(capsys, *args, "--out", str(tmp_path / "x.pdf"))
    assert (code, out) == (2, "")
    assert err.startswith("--memo: ") and err.count("\n") <= 1
    assert not (tmp_path / "x.pdf").exists()


def test_no_memo_in_the_year_exits_2(capsys, memo, tmp_path):
    code, _out, err = run(
        capsys, "--org", "T-0001", "--year", "2566", "--kind", "memo", "--out", str(tmp_path / "x.pdf")
    )
    assert code == 2
    assert err.startswith("--kind memo: ") and "2566" in err
