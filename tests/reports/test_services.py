"""Writes of the analysis text: only the sections given, roles checked inside, audited, and (on
PostgreSQL) simultaneous first saves of different sections all kept, with one row."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from assessments import services as assessment_services
from reports import services
from reports.models import AnalysisNarrative

from ..conftest import raised, run_at_once


def test_save_changes_only_the_sections_given(officer, assessment):
    services.narrative_save(assessment=assessment, texts={"overview": "  ภาพรวม  \r\n\r\n"}, user=officer)
    services.narrative_save(assessment=assessment, texts={"practice": ""}, user=officer)
    narrative = AnalysisNarrative.objects.get()
    assert narrative.edited() == {"overview": "  ภาพรวม", "practice": ""}
    assert narrative.organization_id == assessment.organization_id


def test_saving_the_same_text_again_writes_nothing(officer, assessment):
    services.narrative_save(assessment=assessment, texts={"overview": "ภาพรวม"}, user=officer)
    before = LogEntry.objects.get_for_model(AnalysisNarrative).count()
    services.narrative_save(assessment=assessment, texts={"overview": "ภาพรวม"}, user=officer)
    assert LogEntry.objects.get_for_model(AnalysisNarrative).count() == before


def test_roles_are_checked_inside_the_service(executive, outsider, assessment):
    for user in (executive, outsider):
        with pytest.raises(PermissionDenied):
            services.narrative_save(assessment=assessment, texts={"overview": "x"}, user=user)
        with pytest.raises(PermissionDenied):
            services.narrative_redraft(assessment=assessment, user=user)
    assert not AnalysisNarrative.objects.exists()


def test_unknown_section_and_too_long_text_are_refused(officer, assessment):
    with pytest.raises(ValueError):
        services.narrative_save(assessment=assessment, texts={"summary": "x"}, user=officer)
    with pytest.raises(ValidationError) as error:
        services.narrative_save(
            assessment=assessment, texts={"overview": "ก" * (services.SECTION_MAX + 1)}, user=officer
        )
    assert error.value.message_dict == {"overview": ["แต่ละหัวข้อเขียนได้ไม่เกิน 10,000 ตัวอักษร"]}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_simultaneous_first_saves_of_different_sections_all_survive(
    transactional_db, frameworks, org_a, officer
):
    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    sections = ["overview", "strengths", "weaknesses", "improvements", "practice"]
    outcomes = run_at_once(
        lambda i: services.narrative_save(assessment=fresh, texts={sections[i]: f"ข้อความ {i}"}, user=officer),
        len(sections),
    )
    assert raised(outcomes) == []
    assert AnalysisNarrative.objects.filter(assessment=fresh).count() == 1
    assert AnalysisNarrative.objects.get(assessment=fresh).edited() == {
        s: f"ข้อความ {i}" for i, s in enumerate(sections)
    }
