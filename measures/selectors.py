"""Reads of measures, always for a user (STYLE.md §2): other organizations' rows are never returned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from assessments.models import WRITER_ROLES, Assessment, Membership

from .comment_selectors import open_comments_count
from .models import Measure, MeasureStatus, MonitoringRound, ProgressReport

#: The in-app reminders' window: rounds due within this many days (and every overdue one).
DUE_SOON_DAYS = 14


def current_reports() -> Prefetch:
    """Each round's current report as ``round.current_reports`` (a list of 0 or 1). Its evidence is
    not read here: lists, badges, the timeline and the export show none (the round panel reads it)."""
    return Prefetch(
        "reports", queryset=ProgressReport.objects.filter(is_current=True), to_attr="current_reports"
    )


def _with_list_data(qs: QuerySet[Measure], assessment: Assessment) -> QuerySet[Measure]:
    return (
        qs.filter(assessment=assessment)
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


def measures_for_user(user: Any, assessment: Assessment) -> QuerySet[Measure]:
    """The measures of a year's assessment, numbered order, with everything a list shows.

    A fixed number of queries however many measures and rounds: targets, units, the responsible
    person and each round with its current report (``round.current_reports``, a list of 0 or 1) are
    prefetched; ``open_comments`` counts the comments not done yet.
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
        .select_related("measure", "measure__assessment", "measure__organization")
        .order_by("due_date", "measure__number", "month")
    )


def overdue_rounds(user: Any, today: date) -> QuerySet[MonitoringRound]:
    """Rounds whose due date has passed with no report yet."""
    return _open_rounds(user).filter(due_date__lt=today)


def rounds_due_soon(user: Any, today: date, days: int = 14) -> QuerySet[MonitoringRound]:
    """Rounds due from today to ``days`` days ahead (inclusive) with no report yet."""
    return _open_rounds(user).filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


def _mine(user: Any) -> Q:
    """Rounds the user answers for: measures of their unit (``Membership.unit``), measures of "all
    units", measures naming them as the responsible person, and, for an officer without a unit, every
    measure of the organization. Only where the user may write (officers and administrators)."""
    writer = Membership.objects.filter(
        user=user, organization_id=OuterRef("organization_id"), role__in=WRITER_ROLES
    )
    by_unit = writer.filter(Q(unit__isnull=True) | Q(unit__measures=OuterRef("measure_id")))
    return Q(Exists(by_unit)) | (
        (Q(measure__all_units=True) | Q(measure__responsible_id=user.pk)) & Q(Exists(writer))
    )


def my_open_rounds(user: Any, today: date, days: int = 14) -> QuerySet[MonitoringRound]:
    """The user's rounds (``_mine``) overdue or due within ``days`` days, with no report yet.

    One query whatever the number of memberships: the rule is an EXISTS on the memberships.
    """
    if not user.is_authenticated:
        return MonitoringRound.objects.none()
    reported = ProgressReport.objects.filter(round=OuterRef("pk"))
    return (
        MonitoringRound.objects.filter(_mine(user))
        .exclude(measure__status=MeasureStatus.CANCELLED)
        .filter(~Exists(reported), due_date__lte=today + timedelta(days=days))
        .select_related("measure", "measure__assessment")
        .order_by("due_date", "measure__number", "month")
    )


def my_open_rounds_count(user: Any, today: date, days: int = 14) -> dict[str, int]:
    """``{"total": n, "overdue": m}`` of ``my_open_rounds``, in one query (the top bar's badge)."""
    return (
        my_open_rounds(user, today, days)
        .order_by()
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )


def report_versions(user: Any, round: MonitoringRound) -> QuerySet[ProgressReport]:
    """Every version of a round's report, newest first (earlier versions stay viewable)."""
    return (
        ProgressReport.objects.for_user(user)
        .filter(round=round)
        .select_related("reported_by")
        .prefetch_related("evidence")
        .order_by("-version")
    )


def carry_sources(user: Any, target: Assessment) -> QuerySet[Assessment]:
    """The organization's earlier assessments that have measures to carry into ``target``, newest first."""
    return (
        Assessment.objects.for_user(user)
        .filter(organization=target.organization_id, fiscal_year__lt=target.fiscal_year)
        .filter(Exists(Measure.objects.filter(assessment=OuterRef("pk"))))
        .order_by("-fiscal_year")
    )
