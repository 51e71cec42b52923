"""The measure template library: the shipped file loads and covers what agencies fail; bad files are
refused with every problem named by its place.

Templates target item concept keys, so the coverage tests read the shipped framework files: every
concept a template names must exist, sit under one of the template's indicators in some year, and
every item of every shipped year must have at least one template to propose when it fails.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from assessments.framework_file import load_framework_file
from measures.template_file import (
    SHIPPED_FILE,
    UNIT_KINDS,
    TemplateFileError,
    known_concepts,
    load_templates,
    parse_templates,
    unknown_concepts,
)

FRAMEWORKS = sorted((Path(settings.BASE_DIR) / "fixtures" / "frameworks").glob("ita-*.json"))


@pytest.fixture(scope="module")
def shipped():
    return load_templates(SHIPPED_FILE)


@pytest.fixture(scope="module")
def by_code(shipped):
    return {spec.code: spec for spec in shipped}


@pytest.fixture(scope="module")
def concept_places():
    """Concept key -> {(tool code, indicator number)} over all shipped framework years."""
    places = defaultdict(set)
    for path in FRAMEWORKS:
        for tool in load_framework_file(path).tools:
            for ind in tool.indicators:
                for item in (*ind.items, *(i for sub in ind.sub_indicators for i in sub.items)):
                    places[item.concept].add((tool.code, ind.number))
    return places


def test_shipped_frameworks_are_the_seven_years():
    assert [p.name for p in FRAMEWORKS] == [f"ita-{year}.json" for year in range(2563, 2570)]


def test_shipped_file_loads_with_at_least_36_templates(shipped):
    assert SHIPPED_FILE == Path(settings.BASE_DIR) / "fixtures" / "measure_templates.json"
    assert len(shipped) >= 36
    assert len({spec.code for spec in shipped}) == len(shipped)


def test_shipped_templates_cover_every_indicator(shipped):
    counts = {n: sum(n in spec.indicators for spec in shipped) for n in range(1, 11)}
    assert all(counts[n] >= 2 for n in range(1, 9)), counts
    assert counts[9] >= 10
    assert counts[10] >= 8


def test_shipped_templates_name_only_known_concepts(shipped):
    assert unknown_concepts(shipped, known_concepts(FRAMEWORKS)) == []


def test_every_item_of_every_shipped_year_has_a_template(shipped):
    """ "Draft measures for my weak points" must have something to propose for any item that fails."""
    targeted = {concept for spec in shipped for concept in spec.concepts}
    assert sorted(known_concepts(FRAMEWORKS) - targeted) == []


def test_each_concept_sits_under_one_of_its_templates_indicators(shipped, concept_places):
    misplaced = [
        (spec.code, concept)
        for spec in shipped
        for concept in spec.concepts
        if not {number for _tool, number in concept_places[concept]} & set(spec.indicators)
    ]
    assert misplaced == []


def test_each_indicator_of_a_template_is_reached_by_one_of_its_concepts(shipped, concept_places):
    unreached = [
        (spec.code, number)
        for spec in shipped
        for number in spec.indicators
        if not any(number in {n for _tool, n in concept_places[c]} for c in spec.concepts)
    ]
    assert unreached == []


def test_each_template_names_the_tools_of_its_indicators(shipped, concept_places):
    tool_of = {number: tool for places in concept_places.values() for tool, number in places}
    wrong = [
        spec.code for spec in shipped if set(spec.tools) != {tool_of[number] for number in spec.indicators}
    ]
    assert wrong == []


def test_every_unit_kind_is_carried_by_some_template(shipped):
    used = {kind for spec in shipped for kind in spec.unit_kinds}
    assert used == set(UNIT_KINDS)
    assert set(UNIT_KINDS) == {
        "clerk_office",
        "finance",
        "engineering",
        "education",
        "strategy",
        "personnel",
        "audit",
        "all",
    }


def test_shipped_templates_have_three_to_six_steps(shipped):
    assert [spec.code for spec in shipped if not 3 <= len(spec.steps_th) <= 6] == []


MUST_HAVE = [
    ("asset-borrowing-rules", 4, "iit_asset_borrow_proper"),
    ("budget-plan-explanation", 2, "iit_budget_plan_awareness"),
    ("e-service", 9, "e_service"),
    ("no-gift-policy", 10, "no_gift_policy_declaration"),
    ("corruption-risk-assessment", 10, "corruption_risk_assessment"),
    ("complaint-channel", 9, "complaint_channel"),
    ("six-month-operation-report", 9, "operation_monitoring_6m"),
    ("procurement-publication", 9, "procurement_monthly_summary"),
    ("hr-management-disclosure", 9, "hr_annual_report"),
    ("social-media-open-data", 9, "social_network"),
    ("public-participation", 9, "public_participation"),
    ("ethics-promotion", 10, "ethics_promotion"),
    ("conflict-of-interest", 10, "organizational_culture"),
    ("anti-corruption-reports", 10, "anti_corruption_monitoring_6m"),
    ("ita-results-to-development", 10, "integrity_measures"),
    ("integrity-measures-report", 10, "integrity_measures_report"),
]


@pytest.mark.parametrize(("code", "indicator", "concept"), MUST_HAVE)
def test_must_have_template_is_shipped(by_code, code, indicator, concept):
    spec = by_code[code]
    assert indicator in spec.indicators
    assert concept in spec.concepts


def test_a_shipped_template_reads_as_written(by_code):
    spec = by_code["asset-borrowing-rules"]
    assert spec.title_th == "มาตรการกำหนดขั้นตอนการขออนุญาตยืมและใช้ทรัพย์สินของราชการ"
    assert spec.tools == ("IIT",)
    assert spec.indicators == (4,)
    assert spec.concepts == ("iit_asset_borrow_ease", "iit_asset_borrow_proper", "iit_asset_outsider_use")
    assert spec.unit_kinds == ("all",)
    assert spec.rounds == (6, 12)
    assert len(spec.steps_th) == 5


# --------------------------------------------------------------------------- bad files


def template(code: str = "asset-borrowing-rules", **changes) -> dict:
    node = {
        "code": code,
        "title_th": "มาตรการยืมทรัพย์สินของราชการ",
        "targets": {"tools": ["IIT"], "indicators": [4], "concepts": ["iit_asset_borrow_proper"]},
        "guideline_th": "กำหนดขั้นตอนการยืมให้ชัดเจน",
        "steps_th": ["จัดทำคู่มือ", "แจ้งเวียน", "ติดตามผล"],
        "unit_kinds": ["finance"],
        "rounds": [6, 12],
        "outcome_th": "ทุกกองมีทะเบียนคุมการยืม",
    }
    node.update(changes)
    return node


def library(*templates: dict) -> dict:
    return {"version": 1, "notes": "", "templates": list(templates) or [template()]}


def places_of(data) -> list[str]:
    with pytest.raises(TemplateFileError) as info:
        parse_templates(data)
    return [where for where, _message in info.value.problems]


def test_a_minimal_library_parses():
    [spec] = parse_templates(library(template(rounds=[12, 3, 6])))
    assert spec.code == "asset-borrowing-rules"
    assert spec.rounds == (3, 6, 12)  # kept in calendar order
    assert spec.steps_th == ("จัดทำคู่มือ", "แจ้งเวียน", "ติดตามผล")


def test_targets_may_be_empty_for_a_general_measure():
    [spec] = parse_templates(library(template(targets={})))
    assert (spec.tools, spec.indicators, spec.concepts) == ((), (), ())


def test_texts_at_their_limits_are_accepted():
    long = template(title_th="ก" * 300, guideline_th="ข" * 2000, outcome_th="ค" * 2000, steps_th=["ง" * 500])
    [spec] = parse_templates(library(long))
    assert len(spec.title_th) == 300


BAD = [
    pytest.param(library(template(), template()), ["templates[1].code"], id="duplicate-code"),
    pytest.param(library(template(code="Asset Rules")), ["templates[0].code"], id="code-not-a-key"),
    pytest.param(library(template(code="x" * 65)), ["templates[0].code"], id="code-too-long"),
    pytest.param(library(template(rounds=[6, 7])), ["templates[0].rounds[1]"], id="round-7"),
    pytest.param(library(template(rounds=[6, 6])), ["templates[0].rounds[1]"], id="round-twice"),
    pytest.param(
        library(template(rounds=[True, "3"])),
        ["templates[0].rounds[0]", "templates[0].rounds[1]"],
        id="round-not-a-number",
    ),
    pytest.param(library(template(rounds=[])), ["templates[0].rounds"], id="no-rounds"),
    pytest.param(
        library(template(targets={"indicators": [0, 11, 4.0, 4, 4]})),
        [
            "templates[0].targets.indicators[0]",
            "templates[0].targets.indicators[1]",
            "templates[0].targets.indicators[2]",
            "templates[0].targets.indicators[4]",
        ],
        id="indicators-out-of-range-or-twice",
    ),
    pytest.param(
        library(template(targets={"tools": ["IIT", "XIT", "IIT"]})),
        ["templates[0].targets.tools[1]", "templates[0].targets.tools[2]"],
        id="unknown-tool",
    ),
    pytest.param(
        library(template(targets={"concepts": ["", 5, "x" * 81, "e_service", "e_service"]})),
        [
            "templates[0].targets.concepts[0]",
            "templates[0].targets.concepts[1]",
            "templates[0].targets.concepts[2]",
            "templates[0].targets.concepts[4]",
        ],
        id="bad-concepts",
    ),
    pytest.param(library(template(targets=["IIT"])), ["templates[0].targets"], id="targets-not-an-object"),
    pytest.param(
        library(template(targets={"tool": ["IIT"]})), ["templates[0].targets.tool"], id="misspelt-target-key"
    ),
    pytest.param(
        library(template(unit_kinds=["finance", "kitchen"])),
        ["templates[0].unit_kinds[1]"],
        id="unknown-unit",
    ),
    pytest.param(
        library(template(unit_kinds=["all", "finance"])), ["templates[0].unit_kinds"], id="all-with-others"
    ),
    pytest.param(library(template(unit_kinds=[])), ["templates[0].unit_kinds"], id="no-units"),
    pytest.param(library(template(title_th="  ")), ["templates[0].title_th"], id="blank-title"),
    pytest.param(library(template(title_th="ก" * 301)), ["templates[0].title_th"], id="long-title"),
    pytest.param(
        library(template(guideline_th="ก" * 2001, outcome_th=None)),
        ["templates[0].guideline_th", "templates[0].outcome_th"],
        id="long-guideline-no-outcome",
    ),
    pytest.param(library(template(steps_th=[])), ["templates[0].steps_th"], id="no-steps"),
    pytest.param(
        library(template(steps_th=["จัดทำคู่มือ", " ", "ก" * 501])),
        ["templates[0].steps_th[1]", "templates[0].steps_th[2]"],
        id="blank-and-long-step",
    ),
    pytest.param(
        library({**template(), "guidline_th": "x", "guideline_th": None}),
        ["templates[0].guidline_th", "templates[0].guideline_th"],
        id="misspelt-key",
    ),
    pytest.param(library(template(), "not a template"), ["templates[1]"], id="template-not-an-object"),
    pytest.param({"version": 2, "templates": [template()]}, ["version"], id="unknown-version"),
    pytest.param({"version": 1}, ["templates"], id="no-templates"),
    pytest.param({"version": 1, "templates": [template()], "extra": 1}, ["extra"], id="unknown-top-key"),
    pytest.param([template()], ["$"], id="not-an-object"),
]


@pytest.mark.parametrize(("data", "places"), BAD)
def test_bad_library_names_each_problem_by_its_place(data, places):
    assert places_of(data) == places


def test_every_problem_of_a_file_is_reported_at_once():
    bad = library(
        template(rounds=[5]),
        template(code="e-service", unit_kinds=["kitchen"], targets={"indicators": [12]}),
        template(code="e-service"),
    )
    assert places_of(bad) == [
        "templates[0].rounds[0]",
        "templates[1].targets.indicators[0]",
        "templates[1].unit_kinds[0]",
        "templates[2].code",
    ]


def test_load_names_the_file_before_each_place(tmp_path):
    path = tmp_path / "my_templates.json"
    path.write_text(json.dumps(library(template(rounds=[4]))), encoding="utf-8")
    with pytest.raises(TemplateFileError) as info:
        load_templates(path)
    assert [where for where, _message in info.value.problems] == ["my_templates.json: templates[0].rounds[0]"]


@pytest.mark.parametrize(
    ("content", "place"),
    [
        ("{ not json", "my_templates.json"),
        ("", "my_templates.json"),
        ('{"version": 1, "version": 1, "templates": []}', "my_templates.json: $"),
    ],
    ids=["not-json", "empty", "duplicate-key"],
)
def test_a_file_that_cannot_be_read_is_refused_naming_the_file(tmp_path, content, place):
    path = tmp_path / "my_templates.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateFileError) as info:
        load_templates(path)
    assert [where for where, _message in info.value.problems] == [place]


def test_a_missing_file_is_refused_naming_it(tmp_path):
    with pytest.raises(TemplateFileError) as info:
        load_templates(tmp_path / "nowhere.json")
    assert [where for where, _message in info.value.problems] == ["nowhere.json"]


def test_unknown_concepts_are_listed_with_their_places():
    specs = parse_templates(
        library(
            template(),
            template(code="other", targets={"concepts": ["e_service", "no_such_concept", "iit_nothing"]}),
        )
    )
    known = {"iit_asset_borrow_proper", "e_service"}
    assert unknown_concepts(specs, known) == [
        ("templates[1].targets.concepts[1]", "no_such_concept"),
        ("templates[1].targets.concepts[2]", "iit_nothing"),
    ]


def test_known_concepts_reads_items_of_every_tool():
    known = known_concepts([p for p in FRAMEWORKS if p.name == "ita-2565.json"])
    assert {"iit_asset_borrow_proper", "eit_technology_use", "no_gift_policy_declaration"} <= known
    assert "no_gift_policy_culture" not in known  # new in 2566
    assert len(known) == 30 + 15 + 43


def test_the_shipped_file_is_not_changed_by_a_parse(shipped):
    raw = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    again = parse_templates(copy.deepcopy(raw))
    assert again == shipped
