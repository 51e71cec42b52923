"""Measures' named constraints hold in the database, whatever code writes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from measures.models import Evidence, Measure, MonitoringRound, ProgressReport


def test_measure_number_is_unique_per_assessment(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            organization=measure.organization, assessment=measure.assessment, number=1, title="ซ้ำ"
        )


def test_measure_number_starts_at_one(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            organization=assessment.organization, assessment=assessment, number=0, title="x"
        )


def test_measure_period_must_not_end_before_it_starts(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            organization=assessment.organization,
            assessment=assessment,
            number=5,
            title="x",
            start_month=date(2022, 3, 1),
            end_month=date(2021, 10, 1),
        )


def test_measure_status_must_be_a_choice(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            organization=assessment.organization, assessment=assessment, number=5, title="x", status="lost"
        )


def test_round_month_is_unique_per_measure_and_one_of_four(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringRound.objects.create(
            organization=measure.organization, measure=measure, month=6, due_date=date(2022, 3, 31)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringRound.objects.create(
            organization=measure.organization, measure=measure, month=5, due_date=date(2022, 2, 28)
        )


def make_report(measure, version: int, *, current: bool, percent: int = 10) -> ProgressReport:
    return ProgressReport.objects.create(
        organization=measure.organization,
        measure=measure,
        round=measure.monitoring_rounds.get(month=6),
        version=version,
        percent=percent,
        reported_at=timezone.now(),
        is_current=current,
    )


def test_one_current_report_per_round(measure):
    make_report(measure, 1, current=True)
    make_report(measure, 2, current=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(measure, 3, current=True)


def test_report_version_is_unique_per_round(measure):
    make_report(measure, 1, current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(measure, 1, current=False)


def test_report_percent_is_at_most_100(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(measure, 1, current=True, percent=101)


def test_evidence_is_a_file_or_a_link_not_both_nor_neither(measure):
    report = make_report(measure, 1, current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(organization=measure.organization, report=report)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            organization=measure.organization, report=report, file="evidence/1/a.pdf", url="https://x.example"
        )
    assert Evidence.objects.create(
        organization=measure.organization, report=report, url="https://x.example"
    ).pk


def test_round_with_reports_cannot_be_deleted_alone_but_goes_with_its_measure(measure):
    make_report(measure, 1, current=True)
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError), transaction.atomic():
        measure.monitoring_rounds.get(month=6).delete()
    measure.delete()
    assert ProgressReport.objects.count() == 0
