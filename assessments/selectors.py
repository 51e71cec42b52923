"""Reads: always for a user where the data belongs to an organization (STYLE.md §2-3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from . import scoring
from .models import (
    AnswerKind,
    Assessment,
    Band,
    BandScheme,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    Organization,
    Tool,
)

# --------------------------------------------------------------------------- frameworks


def framework_latest(fiscal_year: int) -> FrameworkVersion | None:
    """The newest published revision of a year: what a new assessment of that year uses."""
    return (
        FrameworkVersion.objects.filter(fiscal_year=fiscal_year, published_at__isnull=False)
        .order_by("-revision")
        .first()
    )


def framework_next_revision(fiscal_year: int) -> int:
    """The number a new revision of the year gets (after every revision, drafts included)."""
    latest = FrameworkVersion.objects.filter(fiscal_year=fiscal_year).order_by("-revision").first()
    return 1 if latest is None else latest.revision + 1


def framework_years() -> list[int]:
    """Fiscal years that have a published framework, newest first."""
    years = FrameworkVersion.objects.filter(published_at__isnull=False).values_list("fiscal_year", flat=True)
    return sorted(set(years), reverse=True)


@dataclass(frozen=True)
class FrameworkStructure:
    """What scoring and the entry pages need of a version, read once and kept per process.

    A version that assessments use never changes (the loader and the admin refuse; corrections are
    new revisions), so keeping it is safe; the key includes the creation time, so a version deleted
    and loaded again is read afresh. ``framework_structure_forget`` drops one after an edit of an
    unused version.
    """

    scoring: scoring.Framework
    indicator_ids: Mapping[int, int]
    indicator_names: Mapping[int, str]
    tool_names: Mapping[str, str]
    question_ids: Mapping[str, int]
    disclosure_ids: Mapping[str, int]


_STRUCTURES: dict[tuple[int, Any], FrameworkStructure] = {}
_STRUCTURES_MAX = 64


def framework_structure(version: FrameworkVersion) -> FrameworkStructure:
    key = (version.pk, version.created_at)
    found = _STRUCTURES.get(key)
    if found is None:
        found = _framework_structure_read(version)
        if len(_STRUCTURES) >= _STRUCTURES_MAX:
            _STRUCTURES.clear()
        _STRUCTURES[key] = found
    return found


def framework_structure_forget(version: FrameworkVersion | None = None) -> None:
    """Forget the kept structure of one version (or of all): call after editing its rows."""
    for key in [k for k in _STRUCTURES if version is None or k[0] == version.pk]:
        _STRUCTURES.pop(key, None)


def framework_for_scoring(version: FrameworkVersion) -> scoring.Framework:
    """The scoring module's view of a version, read from its rows (admin corrections included)."""
    return framework_structure(version).scoring


def _framework_structure_read(version: FrameworkVersion) -> FrameworkStructure:
    tools = list(Tool.objects.filter(framework=version).order_by("order"))
    indicators = list(Indicator.objects.filter(framework=version).order_by("number"))
    items = list(Item.objects.filter(framework=version).select_related("sub_indicator").order_by("order"))
    bands = list(Band.objects.filter(scheme__framework=version).order_by("order"))
    scheme = BandScheme.objects.filter(framework=version).first()

    survey: dict[int, list[str]] = defaultdict(list)
    subs: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for item in items:
        if item.sub_indicator_id:
            subs[item.indicator_id].setdefault(item.sub_indicator.code, []).append(item.code)
        else:
            survey[item.indicator_id].append(item.code)
    tool_codes = {t.pk: t.code for t in tools}
    indicator_defs = tuple(
        scoring.IndicatorDef(
            number=ind.number,
            tool=tool_codes[ind.tool_id],
            items=tuple(survey.get(ind.pk, ())),
            sub_indicators=tuple(
                scoring.SubIndicatorDef(code, tuple(codes)) for code, codes in subs.get(ind.pk, {}).items()
            ),
        )
        for ind in indicators
    )

    def band_defs(rows: list[Band]) -> tuple[scoring.BandDef, ...]:
        return tuple(scoring.BandDef(b.label, b.min_total, b.passed, b.min_each_tool) for b in rows)

    framework = scoring.Framework(
        fiscal_year=version.fiscal_year,
        tools=tuple(
            scoring.ToolDef(t.code, t.weight, tuple(i.number for i in indicators if i.tool_id == t.pk))
            for t in tools
        ),
        indicators=indicator_defs,
        bands=band_defs([b for b in bands if not b.is_sub_level]),
        pass_mark=scheme.pass_mark if scheme else None,
        sub_levels=band_defs([b for b in bands if b.is_sub_level]),
    )
    return FrameworkStructure(
        scoring=framework,
        indicator_ids={i.number: i.pk for i in indicators},
        indicator_names={i.number: i.name_th for i in indicators},
        tool_names={t.code: t.name_th for t in tools},
        question_ids={i.code: i.pk for i in items if i.kind == AnswerKind.SURVEY},
        disclosure_ids={i.code: i.pk for i in items if i.kind == AnswerKind.DISCLOSURE},
    )


