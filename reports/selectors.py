"""Reads of the reports: the analysis's data, the narrative, the assessment a report is of.

The report documents (``reports.documents``) are rendered for an organization named in a
``ReportSpec`` and read only that organization's rows; views check the user's membership before
asking for one (``assessments.access``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assessments import scoring
from assessments.models import Assessment, DisclosureResult
from assessments.selectors import assessment_result, framework_structure

from . import analysis as pure
from .models import AnalysisNarrative


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def history_of(assessment: Assessment) -> tuple[pure.YearResult, ...]:
    """The organization's earlier years on record: the computed result, else the published total."""
    earlier = Assessment.objects.filter(
        organization=assessment.organization_id, fiscal_year__lt=assessment.fiscal_year
    ).order_by("fiscal_year")
    out = []
    for a in earlier.only(
        "fiscal_year",
        "computed_total",
        "computed_band",
        "computed_result",
        "published_total",
        "published_band",
    ):
        computed = a.computed_result or {}
        indicators = {int(n): Decimal(v) for n, v in computed.get("indicators", {}).items() if v is not None}
        tools = {
            code: Decimal(t["score"])
            for code, t in computed.get("tools", {}).items()
            if t.get("score") is not None
        }
        tools = tools or {code: Decimal(str(v)) for code, v in (a.published_tool_scores or {}).items() if v}
        total = a.computed_total if a.computed_total is not None else a.published_total
        band = a.computed_band or a.published_band
        if total is None and not indicators:
            continue
        out.append(pure.YearResult(a.fiscal_year, total, band, indicators, tools))
    return tuple(out)


def analysis_input(assessment: Assessment) -> pure.AnalysisInput:
    """Everything the analysis needs of one assessment, in a fixed number of queries."""
    structure = framework_structure(assessment.framework)
    framework = structure.scoring
    result = assessment_result(assessment)
    tools = tuple(
        pure.ToolScore(
            code=t.code,
            name=structure.tool_names.get(t.code, t.code),
            weight=t.weight,
            indicators=t.indicators,
            score=None if result.tools[t.code].score is None else scoring.round2(result.tools[t.code].score),
            weighted=None
            if result.tools[t.code].weighted is None
            else scoring.round2(result.tools[t.code].weighted),
        )
        for t in framework.tools
    )
    indicators = tuple(
        pure.IndicatorScore(
            number=ind.number,
            name=structure.indicator_names.get(ind.number, ""),
            tool=ind.tool,
            score=None
            if result.indicators[ind.number].score is None
            else scoring.round2(result.indicators[ind.number].score),
        )
        for ind in framework.indicators
    )
    failed = tuple(
        pure.FailedItem(r.item.code, r.item.name_th, r.item.indicator.number, r.item.indicator.tool.code)
        for r in DisclosureResult.objects.filter(assessment=assessment, passed=False)
        .select_related("item__indicator__tool")
        .order_by("item__order")
    )
    bands = pure.band_rows([(b.label, b.min_total) for b in framework.bands])
    return pure.AnalysisInput(
        organization=assessment.organization.name,
        year=assessment.fiscal_year,
        tools=tools,
        indicators=indicators,
        failed_items=failed,
        total=None if result.total is None else scoring.round2(result.total),
        band=result.band or "",
        passed=result.passed,
        pass_mark=framework.pass_mark,
        bands=bands,
        history=history_of(assessment),
        missing_indicators=result.missing_indicators,
    )


def analysis_of(assessment: Assessment) -> pure.Analysis:
    """The analysis of an assessment with its organization's thresholds (strengths, urgent
    weaknesses): every page, PDF and memo computes it here."""
    return pure.analyse(analysis_input(assessment), **assessment.organization.analysis_thresholds)


def narrative_of(assessment: Assessment) -> AnalysisNarrative | None:
    return AnalysisNarrative.objects.filter(assessment=assessment).first()


def assessment_of(organization_id: int, year: int) -> Assessment | None:
    return (
        Assessment.objects.filter(organization_id=organization_id, fiscal_year=year)
        .select_related("organization", "framework")
        .first()
    )
