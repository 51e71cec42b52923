"""Rows, filters and groupings of a year's measures: what the list page, the timeline and the Excel
export share (so the three show the same measures under the same headings).

Everything here works on measures read by ``selectors.measures_for_user`` (targets, units, rounds
and their current reports prefetched): filtering and grouping add no query per measure. The tool
grouping reads the framework's tools and indicators once (two queries, however many measures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from assessments.models import Assessment, Indicator, Tool

from .display import MeasureRow
from .models import Measure, MeasureStatus

LAYOUTS = ("number", "tool", "item", "unit")
FILTERS = ("unit", "status", "round", "overdue")


@dataclass
class Group:
    title: str
    level: int = 1
    rows: list[MeasureRow] = field(default_factory=list)


def filter_rows(rows: list[MeasureRow], params: Mapping[str, str]) -> list[MeasureRow]:
    """Filters over the prefetched rows (no query per filter): unit, status, round, overdue; with a
    round, "overdue" means overdue at that round (the dashboard's count per round links here).

    Unknown values are ignored (the page shows everything rather than an error)."""
    unit, status, month = params.get("unit", ""), params.get("status", ""), params.get("round", "")
    if unit.isdigit():
        rows = [
            r for r in rows if r.measure.all_units or any(u.pk == int(unit) for u in r.measure.units.all())
        ]
    if status in MeasureStatus.values:
        rows = [r for r in rows if r.measure.status == status]
    if month.isdigit():
        rows = [r for r in rows if any(b.month == int(month) for b in r.rounds)]
    if params.get("overdue"):
        at = int(month) if month.isdigit() else None
        rows = [r for r in rows if any(b.overdue and at in (None, b.month) for b in r.rounds)]
    return rows


def _by_tool(rows: list[MeasureRow], assessment: Assessment) -> list[Group]:
    """Tool → indicator; a measure appears under each tool/indicator it targets (an item counts for
    its indicator, a whole tool is listed under the tool's heading)."""
    tools = list(Tool.objects.filter(framework=assessment.framework_id).order_by("order"))
    indicators = list(Indicator.objects.filter(framework=assessment.framework_id).order_by("number"))
    keys: dict[tuple[int, int | None], list[MeasureRow]] = defaultdict(list)
    ind_tool = {i.pk: i.tool_id for i in indicators}
    untargeted = []
    for row in rows:
        m = row.measure
        found = {(t.pk, None) for t in m.target_tools.all()}
        found |= {(i.tool_id, i.pk) for i in m.target_indicators.all()}
        found |= {(ind_tool[i.indicator_id], i.indicator_id) for i in m.target_items.all()}
        for key in found:
            keys[key].append(row)
        if not found:
            untargeted.append(row)
    groups = []
    for tool in tools:
        tool_groups = [Group(str(tool), 1, keys.get((tool.pk, None), []))]
        for ind in indicators:
            if ind.tool_id == tool.pk and keys.get((tool.pk, ind.pk)):
                tool_groups.append(Group(str(ind), 2, keys[(tool.pk, ind.pk)]))
        if len(tool_groups) > 1 or tool_groups[0].rows:
            groups.extend(tool_groups)
    if untargeted:
        groups.append(Group(_("No target"), 1, untargeted))
    return groups


def _under_each(
    rows: list[MeasureRow], related: Callable[[Measure], Iterable[Any]]
) -> tuple[dict[int, Any], dict[int, list[MeasureRow]], list[MeasureRow]]:
    """Each row under every object ``related`` gives for its measure (prefetched: no query): the objects
    by pk, the rows by object pk (in row order), and the rows with no object."""
    objects: dict[int, Any] = {}
    keys: dict[int, list[MeasureRow]] = defaultdict(list)
    without = []
    for row in rows:
        chosen = list(related(row.measure))
        for obj in chosen:
            objects[obj.pk] = obj
            keys[obj.pk].append(row)
        if not chosen:
            without.append(row)
    return objects, keys, without


def _by_item(rows: list[MeasureRow]) -> list[Group]:
    items, keys, untargeted = _under_each(rows, lambda m: m.target_items.all())
    groups = [
        Group(f"{item.code} {item.name_th}", 1, keys[item.pk])
        for item in sorted(items.values(), key=lambda i: i.order)
    ]
    if untargeted:
        groups.append(Group(_("No O-item targeted"), 1, untargeted))
    return groups


def _by_unit(rows: list[MeasureRow]) -> list[Group]:
    all_units = [r for r in rows if r.measure.all_units]
    units, keys, without = _under_each(rows, lambda m: m.units.all())
    others = [r for r in without if not r.measure.all_units]
    groups = [Group(_("All units"), 1, all_units)] if all_units else []
    groups += [
        Group(unit.name, 1, keys[unit.pk]) for unit in sorted(units.values(), key=lambda u: (u.order, u.name))
    ]
    if others:
        groups.append(Group(_("Other responsible parties"), 1, others))
    return groups


def group_rows(rows: list[MeasureRow], layout: str, assessment: Assessment) -> list[Group]:
    """The groups of a layout ("number" is one untitled group); a measure appears under every group
    it belongs to."""
    if layout == "tool":
        return _by_tool(rows, assessment)
    if layout == "item":
        return _by_item(rows)
    if layout == "unit":
        return _by_unit(rows)
    return [Group("", 1, rows)] if rows else []


def groups_once(groups: list[Group]) -> list[Group]:
    """The groups with each measure only under its first group (for a file that re-imports without
    duplicates). A level-1 heading stays when one of its level-2 groups still has measures."""
    seen: set[int] = set()
    trimmed = []
    for group in groups:
        rows = [r for r in group.rows if r.measure.pk not in seen]
        seen.update(r.measure.pk for r in rows)
        trimmed.append(Group(group.title, group.level, rows))
    kept = []
    for i, group in enumerate(trimmed):
        if group.rows:
            kept.append(group)
        elif group.level == 1:
            following = []
            for later in trimmed[i + 1 :]:
                if later.level == 1:
                    break
                following.append(later)
            if any(g.rows for g in following):
                kept.append(group)
    return kept