def framework_definition(version: FrameworkVersion) -> dict[str, Any]:
    """A version as a definition file (the shape load_framework reads), from its current rows."""
    scheme = version.band_scheme
    bands = list(scheme.bands.all())

    def band_json(b: Band) -> dict[str, Any]:
        out: dict[str, Any] = {"label": b.label, "min": str(b.min_total), "passed": b.passed}
        if b.min_each_tool is not None:
            out["min_each_tool"] = str(b.min_each_tool)
        return out

    band_scheme: dict[str, Any] = {
        "kind": scheme.kind,
        "bands": [band_json(b) for b in bands if not b.is_sub_level],
    }
    if scheme.pass_mark is not None:
        band_scheme["pass_mark"] = str(scheme.pass_mark)
    levels = [band_json(b) for b in bands if b.is_sub_level]
    if levels:
        band_scheme["sub_levels"] = {"status": scheme.sub_levels_note, "levels": levels}

    def item_json(item: Item) -> dict[str, Any]:
        out: dict[str, Any] = {"code": item.code, "name_th": item.name_th, "answer": item.answer_scale.code}
        if item.polarity:
            out["polarity"] = item.polarity
        if item.concept:
            out["concept"] = item.concept
        if item.replaces_concepts:
            out["replaces_concepts"] = list(item.replaces_concepts)
        elements = list(item.elements.all())
        if elements:
            out["elements"] = [e.text for e in elements]
            sources = {e.source for e in elements if e.source}
            if sources:
                out["elements_source"] = "; ".join(sorted(sources))
        return out

    tools = []
    for tool in version.tools.all().prefetch_related("indicators"):
        indicators = []
        for ind in tool.indicators.all():
            node: dict[str, Any] = {"number": ind.number, "name_th": ind.name_th}
            subs = list(ind.sub_indicators.all())
            if subs:
                node["sub_indicators"] = [
                    {
                        "code": sub.code,
                        "name_th": sub.name_th,
                        **({"grouping_status": sub.grouping_status} if sub.grouping_status else {}),
                        "groups": [
                            {"name_th": g.name_th, "items": [item_json(i) for i in g.items.all()]}
                            for g in sub.groups.all()
                        ],
                    }
                    for sub in subs
                ]
            else:
                node["items"] = [item_json(i) for i in ind.items.all()]
            indicators.append(node)
        tools.append(
            {"code": tool.code, "name_th": tool.name_th, "weight": str(tool.weight), "indicators": indicators}
        )

    return {
        "fiscal_year": version.fiscal_year,
        "name_th": version.name_th,
        "status": version.status,
        "notes": version.notes,
        "band_scheme": band_scheme,
        "answer_scales": {
            s.code: {"values": {o.label: str(o.score) for o in s.options.all()}, "status": s.status_note}
            for s in version.answer_scales.all()
        },
        "aggregation": version.definition.get("aggregation", {}),
        "tools": tools,
    }


# --------------------------------------------------------------------------- organizations, assessments


def organizations_for_user(user: Any) -> QuerySet[Organization]:
    return Organization.objects.for_user(user).order_by("name")


def assessments_for_user(user: Any) -> QuerySet[Assessment]:
    return (
        Assessment.objects.for_user(user)
        .select_related("organization", "framework")
        .order_by("organization__name", "-fiscal_year")
    )


def assessments_for_itas_export(user: Any) -> QuerySet[Assessment]:
    """What the ITAS-layout export may hold: the user's organizations' assessments; site staff, all."""
    qs = (
        Assessment.objects.all()
        if user.is_authenticated and user.is_staff
        else Assessment.objects.for_user(user)
    )
    return qs.select_related("organization", "framework").order_by("organization__name", "-fiscal_year")


def organization_for_itas_export(user: Any, pk: int) -> Organization:
    """One organization whose results the user may export (404 otherwise; site staff, any)."""
    qs = Organization.objects.all() if user.is_staff else Organization.objects.for_user(user)
    return get_object_or_404(qs, pk=pk)


def indicators_of(assessment: Assessment) -> list[Indicator]:
    return list(
        Indicator.objects.filter(framework=assessment.framework_id).select_related("tool").order_by("number")
    )


def tools_of(assessment: Assessment) -> list[Tool]:
    return list(Tool.objects.filter(framework=assessment.framework_id).order_by("order"))


