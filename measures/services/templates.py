"""Measures from the template library, their targets resolved in the assessment's framework."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.access import require_write
from assessments.models import Assessment, Indicator, Item, Tool, Unit
from assessments.services import _assessment_locked

from ..models import Measure
from ..rounds import fiscal_year_months
from ..template_file import ALL_UNITS, TemplateSpec
from ..template_library import active_templates
from .measures import measure_create

# --------------------------------------------------------------------------- templates


#: Names by which an organization's units are recognised as a template's unit kinds.
UNIT_KIND_NAMES = {
    "clerk_office": ("สำนักปลัด",),
    "finance": ("กองคลัง",),
    "engineering": ("กองช่าง",),
    "education": ("กองการศึกษา",),
    "strategy": ("ยุทธศาสตร์", "กองวิชาการและแผนงาน"),
    "personnel": ("การเจ้าหน้าที่",),
    "audit": ("ตรวจสอบภายใน",),
}


@dataclass(frozen=True)
class Unmapped:
    """A template's target or unit kind with nothing to match in this assessment's year or organization."""

    template_code: str
    kind: str  # "tool" | "indicator" | "concept" | "unit_kind"
    value: str


@dataclass
class TemplatesResult:
    measures: list[Measure] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)


def _framework_targets(assessment: Assessment):
    tools = {t.code: t for t in Tool.objects.filter(framework=assessment.framework_id)}
    indicators = {i.number: i for i in Indicator.objects.filter(framework=assessment.framework_id)}
    by_concept: dict[str, list[Item]] = {}
    for item in Item.objects.filter(framework=assessment.framework_id).order_by("order"):
        for concept in (item.concept, *item.replaces_concepts):
            if concept:
                by_concept.setdefault(concept, []).append(item)
    return tools, indicators, by_concept


def _units_of_kind(units: Sequence[Unit], kind: str) -> list[Unit]:
    names = UNIT_KIND_NAMES.get(kind, ())
    normal = [(u, u.name.replace(" ", "")) for u in units]
    return [u for u, n in normal if any(part in n for part in names)]


@transaction.atomic
def measures_from_templates(
    *,
    assessment: Assessment,
    template_codes: Sequence[str],
    user: Any,
    library: Sequence[TemplateSpec] | None = None,
) -> TemplatesResult:
    """Create one measure per chosen template, in the order given, with its targets filled in.

    Targets are resolved in the assessment's framework: tools by code, indicators by number, items by
    concept key (an item that took over a concept by merging counts too). Unit kinds become the
    organization's matching units ("all" becomes all units). What has no match is returned in
    ``unmapped``, never dropped silently. The period is the whole fiscal year. Templates are the
    active ones of the library table (``library`` replaces it, for tests).
    """
    require_write(user, assessment.organization_id)
    specs = {spec.code: spec for spec in (library if library is not None else active_templates())}
    unknown = [code for code in template_codes if code not in specs]
    if unknown:
        raise ValidationError(_("Unknown measure template(s): %(codes)s") % {"codes": ", ".join(unknown)})
    locked = _assessment_locked(assessment)
    tools, indicators, by_concept = _framework_targets(locked)
    units = list(Unit.objects.filter(organization=locked.organization_id))
    start, end = fiscal_year_months(locked.fiscal_year)
    result = TemplatesResult()
    for code in template_codes:
        spec = specs[code]
        missing = result.unmapped.append
        chosen_tools = []
        for tool_code in spec.tools:
            if tool_code in tools:
                chosen_tools.append(tools[tool_code])
            else:
                missing(Unmapped(code, "tool", tool_code))
        chosen_indicators = []
        for number in spec.indicators:
            if number in indicators:
                chosen_indicators.append(indicators[number])
            else:
                missing(Unmapped(code, "indicator", str(number)))
        chosen_items: dict[int, Item] = {}
        for concept in spec.concepts:
            matches = by_concept.get(concept, [])
            if not matches:
                missing(Unmapped(code, "concept", concept))
            for item in matches:
                chosen_items.setdefault(item.pk, item)
        chosen_units: dict[int, Unit] = {}
        for kind in spec.unit_kinds:
            if kind == ALL_UNITS:
                continue
            matches = _units_of_kind(units, kind)
            if not matches:
                missing(Unmapped(code, "unit_kind", kind))
            for unit in matches:
                chosen_units.setdefault(unit.pk, unit)
        result.measures.append(
            measure_create(
                assessment=locked,
                title=spec.title_th,
                guideline=spec.guideline_th,
                steps=spec.steps_th,
                target_tools=chosen_tools,
                target_indicators=chosen_indicators,
                target_items=chosen_items.values(),
                all_units=ALL_UNITS in spec.unit_kinds,
                units=chosen_units.values(),
                start_month=start,
                end_month=end,
                rounds=spec.rounds,
                outcome=spec.outcome_th,
                template_code=spec.code,
                user=user,
            )
        )
    return result
