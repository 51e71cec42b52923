"""Item mappings between framework versions: every shipped file fits both frameworks, 2565 → 2566 is
what the concept fields say, and a bad file is refused with every problem named by its place."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assessments.framework_file import load_framework_file
from measures.item_mapping import (
    MAPPING_DIR,
    ItemMappingError,
    VersionCodes,
    draft_item_mapping,
    load_item_mapping,
    mapping_path,
    parse_item_mapping,
)

FRAMEWORK_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
SHIPPED_PAIRS = [(2563, 2564), (2564, 2565), (2565, 2566), (2566, 2567), (2567, 2568), (2568, 2569)]


def codes(year: int) -> VersionCodes:
    return VersionCodes.from_spec(load_framework_file(FRAMEWORK_DIR / f"ita-{year}.json"))


@pytest.fixture(scope="module")
def v2565():
    return codes(2565)


@pytest.fixture(scope="module")
def v2566():
    return codes(2566)


@pytest.fixture(scope="module")
def shipped_2565(v2565, v2566):
    return json.loads(mapping_path(2565, 2566).read_text(encoding="utf-8"))


def test_item_mapping_files_shipped_are_exactly_the_six_year_pairs():
    assert sorted(p.name for p in MAPPING_DIR.glob("*.json")) == [
        f"ita-{a}-{b}.json" for a, b in SHIPPED_PAIRS
    ]


@pytest.mark.parametrize(("from_year", "to_year"), SHIPPED_PAIRS)
def test_item_mapping_shipped_file_fits_both_frameworks(from_year, to_year):
    source, target = codes(from_year), codes(to_year)
    mapping = load_item_mapping(mapping_path(from_year, to_year), source, target)
    assert (mapping.from_year, mapping.to_year) == (from_year, to_year)
    assert list(mapping.items) == list(source.item_codes)  # every item listed once, in framework order
    assert all(code in target.item_codes for targets in mapping.items.values() for code in targets)


def test_item_mapping_2565_2566_equals_the_concept_fields(shipped_2565, v2565, v2566):
    drafted = draft_item_mapping(v2565, v2566)
    assert shipped_2565["items"] == drafted["items"]
    assert "indicators" not in shipped_2565 and "tools" not in shipped_2565


def test_item_mapping_2565_2566_merges_and_drops(shipped_2565):
    items = {entry["from"]: entry["to"] for entry in shipped_2565["items"]}
    # 2566 O11 merged the 2565 operation plan (O10) and budget plan (O18)
    assert (items["O10"], items["O18"]) == (["O11"], ["O11"])
    assert items["O20"] == []  # no 2566 item carries its concept
    assert items["O1"] == ["O1"]
    assert items["i1"] == ["i1"]


@pytest.mark.parametrize(("from_year", "to_year"), SHIPPED_PAIRS)
def test_draft_item_mapping_command_reproduces_the_shipped_file(tmp_path, from_year, to_year):
    out = tmp_path / "draft.json"
    call_command("draft_item_mapping", "--from", str(from_year), "--to", str(to_year), "--out", str(out))
    assert out.read_text(encoding="utf-8") == mapping_path(from_year, to_year).read_text(encoding="utf-8")


def test_draft_item_mapping_command_refuses_a_year_without_framework_file():
    with pytest.raises(CommandError) as exc:
        call_command("draft_item_mapping", "--from", "2560", "--to", "2566")
    assert (exc.value.returncode, str(exc.value)) == (2, "ita-2560.json: ไม่พบไฟล์")


def problems_of(data, source, target) -> list[tuple[str, str]]:
    with pytest.raises(ItemMappingError) as exc:
        parse_item_mapping(data, source, target)
    return exc.value.problems


def test_item_mapping_unknown_codes_named_by_place(shipped_2565, v2565, v2566):
    data = copy.deepcopy(shipped_2565)
    data["items"][0]["to"] = ["O99"]
    data["items"][1]["from"] = "Z1"
    problems = problems_of(data, v2565, v2566)
    assert problems[0] == ("items[0].to[0]", "O99 ไม่มีในกรอบการประเมินปี 2566")
    assert problems[1] == ("items[1].from", "Z1 ไม่มีในกรอบการประเมินปี 2565")
    assert problems[2][0] == "items"  # the real items[1] ("i2") is now missing
    assert "i2" in problems[2][1]


def test_item_mapping_wrong_years_duplicates_and_unknown_keys(shipped_2565, v2565, v2566):
    data = copy.deepcopy(shipped_2565)
    data["to_year"] = 2567
    data["items"][2]["from"] = data["items"][1]["from"]
    data["items"][3]["extra"] = 1
    data["indicators"] = [{"from": 11, "to": [1]}]
    places = [where for where, _message in problems_of(data, v2565, v2566)]
    assert places == ["to_year", "items[2].from", "items[3].extra", "items", "indicators[0].from"]


def test_item_mapping_indicator_and_tool_overrides(shipped_2565, v2565, v2566):
    data = copy.deepcopy(shipped_2565)
    data["indicators"] = [{"from": 4, "to": [3, 5]}]
    data["tools"] = [{"from": "EIT", "to": []}]
    mapping = parse_item_mapping(data, v2565, v2566)
    assert (mapping.indicator_targets(4), mapping.indicator_targets(1)) == ((3, 5), (1,))
    assert (mapping.tool_targets("EIT"), mapping.tool_targets("OIT")) == ((), ("OIT",))


def test_item_mapping_not_an_object_and_broken_json(tmp_path, v2565, v2566):
    assert problems_of([], v2565, v2566) == [("$", "ไฟล์ต้องประกอบด้วย JSON object เพียงหนึ่งรายการ")]
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ItemMappingError) as exc:
        load_item_mapping(bad, v2565, v2566)
    assert exc.value.problems[0][0] == "bad.json"
