"""Management commands: load_framework, ita_score and seed_demo, through call_command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessments.models import Assessment, FrameworkVersion, Membership, Organization

SRIKHAM_RESULT = json.loads((Path(__file__).parent.parent / "data" / "srikham-2565-result.json").read_text())

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
SRIKHAM = {
    "framework": 2565,
    "indicator_scores": {
        "1": 88.81,
        "2": 75.15,
        "3": 82.16,
        "4": 78.08,
        "5": 80.24,
        "6": 82.65,
        "7": 75.22,
        "8": 78.09,
        "9": 100,
        "10": 100,
    },
}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def score(tmp_path, data, capsys) -> tuple[int, str, str]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    code = 0
    try:
        call_command("ita_score", str(path))
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_load_framework_reports_unchanged_files(frameworks):
    out = run("load_framework", str(FRAMEWORKS / "ita-2565.json"), str(FRAMEWORKS / "ita-2566.json"))
    assert out.splitlines() == ["ITA 2565 r1: unchanged (88 items)", "ITA 2566 r1: unchanged (88 items)"]


def test_load_framework_dry_run_writes_nothing(db, tmp_path):
    FrameworkVersion.objects.filter(fiscal_year=2566).delete()
    out = run("load_framework", "--dry-run", str(FRAMEWORKS / "ita-2566.json"))
    assert out.splitlines() == ["ITA 2566 r1: created (88 items)", "dry run: nothing was written"]
    assert not FrameworkVersion.objects.filter(fiscal_year=2566).exists()


def test_load_framework_refuses_a_bad_file_naming_the_place(db, tmp_path):
    raw = json.loads((FRAMEWORKS / "ita-2565.json").read_text())
    raw["tools"][2]["weight"] = "45"
    path = tmp_path / "ita-2565.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run("load_framework", str(path))
    assert str(info.value) == "ita-2565.json: tools: น้ำหนักของแบบวัดทั้งหมดรวมกันต้องเท่ากับ 100"


def test_load_framework_refuses_to_change_a_version_in_use(assessment, tmp_path):
    raw = json.loads((FRAMEWORKS / "ita-2565.json").read_text())
    raw["notes"] = "changed"
    path = tmp_path / "ita-2565.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        run("load_framework", str(path))
    assert run("load_framework", "--new-revision", str(path)) == "ITA 2565 r2: new_revision (88 items)\n"


def test_ita_score_prints_the_srikham_result(frameworks, tmp_path, capsys):
    code, out, err = score(tmp_path, SRIKHAM, capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == SRIKHAM_RESULT


def test_ita_score_from_oit_items_and_question_scores(frameworks, tmp_path, capsys):
    data = {
        "framework": 2565,
        "oit_items": {f"O{n}": n != 5 for n in range(1, 44)},
        "question_scores": {"i1": 90, "i2": 80},
    }
    code, out, _ = score(tmp_path, data, capsys)
    result = json.loads(out)
    assert code == 0
    assert result["indicators"] == {"9": "97.78", "10": "100.00"}
    assert result["complete"] is False
    assert result["missing"] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert result["missing_items"] == {"1": ["i3", "i4", "i5", "i6"]}


def test_ita_score_total_of_84_995_is_85_00_band_a(frameworks, tmp_path, capsys):
    data = '{"framework": 2565, "tool_scores": {"IIT": 83.32, "EIT": 83.33, "OIT": 87.50}}'
    code, out, _ = score(tmp_path, data, capsys)
    result = json.loads(out)
    assert (code, result["total"], result["band"], result["passed"]) == (0, "85.00", "A", True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"framework": 2565, "indicator_scores": {"1": 101}}, "indicator_scores.1"),
        ({"framework": 2565, "indicator_scores": {"1": "abc"}}, "indicator_scores.1"),
        ({"framework": 2565, "indicator_scores": {"11": 80}}, "indicator_scores.11"),
        ({"framework": 2565, "oit_items": {"O1": "yes"}}, "oit_items.O1"),
        ({"framework": 2565, "oit_items": {"O44": True}}, "oit_items.O44"),
        ({"framework": 2565, "question_scores": {"x9": 50}}, "question_scores.x9"),
        ({"framework": 2565, "tool_scores": {"XIT": 50}}, "tool_scores.XIT"),
        ({"framework": "2565"}, "framework"),
        ({"framework": 2599}, "framework"),
        ({"framework": 2565, "scores": {}}, "scores"),
        ("[1, 2", "input"),
    ],
)
def test_ita_score_bad_input_exits_2_with_one_line_naming_the_field(
    frameworks, tmp_path, capsys, data, field
):
    code, out, err = score(tmp_path, data, capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"{field}: ")


def test_ita_score_messages_are_thai(frameworks, tmp_path, capsys):
    _, _, err = score(tmp_path, {"framework": 2565, "indicator_scores": {"3": 120}}, capsys)
    assert err.strip() == "indicator_scores.3: 120 อยู่นอกช่วง 0 ถึง 100"


def test_seed_demo_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("seed_demo")
    assert not get_user_model().objects.filter(username="demo-officer").exists()


def test_seed_demo_creates_the_demo_cast_and_is_idempotent(db, settings):
    settings.DEBUG = False
    out = run("seed_demo", "--force")
    run("seed_demo", "--force")
    assert "demo-officer" in out
    assert Organization.objects.count() == 2
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "demo-officer": "officer",
        "demo-executive": "executive",
        "demo-admin": "admin",
        "demo-outsider": "officer",
    }
    officer = get_user_model().objects.get(username="demo-officer")
    assert officer.check_password("demo1234")
    assert (
        Membership.objects.get(user__username="demo-outsider").organization.name
        == "องค์การบริหารส่วนตำบลโนนสว่าง"
    )
    first = Organization.objects.get(itas_code="DEMO-5401")
    assert list(first.units.values_list("name", flat=True)) == [
        "สำนักปลัดเทศบาล",
        "กองคลัง",
        "กองช่าง",
        "กองการศึกษา",
        "กองยุทธศาสตร์และงบประมาณ",
    ]
    demo = Assessment.objects.get(organization=first, fiscal_year=2565)
    assert demo.computed_complete is True
