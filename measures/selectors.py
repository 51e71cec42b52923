"""Reads of measures, always for a user (STYLE.md §2): other organizations' rows are never returned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from assessments.models import Assessment

from .comment_selectors import open_comments_count
from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport


def _current_reports() -> Prefetch:
    return Prefetch(
        "reports",
        queryset=ProgressReport.objects.filter(is_current=True).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        ),
        to_attr="current_reports",
    )


def _with_list_data(qs: QuerySet[Measure], assessment: Assessment) -> QuerySet[Measure]:
    return (
        qs.filter(assessment=assessment)
        .select_related("responsible")
        .prefetch_related(
            "target_tools",
            "target_indicators",
            "target_items",
            "units",
            Prefetch(
                "monitoring_rounds",
                queryset=MonitoringRound.objects.order_by("month").prefetch_related(_current_reports()),
            ),
        )
        .order_by("number")
    )


def measures_for_user(user: Any, assessment: Assessment) -> QuerySet[Measure]:
    """The measures of a year's assessment, numbered order, with everything a list shows.

    A fixed number of queries however many measures and rounds: targets, units, the responsible
    person, each round with its current report (``round.current_reports``, a list of 0 or 1) and
    that report's evidence are prefetched; ``open_comments`` counts the comments not done yet.
    """
    return _with_list_data(Measure.objects.for_user(user), assessment).annotate(
        open_comments=open_comments_count()
    )


def measures_for_system(assessment: Assessment) -> QuerySet[Measure]:
    """The same read for code that runs without a request user (management commands): still one
    organization only, the assessment's own, as if read by one of its members."""
    return _with_list_data(Measure.objects.filter(organization=assessment.organization_id), assessment)


def _open_rounds(user: Any) -> QuerySet[MonitoringRound]:
    """Rounds of the user's organizations still waiting for a report, of measures not cancelled."""
    reported = ProgressReport.objects.filter(round=OuterRef("pk"))
    return (
        MonitoringRound.objects.for_user(user)
        .exclude(measure__status=MeasureStatus.CANCELLED)
        .filter(~Exists(reported))
        .select_related("measure", "measure__assessment")
        .order_by("due_date", "measure__number", "month")
    )


def overdue_rounds(user: Any, today: date) -> QuerySet[MonitoringRound]:
    """Rounds whose due date has passed with no report yet."""
    return _open_rounds(user).filter(due_date__lt=today)


def rounds_due_soon(user: Any, today: date, days: int = 14) -> QuerySet[MonitoringRound]:
    """Rounds due from today to ``days`` days ahead (inclusive) with no report yet."""
    return _open_rounds(user).filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


def report_versions(user: Any, round: MonitoringRound) -> QuerySet[ProgressReport]:
    """Every version of a round's report, newest first (earlier versions stay viewable)."""
    return (
        ProgressReport.objects.for_user(user)
        .filter(round=round)
        .select_related("reported_by")
        .prefetch_related("evidence")
        .order_by("-version")
    )
