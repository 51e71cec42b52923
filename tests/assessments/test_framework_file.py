"""Framework definition files: the shipped ones load, bad ones are refused with every problem named.

parse_framework collects every problem with its place in the file (the portal's framework editor shows
them all); whatever it accepts must fit the model fields, so nothing fails half-way through a load.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments.framework_file import FrameworkFileError, load_framework_file, parse_framework
from assessments.models import (
    AnswerOption,
    AnswerScale,
    Band,
    BandScheme,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    ItemGroup,
    SubIndicator,
    Tool,
)

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
O1 = "tools[2].indicators[0].sub_indicators[0].groups[0].items[0]"  # in ita-2565.json


@pytest.fixture(scope="module")
def raw65() -> dict:
    return json.loads((FRAMEWORKS / "ita-2565.json").read_text())


@pytest.fixture(scope="module")
def raw66() -> dict:
    return json.loads((FRAMEWORKS / "ita-2566.json").read_text())


def o_items(spec) -> list[str]:
    return [
        item.code
        for tool in spec.tools
        for ind in tool.indicators
        for sub in ind.sub_indicators
        for item in sub.items
    ]


def problems_of(raw) -> list[tuple[str, str]]:
    with pytest.raises(FrameworkFileError) as info:
        parse_framework(raw)
    return info.value.problems


def places_of(raw) -> list[str]:
    return [where for where, _ in problems_of(raw)]


def node_at(raw: dict, place: str):
    """The parent node and key of a place such as ``tools[2].weight`` (simple keys only)."""
    parts = place.replace("[", ".[").split(".")
    node = raw
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    return node, int(last[1:-1]) if last.startswith("[") else last


def changed(raw: dict, place: str, value) -> dict:
    bad = copy.deepcopy(raw)
    parent, key = node_at(bad, place)
    parent[key] = value
    return bad


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


def test_shipped_files_keep_their_checksums(raw65, raw66):
    """Reading files more carefully must not change what a definition is (versions compare checksums)."""
    for year, raw in ((2565, raw65), (2566, raw66)):
        assert load_framework_file(FRAMEWORKS / f"ita-{year}.json").checksum == parse_framework(raw).checksum


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
    assert places_of(bad) == [
        "tools[1].indicators[0].items[0].answer",
        "tools",  # weights no longer add up to 100
        "tools[2].indicators[0].sub_indicators[0].groups[0].items[1].code",  # a second O1
    ]


def test_error_messages_are_thai(raw65):
    bad = copy.deepcopy(raw65)
    bad["fiscal_year"] = "2565"
    assert problems_of(bad) == [("fiscal_year", "ต้องระบุปี พ.ศ. เช่น 2565")]


def test_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "ita-2599.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(FrameworkFileError) as info:
        load_framework_file(path)
    assert info.value.problems[0][0] == "ita-2599.json"


def test_a_missing_name_is_a_problem_of_the_file(raw65):
    """It used to pass the parser and fail inside the load (full_clean), after other files were written."""
    bad = copy.deepcopy(raw65)
    del bad["name_th"]
    assert places_of(bad) == ["name_th"]


# Every text that becomes a model field must fit it: (place in ita-2565.json, model, field).
TEXT_FIELDS = [
    ("name_th", FrameworkVersion, "name_th"),
    ("tools[0].code", Tool, "code"),
    ("tools[0].name_th", Tool, "name_th"),
    ("tools[0].indicators[0].name_th", Indicator, "name_th"),
    ("tools[2].indicators[0].sub_indicators[0].code", SubIndicator, "code"),
    ("tools[2].indicators[0].sub_indicators[0].name_th", SubIndicator, "name_th"),
    ("tools[2].indicators[0].sub_indicators[0].groups[0].name_th", ItemGroup, "name_th"),
    (f"{O1}.code", Item, "code"),
    (f"{O1}.name_th", Item, "name_th"),
    (f"{O1}.concept", Item, "concept"),
    (f"{O1}.elements[0]", ItemElement, "text"),
    (f"{O1}.elements_source", ItemElement, "source"),
    ("tools[0].indicators[0].items[0].label_th", Item, "name_th"),
    ("band_scheme.bands[0].label", Band, "label"),
    ("answer_scales.likert4.status", AnswerScale, "status_note"),
]


@pytest.mark.parametrize(("place", "model", "field"), TEXT_FIELDS)
def test_a_text_longer_than_its_field_is_refused_naming_the_place(raw65, place, model, field):
    limit = model._meta.get_field(field).max_length
    parse_framework(changed(raw65, place, "ก" * limit))  # exactly the limit is fine
    problems = problems_of(changed(raw65, place, "ก" * (limit + 1)))
    assert [where for where, _ in problems] == [place]
    assert str(limit) in problems[0][1]


def test_an_answer_label_and_a_scale_code_longer_than_their_fields_are_refused(raw65):
    label_limit = AnswerOption._meta.get_field("label").max_length
    code_limit = AnswerScale._meta.get_field("code").max_length
    bad = copy.deepcopy(raw65)
    bad["answer_scales"]["likert4"]["values"]["ก" * (label_limit + 1)] = "50"
    bad["answer_scales"]["x" * (code_limit + 1)] = {"values": {"ใช่": "100"}}
    assert places_of(bad) == [
        f'answer_scales.likert4.values."{"ก" * 39}…"',
        f"answer_scales.{'x' * (code_limit + 1)}",
    ]


def test_a_sub_levels_note_longer_than_its_field_is_refused(raw66):
    limit = BandScheme._meta.get_field("sub_levels_note").max_length
    assert places_of(changed(raw66, "band_scheme.sub_levels.status", "ก" * (limit + 1))) == [
        "band_scheme.sub_levels.status"
    ]


@pytest.mark.parametrize(
    ("place", "value"),
    [
        ("tools[0].weight", "30.001"),  # more decimals than the field keeps
        ("tools[0].weight", 1e300),
        ("tools[0].weight", "1e2"),  # a text must be a plain decimal number
        ("tools[0].weight", " 30"),
        ("tools[0].weight", True),
        ("tools[0].weight", None),
        ("tools[0].weight", Decimal("NaN")),
        ("band_scheme.bands[1].min", "85.005"),
        ("band_scheme.bands[1].min", -1),
        ("band_scheme.pass_mark", "100.01"),
        ("answer_scales.likert4.values.น้อย", "33.333"),
        ("answer_scales.likert4.values.น้อย", 33.333),
    ],
)
def test_a_number_that_does_not_fit_its_field_is_refused(raw65, place, value):
    assert place in places_of(changed(raw65, place, value))


def test_numbers_that_fit_are_read_exactly(raw65):
    bad = changed(raw65, "answer_scales.likert4.values.น้อย", 33.33)  # a JSON number, not a text
    assert dict(parse_framework(bad).scales[0].values)["น้อย"] == Decimal("33.33")


@pytest.mark.parametrize(
    ("place", "value"),
    [
        ("tools[0]", 5),
        ("tools[0].indicators[0]", []),
        ("tools[0].indicators[0].items[0]", "i1"),
        ("tools[2].indicators[0].sub_indicators[0]", None),
        ("tools[2].indicators[0].sub_indicators[0].groups[0]", 1),
        ("tools[2].indicators[0].sub_indicators[0].groups[0].items[0].elements", "text"),
        ("band_scheme", []),
        ("band_scheme.bands[0]", "AA"),
        ("band_scheme.sub_levels", "none"),
        ("answer_scales.likert4", []),
        ("answer_scales.likert4.values", ["มาก"]),
        ("tools[0].indicators[0].number", 40_000),
        ("tools[0].indicators[0].number", True),
        ("tools[0].indicators[0].items[0].polarity", ["+"]),
        ("tools[0].indicators[0].items[0].concept", {"key": "x"}),
        ("tools[2].indicators[0].sub_indicators[0].grouping_status", 5),
        ("notes", ["a"]),
    ],
)
def test_a_node_of_the_wrong_type_is_a_problem_not_a_crash(raw65, place, value):
    assert place in places_of(changed(raw65, place, value))


def test_a_band_label_used_twice_is_refused(raw65):
    bad = changed(raw65, "band_scheme.bands[1].label", "AA")
    assert places_of(bad) == ["band_scheme.bands[1].label"]


def test_texts_that_cannot_be_stored_are_refused(raw65):
    bad = changed(raw65, "tools[0].name_th", "IIT\x00")
    bad = changed(bad, "notes", "half a pair \ud800")
    assert places_of(bad) == ["notes", "tools[0].name_th"]


# Generated messy definitions: parse_framework answers with a spec or with problems, never a crash.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


def places(node, where=()):
    """Every place in a JSON tree, as a path of keys and indexes."""
    yield where
    if isinstance(node, dict):
        for key, value in node.items():
            yield from places(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from places(value, (*where, i))


def replaced(raw: dict, path: tuple, value) -> dict:
    bad = copy.deepcopy(raw)
    if not path:
        return value
    node = bad
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return bad


def assert_parses_or_names_problems(data) -> None:
    try:
        parse_framework(data)
    except FrameworkFileError as exc:
        assert exc.problems
        assert all(isinstance(w, str) and isinstance(m, str) and m for w, m in exc.problems)


@pytest.fixture(scope="module")
def all_places(raw66) -> list[tuple]:
    return list(places(raw66))


@hypothesis_settings(max_examples=200, deadline=None)
@given(data=st.data(), value=json_values)
def test_any_node_replaced_by_any_value_parses_or_names_problems(raw66, all_places, data, value):
    path = data.draw(st.sampled_from(all_places))
    assert_parses_or_names_problems(replaced(raw66, path, value))


@hypothesis_settings(max_examples=100, deadline=None)
@given(value=json_values)
def test_any_json_value_parses_or_names_problems(value):
    assert_parses_or_names_problems(value)
