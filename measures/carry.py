"""Carry last year's measures forward into the new year's plan, without their progress (issue 6, item 4).

Targets move into the new year's framework: tools by code and indicators by number, items through
the item mapping file of the two versions (fixtures/item_mappings/ita-YYYY-YYYY.json, checked against
both frameworks as stored). Between two years with no mapping file, items map by concept keys (the
same key, or a key that took it over in any year between, merges of merges included) and the result
says so. What cannot be mapped is
returned with the measure, the code and why: it is never dropped silently.

``measures_carry_forward`` is a service (STYLE.md §2): role checked again, the target assessment
locked once for all the copies, every copy made through ``services.measure_create`` (next numbers,
rounds with re-derived due dates). ``carry_preview`` is the same mapping without writing, for the
page that shows it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import require_write
from assessments.models import Assessment, Indicator, Item, Membership, Tool
from assessments.services import _assessment_locked
from ita_portal.thai import format_date, format_period

from . import services
from .item_mapping import (
    ItemCodes,
    ItemMapping,
    ItemMappingError,
    VersionCodes,
    load_item_mapping,
    mapping_path,
)
from .models import Measure, MeasureStatus

KIND_LABELS = {
    "tool": gettext_lazy("tool"),
    "indicator": gettext_lazy("indicator"),
    "item": gettext_lazy("item"),
    "responsible": gettext_lazy("responsible person"),
}


@dataclass(frozen=True)
class Unmapped:
    """A target of a source measure with no place in the new year (or a person no longer a member)."""

    measure: Measure
    kind: str  # "tool" | "indicator" | "item" | "responsible"
    code: str
    reason: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def is_target(self) -> bool:
        """A target left out (red on the page); a person not kept is only to be checked (amber)."""
        return self.kind != "responsible"


@dataclass
class CarryPlanItem:
    """One source measure as it will be in the new year."""

    measure: Measure
    tools: list[Tool] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    carried_as: Measure | None = None  # already carried into the target year
    start_month: date | None = None  # the period moved into the target year
    end_month: date | None = None

    @property
    def period(self) -> str:
        """The new period as the measure pages write it ("ต.ค. 65 – มี.ค. 66"), or ""."""
        if self.start_month and self.end_month:
            return format_period(self.start_month, self.end_month)
        day = self.start_month or self.end_month
        return format_date(day, "month") if day else ""


@dataclass
class CarryPlan:
    source: Assessment
    target: Assessment
    by_concept: bool  # no mapping file between the two years: items were mapped by concept keys
    measures: list[CarryPlanItem]


@dataclass
class CarryResult:
    created: list[Measure] = field(default_factory=list)
    skipped: list[tuple[Measure, str]] = field(default_factory=list)  # (source measure, why)
    unmapped: list[Unmapped] = field(default_factory=list)
    by_concept: bool = False


# --------------------------------------------------------------------------- mapping


def _version_codes(assessment: Assessment) -> VersionCodes:
    items = Item.objects.filter(framework=assessment.framework_id).order_by("order", "pk")
    return VersionCodes(
        fiscal_year=assessment.fiscal_year,
        items=tuple(ItemCodes(i.code, i.concept, tuple(i.replaces_concepts)) for i in items),
        indicators=tuple(
            Indicator.objects.filter(framework=assessment.framework_id)
            .order_by("number")
            .values_list("number", flat=True)
        ),
        tools=tuple(Tool.objects.filter(framework=assessment.framework_id).values_list("code", flat=True)),
    )


def _mapping(source: Assessment, target: Assessment) -> ItemMapping | None:
    """The stored mapping between the two years, or None when there is none (map by concept)."""
    path = mapping_path(source.fiscal_year, target.fiscal_year)
    if not path.exists():
        return None
    try:
        return load_item_mapping(path, _version_codes(source), _version_codes(target))
    except ItemMappingError as exc:
        raise ValidationError(
            _("The item mapping %(file)s does not fit the frameworks in use: %(problems)s")
            % {"file": path.name, "problems": "; ".join(f"{w}: {m}" for w, m in exc.problems[:5])}
        ) from exc


class _Mapper:
    def __init__(self, source: Assessment, target: Assessment) -> None:
        self.year = target.fiscal_year
        self.years = target.fiscal_year - source.fiscal_year
        self.mapping = _mapping(source, target)
        fw = target.framework_id
        self.tools = {t.code: t for t in Tool.objects.filter(framework=fw)}
        self.indicators = {i.number: i for i in Indicator.objects.filter(framework=fw)}
        self.items = list(Item.objects.filter(framework=fw).order_by("order", "pk"))
        self.by_code = {i.code: i for i in self.items}
        self.taken_over: dict[str, set[str]] = {}  # concept -> the concepts that took it over
        if self.mapping is None:
            merged = Item.objects.filter(
                framework__fiscal_year__gt=source.fiscal_year, framework__fiscal_year__lte=self.year
            ).exclude(replaces_concepts=[])
            for i in merged:
                for old in i.replaces_concepts:
                    self.taken_over.setdefault(old, set()).add(i.concept)

    def successor_concepts(self, concept: str) -> set[str]:
        """The concept and every key that took it over in the years between (a merge of a merge too)."""
        keys, todo = set(), [concept] if concept else []
        while todo:
            key = todo.pop()
            if key not in keys:
                keys.add(key)
                todo.extend(self.taken_over.get(key, ()))
        return keys

    def _no_successor(self) -> str:
        return _("no successor in the %(year)s framework") % {"year": self.year}

    def plan(self, measure: Measure, members: set[int]) -> CarryPlanItem:
        out = CarryPlanItem(
            measure,
            start_month=_shift(measure.start_month, self.years),
            end_month=_shift(measure.end_month, self.years),
        )
        miss = out.unmapped.append
        for tool in measure.target_tools.all():
            codes = self.mapping.tool_targets(tool.code) if self.mapping else (tool.code,)
            found = [self.tools[c] for c in codes if c in self.tools]
            out.tools += [t for t in found if t not in out.tools]
            if not found:
                miss(Unmapped(measure, "tool", tool.code, self._no_successor()))
        for ind in measure.target_indicators.all():
            numbers = self.mapping.indicator_targets(ind.number) if self.mapping else (ind.number,)
            found = [self.indicators[n] for n in numbers if n in self.indicators]
            out.indicators += [i for i in found if i not in out.indicators]
            if not found:
                miss(Unmapped(measure, "indicator", str(ind.number), self._no_successor()))
        for item in measure.target_items.all():
            if self.mapping is not None:
                found = [self.by_code[c] for c in self.mapping.items.get(item.code, ()) if c in self.by_code]
                reason = self._no_successor()
            else:
                keys = self.successor_concepts(item.concept)
                found = [i for i in self.items if keys & {i.concept, *i.replaces_concepts}]
                reason = _("no item of the %(year)s framework has its concept") % {"year": self.year}
            out.items += [i for i in found if i not in out.items]
            if not found:
                miss(Unmapped(measure, "item", item.code, reason))
        if measure.responsible_id is not None and measure.responsible_id not in members:
            miss(
                Unmapped(
                    measure,
                    "responsible",
                    measure.responsible.get_username(),
                    _("no longer a member of the organization"),
                )
            )
        return out


def _shift(day: date | None, years: int) -> date | None:
    """A first-of-month date moved by whole years (the period of the same months, one year on)."""
    return day.replace(year=day.year + years) if day is not None else None


def _source_measures(source: Assessment, measure_ids: Sequence[int] | None):
    qs = (
        Measure.objects.filter(assessment=source)
        .select_related("responsible")
        .prefetch_related("target_tools", "target_indicators", "target_items", "units")
        .order_by("number")
    )
    if measure_ids is not None:
        ids = set(measure_ids)
        qs = qs.filter(pk__in=ids)
        if len(qs) != len(ids):
            raise ValidationError(_("A chosen measure is not one of the source year's measures."))
    return list(qs)


def _check_pair(source: Assessment, target: Assessment) -> None:
    if source.organization_id != target.organization_id:
        raise ValidationError(_("Measures are carried forward within one organization only."))
    if source.fiscal_year >= target.fiscal_year:
        raise ValidationError(_("Measures are carried forward from an earlier year only."))


def carry_preview(*, source: Assessment, target: Assessment) -> CarryPlan:
    """Every measure of the source year as it would be carried into the target year (nothing written)."""
    _check_pair(source, target)
    mapper = _Mapper(source, target)
    members = set(
        Membership.objects.filter(organization=target.organization_id).values_list("user", flat=True)
    )
    carried = {
        m.carried_from_id: m for m in Measure.objects.filter(assessment=target, carried_from__isnull=False)
    }
    plan = []
    for measure in _source_measures(source, None):
        item = mapper.plan(measure, members)
        item.carried_as = carried.get(measure.pk)
        plan.append(item)
    return CarryPlan(source, target, mapper.mapping is None, plan)


@transaction.atomic
def measures_carry_forward(
    *, source: Assessment, target: Assessment, measure_ids: Sequence[int] | None, user: Any
) -> CarryResult:
    """Copy the chosen measures (all when ``measure_ids`` is None) of an earlier year's assessment of
    the same organization into ``target``, without progress.

    Each copy keeps the title, guideline, steps, units, other parties, rounds (due dates derived
    again for the new year), outcome and template code; its targets are mapped; the responsible person
    stays if still a member; the period moves by the years between the two; the status is "planned";
    ``carried_from`` names the source. A measure already carried into the target year is skipped and
    listed ("already carried as measure N"), the others are carried all the same.
    """
    require_write(user, target.organization_id)
    _check_pair(source, target)
    locked = _assessment_locked(target)  # one lock for all the copies (measure_create takes it again)
    mapper = _Mapper(source, locked)
    members = set(
        Membership.objects.filter(organization=locked.organization_id).values_list("user", flat=True)
    )
    result = CarryResult(by_concept=mapper.mapping is None)
    for measure in _source_measures(source, measure_ids):
        plan = mapper.plan(measure, members)
        try:
            with transaction.atomic():
                copy = services.measure_create(
                    assessment=locked,
                    title=measure.title,
                    guideline=measure.guideline,
                    steps=measure.steps,
                    target_tools=plan.tools,
                    target_indicators=plan.indicators,
                    target_items=plan.items,
                    all_units=measure.all_units,
                    units=list(measure.units.all()),
                    other_parties=measure.other_parties,
                    responsible=measure.responsible if measure.responsible_id in members else None,
                    start_month=plan.start_month,
                    end_month=plan.end_month,
                    rounds=measure.rounds,
                    outcome=measure.outcome,
                    status=MeasureStatus.PLANNED,
                    template_code=measure.template_code,
                    carried_from=measure,
                    user=user,
                )
        except ValidationError as exc:
            if exc.code != "carried":
                raise
            result.skipped.append((measure, exc.messages[0]))
            continue
        result.created.append(copy)
        result.unmapped += plan.unmapped
    return result
