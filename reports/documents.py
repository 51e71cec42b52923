"""The reports a memo carries, as HTML fragments and PDFs: the one interface of the reports app.

A report is named by a :class:`ReportSpec` (kind, organization, Buddhist-era fiscal year, and the
round or layout where the kind needs one). The memo (``memos``) and the pages and the command
``render_report`` all go through the functions here:

* ``report_title(spec)``: the Thai title;
* ``render_fragment(spec, thai_digits=...)``: a self-contained HTML fragment (no ``<html>``; charts
  inline as SVG) meant for a document that extends ``reports/pdf_base.html``;
* ``render_report_pdf(spec, thai_digits=...)``: the report alone as a PDF (``render_reports_pdf``:
  several in one);
* ``report_facts(spec)``: the facts a memo drafts its text from (keys in ``report_facts``);
* ``available_reports(organization, year)``: what can be attached.

These read the organization named in the spec and nothing else, without a user: callers check that
the user is a member first (``assessments.access``). Missing data raises :class:`ReportUnavailable`
with a Thai message. Documents are written in Thai whatever the page's language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Assessment, Organization
from ita_portal import thai
from measures.display import measure_row
from measures.listing import Group, group_rows, groups_once
from measures.models import Measure, ProgressReport
from measures.rounds import ROUND_MONTHS, round_period
from measures.selectors import measures_for_system

from . import analysis, charts, narrative, selectors
from .pdf import html_to_pdf

KINDS = ("analysis", "measures", "progress")

#: Names of the measures layouts as the command line and memos may write them -> ``measures.listing``.
LAYOUT_NAMES = {
    "number": "number",
    "numbered": "number",
    "tool": "tool",
    "by-tool": "tool",
    "indicator": "tool",
    "by-indicator": "tool",
    "item": "item",
    "by-item": "item",
    "o-item": "item",
    "by-o-item": "item",
    "unit": "unit",
    "by-unit": "unit",
}


class ReportUnavailable(Exception):
    """The data a report needs is missing; ``message_th`` says what, in Thai, for the user."""

    def __init__(self, message_th: str):
        super().__init__(message_th)
        self.message_th = message_th


@dataclass(frozen=True)
class ReportSpec:
    kind: str  # "analysis" | "measures" | "progress"
    organization_id: int
    year: int  # Buddhist-era fiscal year, e.g. 2565
    round_months: int | None = None  # progress: 3, 6, 9 or 12 (measures.rounds.ROUND_MONTHS)
    layout: str | None = None  # measures/progress: a name of LAYOUT_NAMES; None = numbered

    @property
    def layout_key(self) -> str:
        """The ``measures.listing`` layout ("number", "tool", "item", "unit")."""
        return LAYOUT_NAMES.get(self.layout or "number", "number")


def normalize_layout(name: str | None) -> str | None:
    """The ``measures.listing`` layout of a name ("by-indicator" -> "tool"), None if unknown."""
    return LAYOUT_NAMES.get((name or "number").strip().lower())


# --------------------------------------------------------------------------- digits


_DIGITS_IN_TEXT = re.compile(r"(<style\b.*?</style>|<[^>]*>|&#?\w+;)|(\d+)", re.S)


def thai_digits_html(html: str) -> str:
    """Thai digits in the text of an HTML fragment: tags, attributes, character references and
    ``<style>`` blocks keep theirs (an SVG's coordinates stay numbers)."""
    return _DIGITS_IN_TEXT.sub(lambda m: m.group(1) or thai.thai_digits(m.group(2)), html)


# --------------------------------------------------------------------------- reading the data


def _organization(spec: ReportSpec) -> Organization:
    org = Organization.objects.filter(pk=spec.organization_id).first()
    if org is None:
        raise ReportUnavailable(_("The organization does not exist."))
    return org


def _assessment(spec: ReportSpec) -> Assessment:
    found = selectors.assessment_of(spec.organization_id, spec.year)
    if found is None:
        raise ReportUnavailable(
            _("There is no assessment of fiscal year %(year)s for this organization.") % {"year": spec.year}
        )
    return found


def _check(spec: ReportSpec) -> None:
    if spec.kind not in KINDS:
        raise ReportUnavailable(_("Unknown kind of report: %(kind)s.") % {"kind": spec.kind})
    if spec.layout is not None and normalize_layout(spec.layout) is None:
        raise ReportUnavailable(_("Unknown layout of measures: %(layout)s.") % {"layout": spec.layout})
    if spec.kind == "progress" and spec.round_months not in ROUND_MONTHS:
        raise ReportUnavailable(_("A progress report needs a round of 3, 6, 9 or 12 months."))


def _measures(assessment: Assessment) -> list[Measure]:
    measures = list(measures_for_system(assessment))
    for m in measures:
        m.assessment = assessment
    return measures


def _round_report(measure: Measure, month: int) -> tuple[bool, ProgressReport | None]:
    """Whether the measure has the round in its plan, and the round's current report."""
    for r in measure.monitoring_rounds.all():
        if r.month == month:
            return True, (r.current_reports[0] if r.current_reports else None)
    return False, None


def round_label(month: int) -> str:
    return _("round of %(months)s months") % {"months": month}


def _period(org: Organization, year: int, month: int) -> tuple[str, str]:
    """The round's period short ("ต.ค. 64 – มี.ค. 65") and long ("ตุลาคม 2564 – มีนาคม 2565")."""
    start, end = round_period(year, month)
    digits = "thai" if org.thai_digits else "arabic"
    short = thai.format_period(start, end, digits=digits)
    long = f"{thai.format_date(start, 'month_long')} – {thai.format_date(end, 'month_long')}"
    return short, long


# --------------------------------------------------------------------------- titles


def report_title(spec: ReportSpec) -> str:
    """The report's Thai title, e.g. "รายงานผลการดำเนินการตามมาตรการ ... รอบ 6 เดือน"."""
    with translation.override("th"):
        return _title(spec)


def _title(spec: ReportSpec) -> str:
    year = {"year": spec.year}
    if spec.kind == "analysis":
        return (
            _(
                "Analysis of the results of the Integrity and Transparency Assessment (ITA), "
                "fiscal year B.E. %(year)s"
            )
            % year
        )
    if spec.kind == "measures":
        return (
            _("Measures to promote integrity and transparency within the agency, fiscal year B.E. %(year)s")
            % year
        )
    if spec.kind == "progress":
        return _(
            "Report on the measures to promote integrity and transparency within the agency, "
            "fiscal year B.E. %(year)s, %(round)s"
        ) % {**year, "round": round_label(spec.round_months or 0)}
    raise ReportUnavailable(_("Unknown kind of report: %(kind)s.") % {"kind": spec.kind})


# --------------------------------------------------------------------------- contexts


@dataclass
class AnalysisContext:
    """What the analysis fragment shows (also the live page's)."""

    analysis: analysis.Analysis
    texts: dict[str, str]
    edited: set[str] = field(default_factory=set)
    measure_count: int = 0


def analysis_context(assessment: Assessment) -> AnalysisContext:
    a = selectors.analysis_of(assessment)
    count = Measure.objects.filter(assessment=assessment).count()
    drafted = narrative.draft(a, measure_count=count)
    stored = selectors.narrative_of(assessment)
    edited = stored.edited() if stored else {}
    return AnalysisContext(a, narrative.merged(drafted, edited), set(edited), count)


def analysis_charts(a: analysis.Analysis) -> dict[str, str]:
    """The analysis's charts as SVG (the PDFs' counterparts of the dashboard's Chart.js charts):
    ``tools`` weighted tool scores against their weights, ``indicators`` each indicator against the
    strength threshold, and with an earlier year on record ``years`` (total and tools) and ``trend``
    (total and each indicator)."""
    bars = [(f"{i.number}. {i.name}", i.score) for i in a.data.indicators]
    out = {
        "tools": charts.weighted_bar_chart(
            [(f"{t.code} {t.name}", t.weighted, t.weight) for t in a.data.tools],
            title=_("Weighted score of each tool"),
        ),
        "indicators": charts.bar_chart(bars, title=_("Score of each indicator"), threshold=a.strength_min),
    }
    if len(a.years) > 1:
        series = [(_("Total"), a.comparison[-1].scores), *analysis.tool_series(a.data)]
        out["years"] = charts.year_chart(a.years, series, title=_("Scores by year"))
        trend = [(_("Total"), a.comparison[-1].scores)]
        trend += [(str(row.number), row.scores) for row in a.comparison if row.number is not None]
        out["trend"] = charts.year_chart(a.years, trend, title=_("Total and indicators by year"), height=230)
    return out


def _fragment_context(spec: ReportSpec) -> dict[str, Any]:
    org = _organization(spec)
    assessment = _assessment(spec)
    ctx: dict[str, Any] = {
        "spec": spec,
        "organization": org,
        "assessment": assessment,
        "title": _title(spec),
        "as_of": thai.format_date(timezone.localdate(), "long"),
    }
    if spec.kind == "analysis":
        data = analysis_context(assessment)
        ctx.update(a=data.analysis, texts=data.texts, charts=analysis_charts(data.analysis))
        return ctx
    measures = _measures(assessment)
    today = timezone.localdate()
    rows = [measure_row(m, m.monitoring_rounds.all(), today) for m in measures]
    if spec.kind == "progress":
        month = spec.round_months or 0
        rows = [r for r in rows if _round_report(r.measure, month)[0]]
        if not rows:
            raise ReportUnavailable(
                _("No measure of fiscal year %(year)s is checked at the %(round)s.")
                % {"year": spec.year, "round": round_label(month)}
            )
        for r in rows:
            r.report = _round_report(r.measure, month)[1]
        ctx["period"], ctx["period_long"] = _period(org, spec.year, month)
        ctx["round_label"] = round_label(month)
    elif not rows:
        raise ReportUnavailable(_("Fiscal year %(year)s has no measures yet.") % {"year": spec.year})
    groups: list[Group] = groups_once(group_rows(rows, spec.layout_key, assessment))
    ctx["groups"] = groups
    ctx["facts"] = _facts_of_rows(spec, rows)
    return ctx


def render_fragment(spec: ReportSpec, *, thai_digits: bool) -> str:
    """The report as a self-contained HTML fragment (see the module docstring)."""
    _check(spec)
    with translation.override("th"):
        ctx = _fragment_context(spec)
        html = render_to_string(f"reports/_{spec.kind}.html", ctx)
    return thai_digits_html(html) if thai_digits else html


def report_document_html(specs: list[ReportSpec], *, thai_digits: bool) -> str:
    """Reports one after another as one complete HTML document (``reports/pdf_base.html``), each
    from a new page; titled by the first report, with the organization as author."""
    if not specs:
        raise ValueError("no report to render")
    fragments = [render_fragment(spec, thai_digits=thai_digits) for spec in specs]
    org = _organization(specs[0])
    title = report_title(specs[0])
    return render_to_string(
        "reports/report_pdf.html",
        {
            "fragments": fragments,
            "title": thai_digits_html(title) if thai_digits else title,
            "author": org.name,
        },
    )


def render_report_pdf(spec: ReportSpec, *, thai_digits: bool) -> bytes:
    """The report alone as a PDF: ``reports/pdf_base.html`` around the fragment, titled, with the
    organization as author."""
    return html_to_pdf(report_document_html([spec], thai_digits=thai_digits))


def render_reports_pdf(specs: list[ReportSpec], *, thai_digits: bool) -> bytes:
    """Several reports in one PDF (e.g. the analysis and the measures plan, the evidence of O42)."""
    return html_to_pdf(report_document_html(specs, thai_digits=thai_digits))


# --------------------------------------------------------------------------- facts


def _facts_of_rows(spec: ReportSpec, rows: list) -> dict[str, Any]:
    statuses = Counter(r.measure.get_status_display() for r in rows)
    facts: dict[str, Any] = {"measure_count": len(rows), "measures_by_status": dict(statuses)}
    if spec.kind == "progress":
        reports = [r.report for r in rows if getattr(r, "report", None) is not None]
        facts["reported_count"] = len(reports)
        facts["percent_mean"] = (
            (Decimal(sum(r.percent for r in reports)) / len(reports)).quantize(Decimal("0.01"))
            if reports
            else None
        )
    return facts


def report_facts(spec: ReportSpec) -> dict[str, Any]:
    """Facts a memo drafts its text from. Every key is present for every kind (None or empty when it
    does not apply); numbers as two-decimal strings with Arabic digits:

    - ``kind``, ``title`` (Thai), ``organization`` (name), ``year`` (int, B.E.);
    - ``total`` ("87.86" or None when incomplete), ``band`` ("A" or ""), ``passed`` (bool or None),
      ``pass_mark`` ("85.00" or None), ``complete`` (bool): the assessment's result;
    - ``strengths`` / ``weaknesses``: lists of "ตัวชี้วัดที่ 1 การปฏิบัติหน้าที่ (88.81)";
    - ``failed_items``: list of "O12 ..." (O-items not passed);
    - ``measure_count`` (int: measures of the year, or of the round for ``progress``),
      ``measures_by_status`` ({Thai status label: count});
    - ``round_months`` (int or None), ``round_label`` ("รอบ 6 เดือน" or ""), ``period``
      ("ต.ค. 64 – มี.ค. 65" in the organization's digits, or ""), ``period_long``
      ("ตุลาคม 2564 – มีนาคม 2565" or ""), ``reported_count`` (measures with a report of the round,
      or None), ``percent_mean`` (mean percent complete of those reports, "62.50", or None).
    """
    _check(spec)
    with translation.override("th"):
        org = _organization(spec)
        assessment = _assessment(spec)
        a = selectors.analysis_of(assessment)

        def line(i: analysis.IndicatorScore) -> str:
            return _("indicator %(number)s %(name)s (%(score)s)") % {
                "number": i.number,
                "name": i.name,
                "score": f"{i.score:.2f}",
            }

        facts: dict[str, Any] = {
            "kind": spec.kind,
            "title": _title(spec),
            "organization": org.name,
            "year": spec.year,
            "total": None if a.data.total is None else f"{a.data.total:.2f}",
            "band": a.data.band,
            "passed": a.data.passed,
            "pass_mark": None if a.data.pass_mark is None else f"{a.data.pass_mark:.2f}",
            "complete": a.complete,
            "strengths": [line(i) for i in a.strengths],
            "weaknesses": [line(i) for i in a.weaknesses],
            "failed_items": [f"{f.code} {f.name}" for f in a.data.failed_items],
            "measure_count": Measure.objects.filter(assessment=assessment).count(),
            "measures_by_status": {},
            "round_months": None,
            "round_label": "",
            "period": "",
            "period_long": "",
            "reported_count": None,
            "percent_mean": None,
        }
        if spec.kind in ("measures", "progress"):
            ctx = _fragment_context(spec)
            facts.update(ctx["facts"])
            if facts["percent_mean"] is not None:
                facts["percent_mean"] = str(facts["percent_mean"])
        if spec.kind == "progress":
            facts["round_months"] = spec.round_months
            facts["round_label"] = round_label(spec.round_months or 0)
            facts["period"], facts["period_long"] = _period(org, spec.year, spec.round_months or 0)
    return facts


# --------------------------------------------------------------------------- what can be attached


def available_reports(organization: Organization, year: int) -> list[ReportSpec]:
    """The reports of a year that have their data: the analysis (the year is assessed), the measures
    plan (it has measures), and a progress report per round some measure is checked at."""
    assessment = selectors.assessment_of(organization.pk, year)
    if assessment is None:
        return []
    specs = [ReportSpec("analysis", organization.pk, year)]
    measures = Measure.objects.filter(assessment=assessment)
    if measures.exists():
        specs.append(ReportSpec("measures", organization.pk, year))
        months = measures.values_list("monitoring_rounds__month", flat=True).distinct()
        for month in sorted({m for m in months if m is not None}):
            specs.append(ReportSpec("progress", organization.pk, year, round_months=month))
    return specs
