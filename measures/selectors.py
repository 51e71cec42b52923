"""Reads of measures, always for a user (STYLE.md §2): other organizations' rows are never returned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from assessments.models import Assessment

from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport


def current_reports() -> Prefetch:
    """Each round's current report as ``round.current_reports`` (a list of 0 or 1), with evidence."""
    return Prefetch(
        "reports",
        queryset=ProgressReport.objects.filter(is_current=True).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
        ),
        to_attr="current_reports",
    )


def measures_for_user(user: Any, assessment: Assessment) -> QuerySet[Measure]:
    """The measures of a year's assessment, numbered order, with everything a list shows.

    A fixed number of queries however many measures and rounds: targets, units, the responsible
    person, each round with its current report (``round.current_reports``, a list of 0 or 1) and
    that report's evidence are prefetched.
    """
    return (
        Measure.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("responsible", "organization")
        .prefetch_related(
            "target_tools",
            "target_indicators",
            "target_items",
            "units",
            Prefetch(
                "monitoring_rounds",
                queryset=MonitoringRound.objects.order_by("month").prefetch_related(current_reports()),
            ),
        )
        .order_by("number")
    )


def _open_rounds(user: Any) -> QuerySet[MonitoringRound]:
    """Rounds of the user's organizations still waiting for a report, of measures not cancelled."""
    reported = ProgressReport.objects.filter(round=OuterRef("pk"))
    return (
        MonitoringRound.objects.for_user(user)
        .exclude(measure__status=MeasureStatus.CANCELLED)
        .filter(~Exists(reported))
        .select_related("measure", "measure__assessment", "measure__organization")
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
