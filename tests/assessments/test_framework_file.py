"""Framework definition files: the shipped ones load, bad ones are refused with every problem named."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings

from assessments.framework_file import FrameworkFileError, load_framework_file, parse_framework

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


@pytest.fixture(scope="module")
def raw65() -> dict:
    return json.loads((FRAMEWORKS / "ita-2565.json").read_text())


def o_items(spec) -> list[str]:
    return [
        item.code
        for tool in spec.tools
        for ind in tool.indicators
        for sub in ind.sub_indicators
        for item in sub.items
    ]


def test_shipped_2565_has_43_o_items_in_sub_indicators_of_9_8_7_4_5_and_8_2():
    spec = load_framework_file(FRAMEWORKS / "ita-2565.json")
    assert spec.status == "verified"
    assert o_items(spec) == [f"O{n}" for n in range(1, 44)]
    sizes = [len(sub.items) for t in spec.tools for i in t.indicators for sub in i.sub_indicators]
    assert sizes == [9, 8, 7, 4, 5, 8, 2]
    assert [(t.code, str(t.weight)) for t in spec.tools] == [("IIT", "30"), ("EIT", "30"), ("OIT", "40")]


def test_shipped_2566_is_provisional_pass_fail_with_43_o_items():
    spec = load_framework_file(FRAMEWORKS / "ita-2566.json")
    assert spec.status == "provisional"
    assert spec.band_kind == "pass_fail"
    assert str(spec.pass_mark) == "85.00"
    assert len(o_items(spec)) == 43
    assert "UNCONFIRMED" in spec.notes


def test_the_same_idea_keeps_its_concept_key_across_years():
    def concepts(year):
        spec = load_framework_file(FRAMEWORKS / f"ita-{year}.json")
        return {
            item.code: item.concept
            for t in spec.tools
            for i in t.indicators
            for item in (*i.items, *(x for s in i.sub_indicators for x in s.items))
        }

    c65, c66 = concepts(2565), concepts(2566)
    assert c65["O42"] == c66["O42"] == "integrity_measures"
    assert c65["O34"] == c66["O31"]  # No Gift Policy moved from O34 to O31
    assert c65["O34"] != c66["O34"]


def test_bad_definition_reports_every_problem_with_its_place(raw65):
    bad = copy.deepcopy(raw65)
    bad["tools"][0]["weight"] = "35"
    bad["tools"][2]["indicators"][0]["sub_indicators"][0]["groups"][0]["items"][1]["code"] = "O1"
    bad["tools"][1]["indicators"][0]["items"][0]["answer"] = "likert5"
    with pytest.raises(FrameworkFileError) as info:
        parse_framework(bad)
    places = [where for where, _ in info.value.problems]
    assert "tools" in places  # weights no longer add up to 100
    assert "indicator 9" in places  # duplicate O1
    assert "tools[1].indicators[0].items[0].answer" in places


def test_error_messages_are_thai(raw65):
    bad = copy.deepcopy(raw65)
    bad["fiscal_year"] = "2565"
    with pytest.raises(FrameworkFileError) as info:
        parse_framework(bad)
    assert info.value.problems == [("fiscal_year", "ต้องระบุปี พ.ศ. เช่น 2565")]


def test_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "ita-2599.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(FrameworkFileError) as info:
        load_framework_file(path)
    assert info.value.problems[0][0] == "ita-2599.json"
