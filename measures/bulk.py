"""A large plan in a few queries, for the benchmark (`make bench`) and the query-count tests.

This is test and benchmark data, not a write path: it bypasses the services (no locks, no audit
records) so that 300 measures × 4 rounds cost seconds, not minutes. Nothing in the portal calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Unit

from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport
from .rounds import fiscal_year_months, round_due_date

STATUSES = [MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, MeasureStatus.CANCELLED]


@transaction.atomic
def bulk_measures(
    assessment: Assessment,
    count: int,
    *,
    user: Any = None,
    rounds: Sequence[int] = (3, 6, 9, 12),
    reported: Sequence[int] = (3, 6),
) -> list[Measure]:
    """Append ``count`` measures to an assessment's plan, each checked at ``rounds``, with a current
    report (and one link as evidence) on each ``reported`` round; targets and units vary by measure."""
    units = list(Unit.objects.filter(organization=assessment.organization_id).order_by("order"))
    items = list(assessment.framework.items.order_by("order"))
    indicators = list(assessment.framework.indicators.order_by("number"))
    start, end = fiscal_year_months(assessment.fiscal_year)
    first = (Measure.objects.filter(assessment=assessment).order_by("-number").first() or Measure(number=0)).number
    measures = Measure.objects.bulk_create(
        Measure(
            organization_id=assessment.organization_id,
            assessment=assessment,
            number=first + n + 1,
            title=f"มาตรการทดสอบที่ {first + n + 1} ส่งเสริมการเปิดเผยข้อมูลและการมีส่วนร่วมของประชาชน",
            guideline="แนวทางปฏิบัติของมาตรการ",
            steps=["จัดทำแผน", "ดำเนินการตามแผน", "รายงานผล"],
            all_units=not units,
            start_month=start,
            end_month=end,
            rounds=list(rounds),
            outcome="ผลลัพธ์ที่คาดหวัง",
            status=STATUSES[n % len(STATUSES)],
            created_by=user,
        )
        for n in range(count)
    )
    through = Measure.units.through
    through.objects.bulk_create(
        through(measure_id=m.pk, unit_id=units[n % len(units)].pk) for n, m in enumerate(measures) if units
    )
    items_through = Measure.target_items.through
    items_through.objects.bulk_create(
        items_through(measure_id=m.pk, item_id=items[n % len(items)].pk) for n, m in enumerate(measures)
    )
    ind_through = Measure.target_indicators.through
    ind_through.objects.bulk_create(
        ind_through(measure_id=m.pk, indicator_id=indicators[n % len(indicators)].pk)
        for n, m in enumerate(measures)
    )
    round_rows = MonitoringRound.objects.bulk_create(
        MonitoringRound(
            organization_id=assessment.organization_id,
            measure=m,
            month=month,
            due_date=round_due_date(assessment.fiscal_year, month),
        )
        for m in measures
        for month in rounds
    )
    now = timezone.now()
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            organization_id=assessment.organization_id,
            measure_id=r.measure_id,
            round=r,
            result=f"ผลการดำเนินการรอบ {r.month} เดือน",
            outcome="ผลลัพธ์",
            percent=min(100, r.month * 8),
            reported_by=user,
            reported_at=now,
        )
        for r in round_rows
        if r.month in reported
    )
    Evidence.objects.bulk_create(
        Evidence(
            organization_id=assessment.organization_id,
            report=report,
            url=f"https://example.org/evidence/{report.pk}",
            added_by=user,
        )
        for report in reports
    )
    return measures
