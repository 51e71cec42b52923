"""The planner for an assessment and for ``ita_score --target``: reads only (nothing here writes).

The arithmetic is ``assessments.planner`` (pure); this module adds the assessment's data, names and
the Thai wording of a bad target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from . import planner, scoring, selectors
from .json_input import printable
from .models import AnswerKind, Assessment, Item

#: The two-decimal number a survey indicator box holds.
MAX_SCORE = Decimal(100)


def target_problem(exc: planner.TargetError, framework: scoring.Framework) -> str:
    """One Thai line (without the field name) saying why a target cannot be read."""
    labels = ", ".join(b.label for b in sorted(framework.bands, key=lambda b: b.min_total, reverse=True))
    value = printable(exc.value, 40)
    if exc.kind == planner.TargetError.RANGE:
        return _("%(value)s is outside 0 to 100") % {"value": value}
    if exc.kind == planner.TargetError.PLACES:
        return _("%(value)s has more than two decimals") % {"value": value}
    if exc.kind == planner.TargetError.NO_PASS:
        return _("ITA %(year)s has no pass mark") % {"year": framework.fiscal_year}
    if exc.kind == planner.TargetError.NEEDS_TOTAL:
        return _("“next” needs the current total, which is not complete yet")
    return _("expected a number from 0 to 100, a band of ITA %(year)s (%(labels)s), “pass” or “next”") % {
        "year": framework.fiscal_year,
        "labels": labels,
    }


def target_label(target: planner.Target) -> str:
    """How the page names a target: "A (85.00)" or "85.00"."""
    if target.label:
        return f"{target.label} ({target.min_total})"
    return str(target.min_total)


@dataclass
class PlannerPage:
    """What the planner page shows for one target (two-decimal strings for display)."""

    assessment: Assessment
    framework: scoring.Framework
    target_text: str
    plan: planner.Plan | None = None
    error: str = ""
    items: dict[str, Item] = field(default_factory=dict)
    indicator_names: dict[int, str] = field(default_factory=dict)
    tool_names: dict[str, str] = field(default_factory=dict)
    inputs: scoring.ScoreInputs | None = None

    @property
    def choices(self) -> list[tuple[str, str]]:
        names = {
            planner.TARGET_NEXT: _("Next band"),
            planner.TARGET_PASS: _("Pass (%(mark)s)")
            % {"mark": planner.resolve_target(self.framework, planner.TARGET_PASS).min_total}
            if planner.TARGET_PASS in planner.target_choices(self.framework)
            else "",
        }
        bands = {b.label: b.min_total for b in self.framework.bands}
        return [
            (
                value,
                names.get(value)
                or _("Band %(label)s (from %(min)s)") % {"label": value, "min": bands[value]},
            )
            for value in planner.target_choices(self.framework)
        ]

    @property
    def is_number(self) -> bool:
        return self.target_text not in planner.target_choices(self.framework)


def planner_page(assessment: Assessment, target_text: str) -> PlannerPage:
    """The plan of an assessment for a target as typed (a bad target gives ``error``, no plan)."""
    framework = selectors.framework_for_scoring(assessment.framework)
    structure = selectors.framework_structure(assessment.framework)
    page = PlannerPage(
        assessment,
        framework,
        target_text,
        items={
            item.code: item
            for item in Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE)
        },
        indicator_names=dict(structure.indicator_names),
        tool_names=dict(structure.tool_names),
    )
    page.inputs = selectors.assessment_inputs(assessment)
    try:
        page.plan = planner.plan_for(framework, page.inputs, target_text)
    except planner.TargetError as exc:
        page.error = target_problem(exc, framework)
    return page


def what_if_values(
    framework: scoring.Framework, data: Any
) -> tuple[list[str], dict[int, Decimal], dict[int, str]]:
    """The what-if form: ticked item codes (``item``), survey indicator scores (``ind_<n>``), and a
    Thai message per indicator box that is not a score (that box is left out, the others count)."""
    items = [code for code in data.getlist("item") if code in framework.disclosure_item_codes]
    scores: dict[int, Decimal] = {}
    problems: dict[int, str] = {}
    for ind in framework.indicators:
        if ind.is_disclosure:
            continue
        raw = (data.get(f"ind_{ind.number}") or "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw.translate(planner.THAI_DIGITS))
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= MAX_SCORE:
            problems[ind.number] = _("Enter a score from 0 to 100.")
            continue
        scores[ind.number] = value
    return items, scores, problems


def _status(passed: bool | None) -> str:
    return _("Not passed") if passed is False else _("Not decided yet")


def item_rows(page: PlannerPage, ticked: set[str] | None = None) -> list[dict[str, Any]]:
    """The failed and undecided O-items in the order of the proposal, each with its gain, the total
    after passing it and every row above it, and whether it is proposed and ticked."""
    plan = page.plan
    if plan is None:
        return []
    proposed = {c.code for c in plan.proposal}
    running = plan.current_total
    rows = []
    for c in plan.candidates:
        running = None if running is None else running + c.gain
        item = page.items.get(c.code)
        rows.append(
            {
                "code": c.code,
                "name": item.name_th if item else "",
                "sub_indicator": c.sub_indicator,
                "indicator": c.indicator,
                "status": _status(c.passed),
                "undecided": c.passed is None,
                "gain": scoring.fmt2(c.gain),
                "running_total": scoring.fmt2(running),
                "proposed": c.code in proposed,
                "ticked": c.code in (ticked or set()),
            }
        )
    return rows


def indicator_rows(
    page: PlannerPage, values: dict[int, str] | None = None, problems: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """The survey indicators: current score, the gain of one point, the what-if box's value."""
    plan = page.plan
    if plan is None:
        return []
    rows = []
    for g in plan.indicator_gains:
        shown = scoring.fmt2(g.score)
        rows.append(
            {
                "number": g.number,
                "name": page.indicator_names.get(g.number, ""),
                "tool": g.tool,
                "tool_name": page.tool_names.get(g.tool, g.tool),
                "score": shown,
                "gain": scoring.fmt2(g.gain),
                "value": (values or {}).get(g.number, shown or ""),
                "problem": (problems or {}).get(g.number, ""),
            }
        )
    return rows


def survey_equivalents(page: PlannerPage) -> list[dict[str, str]]:
    """What the survey points still needed mean per survey tool: points more in every indicator."""
    plan = page.plan
    if plan is None or not plan.survey_points_needed:
        return []
    out = []
    for tool in page.framework.tools:
        indicators = [page.framework.indicator(n) for n in tool.indicators]
        if not indicators or any(ind.is_disclosure for ind in indicators) or not tool.weight:
            continue
        per_point = Fraction(tool.weight) / 100
        out.append(
            {
                "tool": page.tool_names.get(tool.code, tool.code),
                "code": tool.code,
                "points": scoring.fmt2(Fraction(plan.survey_points_needed) / per_point),
            }
        )
    return out


def what_if_result(page: PlannerPage, items: list[str], scores: dict[int, Decimal]) -> dict[str, Any]:
    """The what-if panel: the new total and band computed by the planner and scoring, nothing saved."""
    assert page.plan is not None and page.inputs is not None
    result = planner.what_if(page.framework, page.inputs, items, scores)
    current = page.plan.current_total
    change = None
    if result.total is not None and current is not None:
        change = scoring.round2(result.total) - scoring.round2(current)
    return {
        "total": scoring.fmt2(result.total),
        "band": result.band,
        "sub_level": result.sub_level,
        "passed": result.passed,
        "change": None if change is None else f"{change:+.2f}",
        "reached": page.plan.target.reached(result.total),
        "complete": result.complete,
        "ticked": len(items),
    }
