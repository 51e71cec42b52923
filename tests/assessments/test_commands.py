"""Management commands: load_framework, ita_score and seed_demo, through call_command.

Bad input to ita_score and load_framework must end with exit status 2 and exactly one line on stderr
(never a traceback), and load_framework must write nothing and print nothing on stdout then. The Thai
wording itself is checked only where the message is already in the catalog.
"""

from __future__ import annotations

import json
import sys
from io import BytesIO, StringIO, TextIOWrapper
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments import scoring
from assessments.json_input import MAX_DEPTH, MAX_FILE_BYTES
from assessments.models import Assessment, FrameworkVersion, Item, Membership, Organization
from assessments.selectors import assessment_result

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


def command(capsys, *args) -> tuple[int, str, str]:
    """Run a command in-process: (exit status, stdout, stderr)."""
    code = 0
    try:
        call_command(*args)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score(tmp_path, data, capsys) -> tuple[int, str, str]:
    path = tmp_path / "input.json"
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return command(capsys, "ita_score", str(path))


def assert_refused(code: int, out: str, err: str, place: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr that starts with the place in the input."""
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"{place}: "), err
    assert "Traceback" not in err


def framework_raw(year: int = 2565) -> dict:
    return json.loads((FRAMEWORKS / f"ita-{year}.json").read_text())


def write_json(path: Path, raw) -> Path:
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- load_framework


def test_load_framework_reports_unchanged_files(frameworks):
    out = run("load_framework", str(FRAMEWORKS / "ita-2565.json"), str(FRAMEWORKS / "ita-2566.json"))
    assert out.splitlines() == ["ITA 2565 r1: unchanged (88 items)", "ITA 2566 r1: unchanged (88 items)"]


def test_load_framework_dry_run_writes_nothing(db, tmp_path):
    FrameworkVersion.objects.filter(fiscal_year=2566).delete()
    out = run("load_framework", "--dry-run", str(FRAMEWORKS / "ita-2566.json"))
    assert out.splitlines() == ["ITA 2566 r1: created (88 items)", "dry run: nothing was written"]
    assert not FrameworkVersion.objects.filter(fiscal_year=2566).exists()


def test_load_framework_refuses_a_bad_file_naming_the_place(db, tmp_path, capsys):
    raw = framework_raw()
    raw["tools"][2]["weight"] = "45"
    path = write_json(tmp_path / "ita-2565.json", raw)
    code, out, err = command(capsys, "load_framework", str(path))
    assert_refused(code, out, err, "ita-2565.json: tools")
    assert err == "ita-2565.json: tools: น้ำหนักของแบบวัดทั้งหมดรวมกันต้องเท่ากับ 100\n"


def test_load_framework_refuses_to_change_a_version_in_use(assessment, tmp_path, capsys):
    raw = framework_raw()
    raw["notes"] = "changed"
    path = write_json(tmp_path / "ita-2565.json", raw)
    code, out, err = command(capsys, "load_framework", str(path))
    assert (code, out, len(err.splitlines())) == (2, "", 1)
    assert run("load_framework", "--new-revision", str(path)) == "ITA 2565 r2: new_revision (88 items)\n"


def test_load_framework_prints_created_only_after_the_whole_run_commits(assessment, tmp_path, capsys):
    """The first file would be created, the second is refused: nothing is written and nothing claims so."""
    new_year = framework_raw(2566)
    new_year["fiscal_year"] = 2690
    first = write_json(tmp_path / "ita-2690.json", new_year)
    changed = framework_raw()
    changed["notes"] = "changed"
    second = write_json(tmp_path / "ita-2565.json", changed)
    code, out, err = command(capsys, "load_framework", str(first), str(second))
    assert (code, out, len(err.splitlines())) == (2, "", 1)
    assert not FrameworkVersion.objects.filter(fiscal_year=2690).exists()


def test_load_framework_refuses_an_item_code_longer_than_the_field(db, tmp_path, capsys):
    raw = framework_raw(2566)
    raw["fiscal_year"] = 2690
    limit = Item._meta.get_field("code").max_length
    raw["tools"][2]["indicators"][0]["sub_indicators"][0]["groups"][0]["items"][0]["code"] = "O" * (limit + 1)
    path = write_json(tmp_path / "ita-2690.json", raw)
    code, out, err = command(capsys, "load_framework", str(path))
    place = "ita-2690.json: tools[2].indicators[0].sub_indicators[0].groups[0].items[0].code"
    assert_refused(code, out, err, place)
    assert str(limit) in err
    assert not FrameworkVersion.objects.filter(fiscal_year=2690).exists()


def test_load_framework_names_the_first_problem_and_counts_the_others(db, tmp_path, capsys):
    raw = framework_raw()
    raw["fiscal_year"] = "2565"  # first problem
    raw["tools"][0]["weight"] = "abc"
    raw["tools"][1]["name_th"] = ""
    raw["band_scheme"]["kind"] = "stars"
    path = write_json(tmp_path / "ita-2565.json", raw)
    code, out, err = command(capsys, "load_framework", str(path))
    assert_refused(code, out, err, "ita-2565.json: fiscal_year")
    problems = 5  # the four above, and the weights no longer add up to 100
    assert f" {problems - 1} " in err.split("fiscal_year: ", 1)[1].replace("(", " ")


def test_load_framework_refuses_two_files_of_one_fiscal_year(db, tmp_path, capsys):
    copy = write_json(tmp_path / "copy-2565.json", framework_raw())
    code, out, err = command(capsys, "load_framework", str(FRAMEWORKS / "ita-2565.json"), str(copy))
    assert_refused(code, out, err, "copy-2565.json: fiscal_year")


@pytest.mark.parametrize(
    ("content", "place"),
    [
        (b"\xff\xfe{", "ita-2690.json"),  # UTF-16 byte-order mark: not UTF-8
        (b"", "ita-2690.json"),
        (b"[" * 100_000 + b"]" * 100_000, "ita-2690.json"),
        (b'{"fiscal_year": 2690, "fiscal_year": 2568}', "ita-2690.json: $"),
        (b'{"fiscal_year": ' + b"9" * 5000 + b"}", "ita-2690.json: fiscal_year"),
        (b'{"fiscal_year": NaN}', "ita-2690.json: fiscal_year"),
        (b" " * (MAX_FILE_BYTES + 1), "ita-2690.json"),
    ],
)
def test_load_framework_refuses_unreadable_files_in_one_line(db, tmp_path, capsys, content, place):
    path = tmp_path / "ita-2690.json"
    path.write_bytes(content)
    code, out, err = command(capsys, "load_framework", str(path))
    assert_refused(code, out, err, place)


def test_load_framework_refuses_a_folder_and_a_missing_file(db, tmp_path, capsys):
    (tmp_path / "ita-2690.json").mkdir()
    assert_refused(*command(capsys, "load_framework", str(tmp_path / "ita-2690.json")), "ita-2690.json")
    assert_refused(*command(capsys, "load_framework", str(tmp_path / "missing.json")), "missing.json")


# --------------------------------------------------------------------------- ita_score


def test_ita_score_prints_the_srikham_result(frameworks, tmp_path, capsys):
    code, out, err = score(tmp_path, SRIKHAM, capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == SRIKHAM_RESULT


def test_ita_score_accepts_a_utf8_byte_order_mark(frameworks, tmp_path, capsys):
    code, out, err = score(tmp_path, b"\xef\xbb\xbf" + json.dumps(SRIKHAM).encode(), capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == SRIKHAM_RESULT


def test_ita_score_reads_standard_input(frameworks, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", TextIOWrapper(BytesIO(json.dumps(SRIKHAM).encode())))
    code, out, err = command(capsys, "ita_score", "-")
    assert (code, err) == (0, "")
    assert json.loads(out) == SRIKHAM_RESULT


def test_ita_score_refuses_bad_standard_input_in_one_line(frameworks, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", TextIOWrapper(BytesIO(b"\xff")))
    assert_refused(*command(capsys, "ita_score", "-"), "input")


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


def test_ita_score_accepts_scores_with_many_decimals(frameworks, tmp_path, capsys):
    data = '{"framework": 2565, "tool_scores": {"IIT": 66.66666666666667, "EIT": "83.33", "OIT": 1e2}}'
    code, out, err = score(tmp_path, data, capsys)
    assert (code, err, json.loads(out)["total"]) == (0, "", "85.00")


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
        # the defects: each answered with a traceback and exit 1 before
        (b'{"framework": 2565, "indicator_scores": {"1": \xff}}', "input"),
        ('{"framework": 2565, "indicator_scores": {"1": ' + "9" * 5000 + "}}", "indicator_scores.1"),
        ({"framework": 2565, "indicator_scores": {"²": 50}}, "indicator_scores.²"),
        ({"framework": 2565, "indicator_scores": {"١": 50}}, "indicator_scores.١"),
        ("[" * 100_000 + "]" * 100_000, "input"),
        (
            '{"framework": 2565, "indicator_scores": {"1": ' + "[" * 500 + "]" * 500 + "}}",
            "indicator_scores.1" + "[0]" * (MAX_DEPTH - 1),
        ),
        # guards
        (b" " * (MAX_FILE_BYTES + 1), "input"),
        ('{"framework": 2565, "indicator_scores": {"1": NaN}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": Infinity}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": -Infinity}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": 1e999999}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": 1e-999999}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": "1e2"}}', "indicator_scores.1"),
        ('{"framework": 2565, "indicator_scores": {"1": "NaN"}}', "indicator_scores.1"),
        ({"framework": 2565, "indicator_scores": {"1": True}}, "indicator_scores.1"),
        ({"framework": 2565, "tool_scores": {"IIT": None}}, "tool_scores.IIT"),
        ({"framework": True}, "framework"),
        ({"framework": 10**30}, "framework"),
        ({"framework": 2565, "indicator_scores": {"": 50}}, 'indicator_scores.""'),
        ({"framework": 2565, "indicator_scores": {"01": 50}}, "indicator_scores.01"),
        ({"framework": 2565, "question_scores": {"": 50}}, 'question_scores.""'),
        ('{"framework": 2565, "indicator_scores": {"1": 50, "1": 60}}', "indicator_scores"),
        ('{"framework": 2565, "framework": 2566}', "input"),
        ("[]", "input"),
        ("", "input"),
        ("  \n", "input"),
        ("null", "input"),
    ],
)
def test_ita_score_bad_input_exits_2_with_one_line_naming_the_field(
    frameworks, tmp_path, capsys, data, field
):
    assert_refused(*score(tmp_path, data, capsys), field)


def test_ita_score_says_the_size_limit(frameworks, tmp_path, capsys):
    _, _, err = score(tmp_path, b" " * (MAX_FILE_BYTES + 1), capsys)
    assert "1 MiB" in err


@pytest.mark.parametrize("key", ["a\nb", "a\u2028b", "\x1b[31mred", "\ud800", "x" * 10_000])
def test_ita_score_shows_a_strange_key_on_one_short_line(frameworks, tmp_path, capsys, key):
    data = json.dumps({"framework": 2565, "question_scores": {key: 50}})  # ASCII escapes only
    code, out, err = score(tmp_path, data, capsys)
    assert (code, out, len(err.splitlines())) == (2, "", 1)
    assert err.startswith('question_scores."')
    assert "\x1b" not in err
    assert len(err) < 200


def test_ita_score_shows_a_long_value_shortened(frameworks, tmp_path, capsys):
    code, out, err = score(tmp_path, {"framework": 2565, "indicator_scores": {"1": "9" * 100_000}}, capsys)
    assert_refused(code, out, err, "indicator_scores.1")
    assert len(err) < 200


def test_ita_score_refuses_a_folder_and_a_missing_file(frameworks, tmp_path, capsys):
    assert_refused(*command(capsys, "ita_score", str(tmp_path)), "input")
    assert_refused(*command(capsys, "ita_score", str(tmp_path / "missing.json")), "input")


def test_ita_score_messages_are_thai(frameworks, tmp_path, capsys):
    _, _, err = score(tmp_path, {"framework": 2565, "indicator_scores": {"3": 120}}, capsys)
    assert err.strip() == "indicator_scores.3: 120 อยู่นอกช่วง 0 ถึง 100"


# --------------------------------------------------------------------------- seed_demo


def test_seed_demo_is_refused_when_debug_is_off(db, settings, capsys):
    settings.DEBUG = False
    with pytest.raises(SystemExit) as exited:
        run("seed_demo")
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "DJANGO_DEBUG=1" in err
    assert "ผู้ใช้" in err  # Thai
    assert not get_user_model().objects.filter(username="demo-officer").exists()


def test_seed_demo_creates_the_demo_cast_and_is_idempotent(db, settings, media):
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
        "demo-head": "executive",
        "demo-mayor": "executive",
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
    # 2564 too (the dashboard's comparison with earlier years), once however often the seed runs
    years = first.assessments.order_by("fiscal_year").values_list("fiscal_year", "computed_complete")
    assert list(years) == [(2564, True), (2565, True)]
    earlier = first.assessments.get(fiscal_year=2564)
    fresh = assessment_result(earlier)
    assert (earlier.computed_total, earlier.computed_band) == (scoring.round2(fresh.total), "B")
    assert earlier.computed_total < demo.computed_total  # the trend goes up
