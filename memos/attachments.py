"""The reports a memo carries, seen from the memo: the one place memos talk to ``reports.documents``.

A memo names its reports as (kind, fiscal year, round, layout) rows; this module turns them into the
reports app's ``ReportSpec`` and asks it for titles, facts (for the drafted text), HTML fragments
(frozen at submission) and what can be attached. It adds what only memos need: the progress report
versions a progress report quotes (locked when the memo is approved) and the key a form names a
report by.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assessments.models import Organization
from measures.models import ProgressReport
from reports.documents import (
    ReportSpec,
    ReportUnavailable,
    available_reports,
    render_fragment,
    report_facts,
    report_title,
)

from .models import AttachmentKind

__all__ = [
    "ReportSpec",
    "ReportUnavailable",
    "available",
    "facts",
    "from_key",
    "key_of",
    "progress_report_ids",
    "render_fragment",
    "spec_of",
    "title",
]


def spec_of(organization_id: int, kind: str, year: int, round_months: int | None, layout: str) -> ReportSpec:
    """The reports app's name of a memo's attachment row (an empty layout is the default one)."""
    return ReportSpec(kind, organization_id, year, round_months=round_months, layout=layout or None)


def key_of(spec: ReportSpec) -> str:
    """How a form names a report: "progress:2565:6:", "measures:2565::by-indicator"."""
    return f"{spec.kind}:{spec.year}:{spec.round_months or ''}:{spec.layout or ''}"


def from_key(key: str, organization_id: int) -> ReportSpec:
    try:
        kind, year, months, layout = key.split(":", 3)
        spec = spec_of(organization_id, kind, int(year), int(months) if months else None, layout)
    except ValueError as exc:
        raise ReportUnavailable(_("Unknown report.")) from exc
    if kind not in AttachmentKind.values:
        raise ReportUnavailable(_("Unknown report."))
    return spec


def title(spec: ReportSpec) -> str:
    return report_title(spec)


def facts(spec: ReportSpec) -> dict[str, Any]:
    return report_facts(spec)


def available(organization: Organization, fiscal_year: int) -> list[ReportSpec]:
    return available_reports(organization, fiscal_year)


def progress_report_ids(spec: ReportSpec) -> list[int]:
    """The current report versions a progress report quotes (locked when the memo is approved)."""
    if spec.kind != AttachmentKind.PROGRESS:
        return []
    return sorted(
        ProgressReport.objects.filter(
            organization_id=spec.organization_id,
            measure__assessment__fiscal_year=spec.year,
            round__month=spec.round_months,
            is_current=True,
        ).values_list("pk", flat=True)
    )
