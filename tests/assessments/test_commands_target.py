"""manage.py ita_score INPUT.json --target: the "plan" in the JSON, and bad targets (exit 2, one line)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.assessments.test_commands import SRIKHAM, assert_refused, command

SURVEY = {"1": 86.40, "2": 78.12, "3": 81.05, "4": 79.90, "5": 77.35, "6": 84.10, "7": 80.02, "8": 79.55}
FAILED = {"O16", "O40", "O42", "O43"}
DATA = {
    "framework": 2565,
    "indicator_scores": SURVEY,
    "oit_items": {f"O{n}": f"O{n}" not in FAILED for n in range(1, 44)},
}


def plan_of(tmp_path, capsys, data, target) -> tuple[int, dict | None, str]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = command(capsys, "ita_score", str(path), f"--target={target}")
    return code, (json.loads(out) if out else None), err


def test_target_a_proposes_the_items_of_10_2(frameworks, tmp_path, capsys):
    code, out, err = plan_of(tmp_path, capsys, DATA, "A")
    assert (code, err) == (0, "")
    assert out["total"] == "76.79"
    assert out["band"] == "B"
    assert out["plan"] == {
        "target": "85.00",
        "current_total": "76.79",
        "reachable_with_items": True,
        "items": [{"code": "O42", "gain": "5.00"}, {"code": "O43", "gain": "5.00"}],
        "total_with_items": "86.79",
        "survey_points_needed": "0.00",
    }


def test_target_85_as_a_number_and_in_thai_digits(frameworks, tmp_path, capsys):
    _, by_number, _ = plan_of(tmp_path, capsys, DATA, "85")
    _, by_thai, _ = plan_of(tmp_path, capsys, DATA, "๘๕")
    _, by_pass, _ = plan_of(tmp_path, capsys, DATA, "pass")
    assert by_number["plan"] == by_thai["plan"] == by_pass["plan"]
    assert [i["code"] for i in by_number["plan"]["items"]] == ["O42", "O43"]


def test_unreachable_target_says_the_survey_points(frameworks, tmp_path, capsys):
    code, out, _ = plan_of(tmp_path, capsys, DATA, "AA")
    assert code == 0
    assert out["plan"] == {
        "target": "95.00",
        "current_total": "76.79",
        "reachable_with_items": False,
        "items": [
            {"code": "O42", "gain": "5.00"},
            {"code": "O43", "gain": "5.00"},
            {"code": "O40", "gain": "1.25"},
            {"code": "O16", "gain": "0.50"},
        ],
        "total_with_items": "88.54",
        "survey_points_needed": "6.46",
    }


def test_target_already_met_gives_an_empty_list(frameworks, tmp_path, capsys):
    code, out, _ = plan_of(tmp_path, capsys, SRIKHAM, "A")
    assert code == 0
    assert out["total"] == "87.86"
    assert out["plan"] == {
        "target": "85.00",
        "current_total": "87.86",
        "reachable_with_items": True,
        "items": [],
        "total_with_items": "87.86",
        "survey_points_needed": "0.00",
    }


def test_without_target_there_is_no_plan(frameworks, tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    code, out, _ = command(capsys, "ita_score", str(path))
    assert code == 0
    assert "plan" not in json.loads(out)


def test_incomplete_input_gives_a_plan_without_totals(frameworks, tmp_path, capsys):
    data = {"framework": 2565, "oit_items": {"O42": False}}
    code, out, _ = plan_of(tmp_path, capsys, data, "85")
    assert code == 0
    assert out["plan"] == {
        "target": "85.00",
        "current_total": None,
        "reachable_with_items": None,
        "items": [],
        "total_with_items": None,
        "survey_points_needed": None,
    }


def test_pass_fail_year_takes_its_band_label(frameworks, tmp_path, capsys):
    data = {"framework": 2568, "indicator_scores": SURVEY, "oit_items": {"O25": False, "O26": False}}
    code, out, _ = plan_of(tmp_path, capsys, data, "ผ่าน")
    assert code == 0
    assert out["plan"]["target"] == "85.00"
    assert out["plan"]["reachable_with_items"] is True
    code, out, err = plan_of(tmp_path, capsys, data, "AA")
    assert_refused(code, "" if out is None else "x", err, "--target")


@pytest.mark.parametrize("target", ["", "G", "eighty", "100.5", "-1", "84.999", "NaN", "1e999", "=1+1"])
def test_bad_target_exits_2_with_one_thai_line(frameworks, tmp_path, capsys, target):
    code, out, err = plan_of(tmp_path, capsys, DATA, target)
    assert_refused(code, "" if out is None else "x", err, "--target")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err), err


def test_next_with_an_incomplete_total_is_refused(frameworks, tmp_path, capsys):
    code, out, err = plan_of(tmp_path, capsys, {"framework": 2565}, "next")
    assert_refused(code, "" if out is None else "x", err, "--target")


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.text(max_size=12) | st.decimals(allow_nan=True, allow_infinity=True).map(str))
def test_any_target_gives_a_plan_or_one_line(frameworks, tmp_path, capsys, target):
    if "\x00" in target:
        return  # not passable on a real command line
    code, out, err = plan_of(tmp_path, capsys, DATA, target)
    if code == 0:
        assert set(out["plan"]) == {
            "target",
            "current_total",
            "reachable_with_items",
            "items",
            "total_with_items",
            "survey_points_needed",
        }
    else:
        assert_refused(code, "" if out is None else "x", err, "--target")


def test_target_without_a_value_is_one_thai_line(frameworks, tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    code, out, err = command(capsys, "ita_score", str(path), "--target")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err), err