def survey_items_of(assessment: Assessment) -> list[Item]:
    return list(
        Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.SURVEY)
        .select_related("indicator")
        .order_by("order")
    )


def indicator_scores_entered(assessment: Assessment) -> dict[int, Decimal]:
    return dict(assessment.indicator_scores.values_list("indicator__number", "score"))


def question_scores_entered(assessment: Assessment) -> dict[str, Decimal]:
    return dict(assessment.question_scores.values_list("item__code", "score"))


def assessment_inputs(assessment: Assessment) -> scoring.ScoreInputs:
    """Everything entered for an assessment, in the scoring module's terms (three queries)."""
    return scoring.ScoreInputs(
        indicator_scores=indicator_scores_entered(assessment),
        question_scores=question_scores_entered(assessment),
        oit_items={
            code: passed
            for code, passed in assessment.disclosures.values_list("item__code", "passed")
            if passed is not None
        },
    )


def assessment_result(assessment: Assessment) -> scoring.ScoreResult:
    """A fresh computation from what is entered (the framework's structure is kept per process)."""
    return scoring.score(framework_for_scoring(assessment.framework), assessment_inputs(assessment))


@dataclass
class GroupRows:
    name_th: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SubIndicatorRows:
    code: str
    name_th: str
    indicator_number: int
    groups: list[GroupRows] = field(default_factory=list)


def disclosure_rows(assessment: Assessment) -> list[SubIndicatorRows]:
    """O-items of the assessment grouped by sub-indicator and heading, each with what is entered.

    A fixed number of queries whatever the number of items or results.
    """
    results = {r.item_id: r for r in assessment.disclosures.all()}
    items = (
        Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE)
        .select_related("sub_indicator__indicator", "group")
        .prefetch_related(Prefetch("elements", queryset=ItemElement.objects.order_by("order")))
        .order_by("order")
    )
    subs: dict[int, SubIndicatorRows] = {}
    for item in items:
        sub = item.sub_indicator
        block = subs.setdefault(sub.pk, SubIndicatorRows(sub.code, sub.name_th, sub.indicator.number))
        heading = item.group.name_th if item.group else ""
        if not block.groups or block.groups[-1].name_th != heading:
            block.groups.append(GroupRows(heading))
        block.groups[-1].rows.append(disclosure_row(item, results.get(item.pk)))
    return list(subs.values())


def disclosure_row(item: Item, result: Any) -> dict[str, Any]:
    """What one O-item row shows: the item and its saved result (passed is None when undecided)."""
    return {
        "item": item,
        "result": result,
        "passed": None if result is None else result.passed,
        "result_value": {True: "pass", False: "fail"}.get(None if result is None else result.passed, ""),
        "urls_text": "\n".join(result.urls) if result else "",
        "note": result.note if result else "",
        "errors": [],
    }


def result_panel(assessment: Assessment, result: scoring.ScoreResult) -> dict[str, Any]:
    """The result panel's rows: two-decimal strings, names, sources and what is missing."""
    structure = framework_structure(assessment.framework)
    indicator_names, tool_names = structure.indicator_names, structure.tool_names
    rows = []
    for number, r in sorted(result.indicators.items()):
        rows.append(
            {
                "number": number,
                "name": indicator_names.get(number, ""),
                "tool": r.tool,
                "score": scoring.fmt2(r.score),
                "source": r.source,
                "entered": scoring.fmt2(r.entered),
                "disagrees": r.disagrees_with_entered,
                "missing_items": r.missing_items if r.partly_answered else (),
                "item_range": (r.missing_items[0], r.missing_items[-1]) if r.missing_items else None,
                "sub_scores": [(code, scoring.fmt2(v)) for code, v in r.sub_scores.items()],
            }
        )
    missing = [row for row in rows if row["number"] in result.missing_indicators]
    published_total = assessment.published_total
    total = scoring.fmt2(result.total)
    return {
        "complete": result.complete,
        "total": total,
        "band": result.band,
        "sub_level": result.sub_level,
        "passed": result.passed,
        "tools": [
            {
                "code": code,
                "name": tool_names.get(code, code),
                "score": scoring.fmt2(t.score),
                "weight": t.weight.normalize(),
                "weighted": scoring.fmt2(t.weighted),
                "source": t.source,
                "published": assessment.published_tool_scores.get(code),
            }
            for code, t in result.tools.items()
        ],
        "indicators": rows,
        "missing": missing,
        "published_total": None if published_total is None else str(published_total),
        "published_band": assessment.published_band,
        "published_differs": scoring.published_differs(
            published_total, result.total, assessment.published_band, result.band
        ),
    }
