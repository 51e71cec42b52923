"""The reports a memo carries, seen from the memo: which ones exist, their titles, their facts (for
the drafted text), their HTML fragments (frozen at submission) and the progress report versions they
quote (locked at final approval).

The reports themselves are the reports app's (``reports.documents``); this module is the one place
memos talk to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from assessments.models import Organization
from ita_portal import thai
from measures.models import Measure, ProgressReport
from measures.rounds import round_period

from .models import AttachmentKind


class AttachmentUnavailable(Exception):
    """The report cannot be produced (no assessment of that year, no such round, ...)."""


@dataclass(frozen=True)
class AttachmentSpec:
    """What to render: the kind of report, the organization and year, the round or the layout."""

    kind: str
    organization_id: int
    fiscal_year: int
    round_months: int | None = None
    layout: str = ""

    @property
    def key(self) -> str:
        """How a form names it: "progress:2565:6", "measures:2565::by-indicator"."""
        return f"{self.kind}:{self.fiscal_year}:{self.round_months or ''}:{self.layout}"

    @classmethod
    def from_key(cls, key: str, organization_id: int) -> AttachmentSpec:
        try:
            kind, year, months, layout = key.split(":", 3)
            spec = cls(kind, organization_id, int(year), int(months) if months else None, layout)
        except ValueError as exc:
            raise AttachmentUnavailable(_("Unknown report.")) from exc
        if kind not in AttachmentKind.values:
            raise AttachmentUnavailable(_("Unknown report."))
        return spec


def _measures(spec: AttachmentSpec):
    return Measure.objects.filter(
        organization_id=spec.organization_id, assessment__fiscal_year=spec.fiscal_year
    ).order_by("number")


def _period(spec: AttachmentSpec, digits: str) -> str:
    start, end = round_period(spec.fiscal_year, spec.round_months or 12)
    return thai.format_period(start, end, digits=digits)


def title(spec: AttachmentSpec, *, digits: str = "arabic") -> str:
    year = thai.thai_digits(spec.fiscal_year) if digits == "thai" else str(spec.fiscal_year)
    if spec.kind == AttachmentKind.PROGRESS:
        return _(
            "Progress report on the measures to promote integrity and transparency, fiscal year "
            "%(year)s, %(months)s-month round (%(period)s)"
        ) % {
            "year": year,
            "months": thai.thai_digits(spec.round_months) if digits == "thai" else spec.round_months,
            "period": _period(spec, digits),
        }
    if spec.kind == AttachmentKind.MEASURES:
        return _("Measures to promote integrity and transparency, fiscal year %(year)s") % {"year": year}
    return _("Analysis of the ITA results, fiscal year %(year)s") % {"year": year}


def available(organization: Organization, fiscal_year: int) -> list[AttachmentSpec]:
    """The reports of a year the organization can attach (a progress report per round with a report)."""
    months = sorted(
        set(
            ProgressReport.objects.filter(
                organization=organization, measure__assessment__fiscal_year=fiscal_year, is_current=True
            ).values_list("round__month", flat=True)
        )
    )
    return [AttachmentSpec(AttachmentKind.PROGRESS, organization.pk, fiscal_year, m) for m in months]


def progress_report_ids(spec: AttachmentSpec) -> list[int]:
    """The current report versions a progress report quotes (locked when the memo is approved)."""
    if spec.kind != AttachmentKind.PROGRESS:
        return []
    return sorted(
        ProgressReport.objects.filter(
            organization_id=spec.organization_id,
            measure__assessment__fiscal_year=spec.fiscal_year,
            round__month=spec.round_months,
            is_current=True,
        ).values_list("pk", flat=True)
    )


def facts(spec: AttachmentSpec) -> dict[str, Any]:
    """Figures the memo's drafted text quotes."""
    measures = _measures(spec)
    reported = len(progress_report_ids(spec))
    return {"kind": spec.kind, "measures": measures.count(), "reported": reported}


def render_fragment(spec: AttachmentSpec, *, thai_digits: bool) -> str:
    """The report as an HTML fragment to follow the memo in its PDF."""
    digits = "thai" if thai_digits else "arabic"
    if spec.kind != AttachmentKind.PROGRESS or not spec.round_months:
        raise AttachmentUnavailable(_("This report cannot be attached yet."))
    rows = []
    reports = {
        r.measure_id: r
        for r in ProgressReport.objects.filter(pk__in=progress_report_ids(spec)).select_related("round")
    }
    for measure in _measures(spec).prefetch_related("units"):
        report = reports.get(measure.pk)
        rows.append({"measure": measure, "report": report})
    if not rows:
        raise AttachmentUnavailable(_("The organization has no measures in this fiscal year."))
    return render_to_string(
        "memos/_progress_fragment.html",
        {"title": title(spec, digits=digits), "rows": rows, "thai_digits": thai_digits},
    )
