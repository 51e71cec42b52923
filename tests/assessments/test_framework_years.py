"""The provisional 2567-2569 framework files: their shape, and concept keys that carry across years.

2563 and 2564 (prior years, letter bands) have their own tests in test_framework_prior_years.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from assessments import selectors, services
from assessments.demo import load_shipped_frameworks
from assessments.framework_file import FrameworkSpec, load_framework_file

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
NEW_YEARS = (2567, 2568, 2569)

# O-items per year and sub-indicator sizes 9.1-9.5, 10.1-10.2 (see fixtures/frameworks/README.md).
O_ITEMS = {2567: 41, 2568: 26, 2569: 26}
SUB_SIZES = {
    2567: [8, 8, 4, 4, 4, 8, 5],
    2568: [4, 7, 2, 3, 4, 4, 2],
    2569: [4, 6, 2, 3, 4, 3, 4],
}


def spec_of(year: int) -> FrameworkSpec:
    return load_framework_file(FRAMEWORKS / f"ita-{year}.json")


def items_of(spec: FrameworkSpec) -> list:
    return [
        item
        for tool in spec.tools
        for ind in tool.indicators
        for item in (*ind.items, *(x for sub in ind.sub_indicators for x in sub.items))
    ]


def codes_by_tool(spec: FrameworkSpec) -> dict[str, list[str]]:
    return {
        tool.code: [
            item.code
            for ind in tool.indicators
            for item in (*ind.items, *(x for sub in ind.sub_indicators for x in sub.items))
        ]
        for tool in spec.tools
    }


@pytest.mark.parametrize("year", NEW_YEARS)
def test_new_year_file_is_provisional_pass_fail_at_85_with_weights_30_30_40(year):
    spec = spec_of(year)
    assert spec.fiscal_year == year
    assert spec.status == "provisional"
    assert spec.band_kind == "pass_fail"
    assert spec.pass_mark == Decimal("85.00")
    assert [(b.label, b.min_total, b.passed) for b in spec.bands] == [
        ("ผ่าน", Decimal("85.00"), True),
        ("ไม่ผ่าน", Decimal("0.00"), False),
    ]
    assert [(b.label, b.min_total, b.min_each_tool) for b in spec.sub_levels] == [
        ("ผ่านดีเยี่ยม", Decimal("95.00"), Decimal("95.00")),
        ("ผ่านดี", Decimal("85.00"), Decimal("85.00")),
        ("ผ่าน", Decimal("85.00"), None),
        ("ต้องปรับปรุง", Decimal("70.00"), None),
        ("ต้องปรับปรุงโดยด่วน", Decimal("0.00"), None),
    ]
    assert spec.sub_levels_note.startswith("provisional")
    assert [(t.code, t.weight) for t in spec.tools] == [
        ("IIT", Decimal("30")),
        ("EIT", Decimal("30")),
        ("OIT", Decimal("40")),
    ]
    assert sum(t.weight for t in spec.tools) == 100


@pytest.mark.parametrize("year", NEW_YEARS)
def test_new_year_file_has_its_item_counts_and_sub_indicator_sizes(year):
    spec = spec_of(year)
    codes = codes_by_tool(spec)
    assert codes["IIT"] == [f"i{n}" for n in range(1, 31)]
    assert codes["EIT"] == [f"e{n}" for n in range(1, 16)]
    assert codes["OIT"] == [f"O{n}" for n in range(1, O_ITEMS[year] + 1)]
    subs = [sub for tool in spec.tools for ind in tool.indicators for sub in ind.sub_indicators]
    assert [sub.code for sub in subs] == ["9.1", "9.2", "9.3", "9.4", "9.5", "10.1", "10.2"]
    assert [len(sub.items) for sub in subs] == SUB_SIZES[year]


@pytest.mark.parametrize("year", NEW_YEARS)
def test_new_year_file_says_what_is_inferred(year):
    spec = spec_of(year)
    subs = [sub for tool in spec.tools for ind in tool.indicators for sub in ind.sub_indicators]
    assert all(sub.grouping_status.startswith(("provisional", "inferred")) for sub in subs)
    assert "PROVISIONAL" in spec.notes
    assert "INFERRED" in spec.notes or "NOT SEEN" in spec.notes


@pytest.mark.parametrize("year", NEW_YEARS)
def test_every_item_has_a_concept_key(year):
    items = items_of(spec_of(year))
    assert [item.code for item in items if not item.concept] == []


@pytest.mark.parametrize("year", (2566, *NEW_YEARS))
def test_replaced_concepts_exist_in_an_earlier_year(year):
    earlier = {c for y in range(2565, year) for c in (i.concept for i in items_of(spec_of(y)))}
    replaced = {c for item in items_of(spec_of(year)) for c in item.replaces_concepts}
    assert sorted(replaced - earlier) == []


@pytest.mark.parametrize("year", NEW_YEARS)
def test_a_new_concept_key_says_which_earlier_concepts_it_takes_over(year):
    """A key not used before is a merged item: without replaces_concepts its evidence would be lost."""
    earlier = {c for y in range(2565, year) for c in (i.concept for i in items_of(spec_of(y)))}
    orphans = [
        i.code for i in items_of(spec_of(year)) if i.concept not in earlier and not i.replaces_concepts
    ]
    assert orphans == []


def test_integrity_measures_are_carried_to_2569_o25_and_o26():
    def by_code(year):
        return {item.code: item for item in items_of(spec_of(year))}

    c66, c67, c68, c69 = (by_code(y) for y in (2566, 2567, 2568, 2569))
    assert c66["O42"].concept == c67["O40"].concept == c69["O25"].concept == "integrity_measures"
    assert c66["O43"].concept == c67["O41"].concept == c69["O26"].concept == "integrity_measures_report"
    assert c68["O25"].replaces_concepts == ("integrity_measures",)
    assert c68["O26"].replaces_concepts == ("integrity_measures_report",)
    assert c68["O1"].replaces_concepts == c69["O1"].replaces_concepts == ("org_structure", "authority_duties")


def test_shipped_frameworks_load_all_seven_years(db):
    results = load_shipped_frameworks()
    assert [r.version.fiscal_year for r in results] == [2563, 2564, 2565, 2566, 2567, 2568, 2569]
    assert [r.version.status for r in results] == ["provisional"] * 2 + ["verified"] + ["provisional"] * 4
    counts = {r.version.fiscal_year: r.version.items.count() for r in results}
    assert counts == {2563: 88, 2564: 88, 2565: 88, 2566: 88, 2567: 86, 2568: 71, 2569: 71}


def test_start_form_never_defaults_to_a_prior_year(frameworks):
    """Prior years are offered last; with no framework for the current year the newest year is the default."""
    from assessments.forms import AssessmentCreateForm

    years = selectors.framework_years()
    assert years[0] == 2569 and years[-2:] == [2564, 2563]
    form = AssessmentCreateForm(organizations=[], years=years, current_year=2570)
    assert [value for value, _label in form.fields["fiscal_year"].choices] == years
    assert form.fields["fiscal_year"].initial == 2569
    form = AssessmentCreateForm(organizations=[], years=years, current_year=2566)
    assert [value for value, _label in form.fields["fiscal_year"].choices][:2] == [2566, 2569]
    assert form.fields["fiscal_year"].initial == 2566


def test_2568_with_every_o_item_passed_and_survey_indicators_at_90_scores_94(frameworks, org_a, officer):
    assessment = services.assessment_create(organization=org_a, fiscal_year=2568, user=officer)
    assert assessment.framework == frameworks[2568]
    services.indicator_scores_set(
        assessment=assessment, scores={n: Decimal("90") for n in range(1, 9)}, user=officer
    )
    assert services.disclosures_mark_passed(assessment=assessment, user=officer) == 26
    assessment.refresh_from_db()
    assert assessment.computed_total == Decimal("94.00")
    assert assessment.computed_passed is True
    assert assessment.computed_band == "ผ่าน"
    assert assessment.computed_result["sub_level"] == "ผ่านดี"
    assert assessment.computed_result["tools"]["OIT"] == {"score": "100.00", "weighted": "40.00"}

    framework = selectors.framework_for_scoring(frameworks[2568])
    assert [len(sub.items) for ind in framework.indicators for sub in ind.sub_indicators] == SUB_SIZES[2568]
