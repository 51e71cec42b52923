"""The dashboard of an organization's year (issue 9, point 1): what it shows, read for a user.

It reuses the analysis (``reports.selectors.analysis_of``, with the organization's thresholds) and
adds what only the dashboard shows: the failed O-items grouped by sub-indicator, the year's
measures counted by status and by round, and the memos of the year waiting (in the user's inbox,
and in progress). A fixed number of queries whatever the number of measures, rounds or memos.

Site staff may open any organization's dashboard (read only); everyone else only their own
organizations' (others 404, ``dashboard_assessment``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from assessments.models import Assessment, BandKind, BandScheme, DisclosureResult
from measures.models import Measure, MeasureStatus, MonitoringRound, ProgressReport, RoundMonth
from memos.models import Memo, MemoStatus
from memos.selectors import inbox

from . import analysis as pure
from . import selectors

#: Memos still on their way: written, waiting for a decision or sent back to the author.
MEMOS_IN_PROGRESS = (MemoStatus.DRAFT, MemoStatus.PENDING, MemoStatus.RETURNED)


@dataclass(frozen=True)
class FailedGroup:
    """The failed O-items of one sub-indicator (e.g. 9.2), in the framework's order."""

    code: str
    name: str
    indicator: int
    items: tuple[pure.FailedItem, ...]


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class RoundCount:
    """A monitoring round of the year: measures checked at it, reported, overdue (not reported after
    its due date; cancelled measures do not count)."""

    month: int
    label: str
    measures: int
    reported: int
    overdue: int


@dataclass
class Dashboard:
    assessment: Assessment
    analysis: pure.Analysis
    failed_groups: tuple[FailedGroup, ...]
    measures_by_status: tuple[StatusCount, ...]
    measures_by_round: tuple[RoundCount, ...]
    measure_count: int
    letter_bands: bool = True
    years: list[tuple[int, int]] = field(default_factory=list)  # (assessment pk, fiscal year), latest first
    inbox: list[Memo] = field(default_factory=list)
    in_progress: list[Memo] = field(default_factory=list)

    @property
    def has_history(self) -> bool:
        return len(self.analysis.years) > 1


def _visible(qs: QuerySet, user: Any) -> QuerySet:
    """Site staff read every organization; others their own (``for_user``)."""
    return qs if user.is_staff else qs.for_user(user)


def dashboard_assessment(user: Any, pk: int) -> Assessment:
    """The assessment whose dashboard the user may open: 404 outside the user's organizations."""
    qs = Assessment.objects.select_related("organization", "framework")
    return get_object_or_404(_visible(qs, user), pk=pk)


def latest_assessment(user: Any) -> Assessment | None:
    """The latest fiscal year of the user's own organizations (membership, staff too)."""
    return Assessment.objects.for_user(user).order_by("-fiscal_year", "organization__name").first()


def failed_groups(assessment: Assessment) -> tuple[FailedGroup, ...]:
    """The O-items not passed, grouped by sub-indicator (framework order): one query."""
    groups: dict[str, tuple[str, int, list[pure.FailedItem]]] = {}
    results = (
        DisclosureResult.objects.filter(assessment=assessment, passed=False)
        .select_related("item__sub_indicator", "item__indicator__tool")
        .order_by("item__order")
    )
    for r in results:
        item = r.item
        sub = item.sub_indicator
        key, name = (sub.code, sub.name_th) if sub is not None else ("", "")
        entry = groups.setdefault(key, (name, item.indicator.number, []))
        entry[2].append(
            pure.FailedItem(item.code, item.name_th, item.indicator.number, item.indicator.tool.code)
        )
    return tuple(FailedGroup(code, name, ind, tuple(items)) for code, (name, ind, items) in groups.items())


def measures_by_status(assessment: Assessment) -> tuple[tuple[StatusCount, ...], int]:
    """Every status with its count (zero included, the status choices' order) and the total."""
    counts = dict(
        Measure.objects.filter(assessment=assessment)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = tuple(
        StatusCount(value, str(label), counts.get(value, 0)) for value, label in MeasureStatus.choices
    )
    return rows, sum(counts.values())


def measures_by_round(assessment: Assessment, today: date) -> tuple[RoundCount, ...]:
    """The rounds some measure of the year is checked at, with counts: one query."""
    reported = ProgressReport.objects.filter(round=OuterRef("pk"), is_current=True)
    rows = (
        MonitoringRound.objects.filter(measure__assessment=assessment)
        .annotate(has_report=Exists(reported))
        .values("month")
        .annotate(
            measures=Count("pk"),
            reported=Count("pk", filter=Q(has_report=True)),
            overdue=Count(
                "pk",
                filter=Q(has_report=False, due_date__lt=today) & ~Q(measure__status=MeasureStatus.CANCELLED),
            ),
        )
        .order_by("month")
    )
    labels = dict(RoundMonth.choices)
    return tuple(
        RoundCount(
            r["month"], str(labels.get(r["month"], r["month"])), r["measures"], r["reported"], r["overdue"]
        )
        for r in rows
    )


def memos_waiting(user: Any, assessment: Assessment) -> tuple[list[Memo], list[Memo]]:
    """The year's memos waiting for this user's decision, and those still in progress."""
    mine = list(
        inbox(user).filter(organization=assessment.organization_id, fiscal_year=assessment.fiscal_year)
    )
    going = list(
        _visible(Memo.objects.all(), user)
        .filter(
            organization=assessment.organization_id,
            fiscal_year=assessment.fiscal_year,
            status__in=MEMOS_IN_PROGRESS,
        )
        .select_related("unit", "author")
        .order_by("-updated_at")
    )
    return mine, going


def dashboard_for(user: Any, assessment: Assessment, today: date) -> Dashboard:
    by_status, total = measures_by_status(assessment)
    mine, going = memos_waiting(user, assessment)
    return Dashboard(
        assessment=assessment,
        analysis=selectors.analysis_of(assessment),
        failed_groups=failed_groups(assessment),
        measures_by_status=by_status,
        measures_by_round=measures_by_round(assessment, today),
        measure_count=total,
        letter_bands=BandScheme.objects.filter(framework=assessment.framework_id)
        .values_list("kind", flat=True)
        .first()
        != BandKind.PASS_FAIL,
        inbox=mine,
        in_progress=going,
        years=list(
            Assessment.objects.filter(organization=assessment.organization_id)
            .order_by("-fiscal_year")
            .values_list("pk", "fiscal_year")
        ),
    )


def chart_data(d: Dashboard) -> dict[str, Any]:
    """What the page's Chart.js charts draw (JSON beside the tables that show the same numbers)."""
    a = d.analysis

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    return {
        "tools": [
            {"label": f"{t.code} {t.name}", "weighted": num(t.weighted), "max": num(t.weight)}
            for t in a.data.tools
        ],
        "indicators": [{"label": f"{i.number}. {i.name}", "score": num(i.score)} for i in a.data.indicators],
        "strength_min": num(a.strength_min),
        "years": list(a.years),
        "trend": [
            {
                "label": f"{r.number}. {r.name}" if r.number is not None else _("Total"),
                "total": r.number is None,
                "scores": [num(s) for s in r.scores],
            }
            for r in a.comparison
        ],
    }
