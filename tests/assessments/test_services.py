"""Services: framework versions never change under an assessment; writes check roles and recompute."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import selectors, services
from assessments.framework_file import parse_framework
from assessments.models import Assessment, DisclosureResult, FrameworkVersion, Item

D = Decimal


def test_loading_the_same_file_again_changes_nothing(fw2565):
    spec = parse_framework(fw2565.definition)
    result = services.framework_load(spec=spec)
    assert result.action == "unchanged"
    assert result.version == fw2565
    assert FrameworkVersion.objects.filter(fiscal_year=2565).count() == 1


def test_unused_version_is_replaced_in_place(fw2565):
    raw = copy.deepcopy(fw2565.definition)
    raw["notes"] = "corrected"
    result = services.framework_load(spec=parse_framework(raw))
    assert result.action == "replaced"
    assert result.version.revision == 1
    assert result.version.notes == "corrected"
    assert result.version.items.count() == 88


def test_used_version_is_never_changed_under_its_assessments(assessment):
    raw = copy.deepcopy(assessment.framework.definition)
    raw["tools"][0]["weight"], raw["tools"][1]["weight"] = "35", "25"
    with pytest.raises(ValidationError) as info:
        services.framework_load(spec=parse_framework(raw))
    assert "ใช้" in info.value.messages[0]
    assessment.framework.refresh_from_db()
    assert str(assessment.framework.tools.get(code="IIT").weight) == "30.00"


def test_used_version_can_take_a_new_revision_beside_it(assessment):
    raw = copy.deepcopy(assessment.framework.definition)
    raw["notes"] = "revised"
    result = services.framework_load(spec=parse_framework(raw), new_revision=True)
    assert result.action == "new_revision"
    assert result.version.revision == 2
    assessment.refresh_from_db()
    assert assessment.framework.revision == 1


def test_new_revision_copies_the_version_as_it_stands(fw2565):
    copy_ = services.framework_new_revision(version=fw2565)
    assert copy_.revision == 2
    assert selectors.framework_for_scoring(copy_) == selectors.framework_for_scoring(fw2565)
    assert list(copy_.items.values_list("code", "concept")) == list(
        fw2565.items.values_list("code", "concept")
    )


def test_new_revision_keeps_what_the_file_said_beyond_scoring(frameworks):
    original = frameworks[2566]
    copy_ = services.framework_new_revision(version=original)
    o11 = copy_.items.get(code="O11")
    assert o11.replaces_concepts == original.items.get(code="O11").replaces_concepts
    assert len(o11.replaces_concepts) == 2
    statuses = list(copy_.sub_indicators.values_list("grouping_status", flat=True))
    assert statuses == list(original.sub_indicators.values_list("grouping_status", flat=True))
    assert all(statuses)
    assert list(copy_.items.filter(elements__isnull=False).values_list("code", "elements__text")) == list(
        original.items.filter(elements__isnull=False).values_list("code", "elements__text")
    )


def test_exported_definition_reloads_to_the_same_framework(fw2565):
    spec = parse_framework(selectors.framework_definition(fw2565))
    assert spec.to_scoring() == selectors.framework_for_scoring(fw2565)


def test_assessment_create_uses_the_newest_revision(fw2565, org_a, officer):
    newer = services.framework_new_revision(version=fw2565)
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    assert a.framework == newer
    assert a.computed_complete is False


def test_assessment_create_refuses_a_second_one_for_the_year(assessment, officer):
    with pytest.raises(ValidationError):
        services.assessment_create(organization=assessment.organization, fiscal_year=2565, user=officer)
    assert Assessment.objects.filter(organization=assessment.organization).count() == 1


def test_assessment_create_refuses_a_year_without_framework(frameworks, org_a, officer):
    with pytest.raises(ValidationError) as info:
        services.assessment_create(organization=org_a, fiscal_year=2599, user=officer)
    assert "2599" in info.value.message_dict["fiscal_year"][0]


@pytest.mark.parametrize("who", ["executive", "outsider"])
def test_services_refuse_users_without_write_rights(request, assessment, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.indicator_scores_set(assessment=assessment, scores={3: D("80")}, user=user)
    assert assessment.indicator_scores.count() == 2


def test_indicator_scores_set_recomputes_the_snapshot(assessment, officer):
    scores = {
        1: D("88.81"),
        2: D("75.15"),
        3: D("82.16"),
        4: D("78.08"),
        5: D("80.24"),
        6: D("82.65"),
        7: D("75.22"),
        8: D("78.09"),
    }
    services.indicator_scores_set(assessment=assessment, scores=scores, user=officer)
    assessment.refresh_from_db()
    assert assessment.computed_complete is False  # only O1 of the OIT is known
    assert assessment.computed_result["missing"] == ["9", "10"]
    services.disclosures_mark_passed(assessment=assessment, user=officer)
    assessment.refresh_from_db()
    assert assessment.computed_complete is True
    assert str(assessment.computed_total) == "87.86"
    assert assessment.computed_band == "A"
    assert assessment.computed_passed is True


def test_indicator_score_none_removes_it(assessment, officer):
    services.indicator_scores_set(assessment=assessment, scores={1: None}, user=officer)
    assert list(assessment.indicator_scores.values_list("indicator__number", flat=True)) == [2]


def test_invalid_score_is_refused_and_nothing_is_written(assessment, officer):
    with pytest.raises(ValidationError):
        services.indicator_scores_set(assessment=assessment, scores={3: D("80"), 4: D("101")}, user=officer)
    assert sorted(assessment.indicator_scores.values_list("indicator__number", flat=True)) == [1, 2]


def test_mark_passed_keeps_decided_items(assessment, officer):
    o2 = Item.objects.get(framework=assessment.framework, code="O2")
    services.disclosure_result_set(
        assessment=assessment, item=o2, passed=False, urls=[], note="x", user=officer
    )
    count = services.disclosures_mark_passed(assessment=assessment, user=officer)
    assert count == 41
    assert DisclosureResult.objects.get(assessment=assessment, item=o2).passed is False
    assert assessment.disclosures.filter(passed=True).count() == 42


def test_disclosure_of_another_framework_is_refused(assessment, officer, frameworks):
    other = Item.objects.get(framework=frameworks[2566], code="O1")
    with pytest.raises(ValidationError):
        services.disclosure_result_set(
            assessment=assessment, item=other, passed=True, urls=[], note="", user=officer
        )


def test_published_values_are_kept_apart_from_the_computed_ones(assessment, officer):
    services.assessment_published_set(
        assessment=assessment,
        total=D("84.48"),
        band="B",
        tool_scores={"IIT": D("77.31")},
        note="",
        user=officer,
    )
    assessment.refresh_from_db()
    assert str(assessment.published_total) == "84.48"
    assert assessment.published_tool_scores == {"IIT": "77.31"}
    assert assessment.computed_total is None


def test_assessment_framework_must_be_of_its_fiscal_year(assessment, frameworks):
    assessment.framework = frameworks[2566]
    with pytest.raises(ValidationError) as info:
        assessment.full_clean()
    assert list(info.value.message_dict) == ["framework"]


def test_disclosure_results_set_changes_only_given_fields_and_recomputes_once(assessment, officer):
    services.disclosure_results_set(
        assessment=assessment,
        results={"O1": {"note": "ครบ"}, "O2": {"passed": False, "urls": ["https://a.example/o2"]}},
        user=officer,
    )
    rows = {d.item.code: (d.passed, d.urls, d.note, d.updated_by) for d in assessment.disclosures.all()}
    assert rows == {
        "O1": (True, ["https://a.example/o1"], "ครบ", officer),
        "O2": (False, ["https://a.example/o2"], "", officer),
    }
    assert assessment.computed_result == services.assessment_recompute(assessment=assessment).as_dict()


def test_disclosure_results_set_refuses_executive_and_unknown_codes(assessment, executive, officer):
    with pytest.raises(PermissionDenied):
        services.disclosure_results_set(
            assessment=assessment, results={"O2": {"passed": True}}, user=executive
        )
    with pytest.raises(ValidationError):
        services.disclosure_results_set(
            assessment=assessment, results={"O99": {"passed": True}}, user=officer
        )
    assert assessment.disclosures.count() == 1
