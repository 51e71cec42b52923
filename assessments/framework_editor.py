"""The framework editor: site staff prepare a framework version as a draft, validate it and publish it.

A draft (``published_at`` is None) is a copy of an existing version's definition for a fiscal year and
revision; it is changed row by row here, checked with the same parser that reads definition files
(``framework_file.parse_framework`` over ``selectors.framework_definition``), and published when that
parser finds nothing. A published version, or any version an assessment uses, is never changed:
corrections go into a new draft revision (the admin's "copy as new revision" does the same).

Services write (``@transaction.atomic``, staff only, ``full_clean`` before saving, Thai
``ValidationError`` keyed by the form field they concern); the selectors below them read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .framework_file import FrameworkFileError, parse_framework
from .models import (
    AnswerKind,
    AnswerScale,
    Band,
    BandKind,
    BandScheme,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    ItemGroup,
    SubIndicator,
    Tool,
)

YEAR_MIN, YEAR_MAX = 2500, 2700  # the range framework_file accepts
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)

#: Editor sections whose rows are framework parts, with the model of their rows.
PART_MODELS: dict[str, type[models.Model]] = {
    "tools": Tool,
    "indicators": Indicator,
    "sub_indicators": SubIndicator,
    "groups": ItemGroup,
    "items": Item,
    "elements": ItemElement,
    "bands": Band,
    "sub_levels": Band,
}


# =========================================================================== access


def require_staff(user: Any) -> None:
    """The editor is for site staff only; services check it again whoever calls them."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        raise PermissionDenied


def edit_refusal(version: FrameworkVersion, assessment_count: int | None = None) -> str | None:
    """Why a version may not be changed in the editor (a Thai sentence), or None when it may."""
    values = {"year": version.fiscal_year, "revision": version.revision}
    if version.published_at is not None:
        return (
            _(
                "ITA %(year)s revision %(revision)s is published and can no longer be changed. To correct "
                "it, copy it to a new revision."
            )
            % values
        )
    count = version.assessments.count() if assessment_count is None else assessment_count
    if count:
        return _(
            "ITA %(year)s revision %(revision)s is used by %(count)s assessment(s) and can no longer "
            "be changed. To correct it, copy it to a new revision."
        ) % {**values, "count": count}
    return None


# =========================================================================== selectors


def versions_for_editor(user: Any) -> QuerySet[FrameworkVersion]:
    """Every version, newest first, with the number of assessments using it."""
    require_staff(user)
    return FrameworkVersion.objects.annotate(assessment_count=Count("assessments")).order_by(
        "-fiscal_year", "-revision"
    )


def version_for_editor(user: Any, pk: int) -> FrameworkVersion:
    return get_object_or_404(versions_for_editor(user), pk=pk)


def part_for_editor(version: FrameworkVersion, section: str, pk: int) -> models.Model:
    """One row of a version's section (404 when it belongs to another version)."""
    return get_object_or_404(parts_of(version, section), pk=pk)


def scheme_of(version: FrameworkVersion) -> BandScheme | None:
    return BandScheme.objects.filter(framework=version).first()


def parts_of(version: FrameworkVersion, section: str) -> QuerySet:
    model = PART_MODELS[section]
    if model is ItemElement:
        return ItemElement.objects.filter(item__framework=version)
    if model is Band:
        return Band.objects.filter(scheme__framework=version, is_sub_level=section == "sub_levels")
    return model.objects.filter(framework=version)


@dataclass
class Container:
    """Where items sit: an indicator (survey questions) or a group of a sub-indicator (O-items)."""

    key: str  # "ind-<pk>" or "grp-<pk>"
    title: str
    disclosure: bool
    items: list[Item] = field(default_factory=list)


@dataclass
class Outline:
    """Everything the editor page shows of one version, read in a fixed number of queries."""

    version: FrameworkVersion
    tools: list[Tool]
    indicators: list[Indicator]
    sub_indicators: list[SubIndicator]
    groups: list[ItemGroup]
    containers: list[Container]
    scales: list[AnswerScale]
    scheme: BandScheme | None
    bands: list[Band]
    sub_levels: list[Band]

    @property
    def weight_total(self) -> Decimal:
        return sum((t.weight for t in self.tools), Decimal(0))

    @property
    def items(self) -> list[Item]:
        return [item for c in self.containers for item in c.items]

    def options(self) -> dict[str, list]:
        """Choices for the editor's forms, keyed by what they pick (values are row keys)."""
        places = _placements(self.indicators, self.sub_indicators, self.groups)
        return {
            "tool": [(str(t.pk), f"{t.code} {t.name_th}") for t in self.tools],
            "indicator": [(str(i.pk), f"{i.number}. {i.name_th}") for i in self.indicators],
            "sub_indicator": [(str(s.pk), f"{s.code} {s.name_th}") for s in self.sub_indicators],
            "answer_scale": [(str(s.pk), s.code) for s in self.scales],
            "placement": [
                (
                    _("Survey questions: directly in an indicator"),
                    [(c.key, c.title) for c in places if not c.disclosure],
                ),
                (
                    _("Disclosure (O) items: in a group of a sub-indicator"),
                    [(c.key, c.title) for c in places if c.disclosure],
                ),
            ],
        }

    def objects(self) -> dict[str, dict[str, models.Model]]:
        """The rows behind the choices of ``options``, by choice value."""
        return {
            "tool": {str(t.pk): t for t in self.tools},
            "indicator": {str(i.pk): i for i in self.indicators},
            "sub_indicator": {str(s.pk): s for s in self.sub_indicators},
            "answer_scale": {str(s.pk): s for s in self.scales},
            "placement": {
                **{f"ind-{i.pk}": i for i in self.indicators},
                **{f"grp-{g.pk}": g for g in self.groups},
            },
        }


def placement_key(item: Item) -> str:
    """The placement choice of an item: its group, or its indicator for a survey question."""
    return f"grp-{item.group_id}" if item.group_id else f"ind-{item.indicator_id}"


def _placements(
    indicators: list[Indicator], subs: list[SubIndicator], groups: list[ItemGroup]
) -> list[Container]:
    """Every place an item can go, in file order (an indicator with sub-indicators is not one)."""
    out = []
    for ind in indicators:
        own_subs = [s for s in subs if s.indicator_id == ind.pk]
        if not own_subs:
            out.append(Container(f"ind-{ind.pk}", _indicator_title(ind), False))
        for sub in own_subs:
            for group in (g for g in groups if g.sub_indicator_id == sub.pk):
                out.append(Container(f"grp-{group.pk}", f"{sub.code} {sub.name_th} › {group.name_th}", True))
    return out


def _indicator_title(ind: Indicator) -> str:
    return _("Indicator %(number)s %(name)s") % {"number": ind.number, "name": ind.name_th}


def version_outline(version: FrameworkVersion) -> Outline:
    """The version's rows in the order the definition file lists them."""
    tools = list(version.tools.order_by("order", "pk"))
    tool_rank = {t.pk: n for n, t in enumerate(tools)}
    indicators = sorted(version.indicators.all(), key=lambda i: (tool_rank.get(i.tool_id, 0), i.number))
    ind_rank = {i.pk: n for n, i in enumerate(indicators)}
    subs = sorted(
        version.sub_indicators.all(), key=lambda s: (ind_rank.get(s.indicator_id, 0), s.order, s.pk)
    )
    sub_rank = {s.pk: n for n, s in enumerate(subs)}
    groups = sorted(
        version.item_groups.all(), key=lambda g: (sub_rank.get(g.sub_indicator_id, 0), g.order, g.pk)
    )
    items = list(
        version.items.select_related("answer_scale")
        .prefetch_related(Prefetch("elements", queryset=ItemElement.objects.order_by("order", "pk")))
        .order_by("order", "pk")
    )
    containers = {c.key: c for c in _placements(indicators, subs, groups)}
    for item in items:
        key = placement_key(item)
        if key not in containers:  # an item outside any place (only the admin can do that)
            containers[key] = Container(key, _("Items without a valid place"), bool(item.group_id))
        containers[key].items.append(item)
    scheme = BandScheme.objects.filter(framework=version).first()
    bands = list(scheme.bands.order_by("order", "pk")) if scheme else []
    return Outline(
        version=version,
        tools=tools,
        indicators=indicators,
        sub_indicators=subs,
        groups=groups,
        containers=list(containers.values()),
        scales=list(version.answer_scales.prefetch_related("options").order_by("code")),
        scheme=scheme,
        bands=[b for b in bands if not b.is_sub_level],
        sub_levels=[b for b in bands if b.is_sub_level],
    )


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a version from being published, with its place in words and in the file."""

    place: str
    path: str
    message: str
    anchor: str


def version_problems(version: FrameworkVersion) -> list[Problem]:
    """Everything the definition-file parser (and the editor's own checks) finds in the version."""
    early = _row_problems(version)
    if early:
        return early
    definition = selectors.framework_definition(version)
    try:
        parse_framework(definition)
    except FrameworkFileError as exc:
        found = exc.problems
    else:
        found = []
    return [
        Problem(_place(definition, where), where, message, _anchor(where)) for where, message in found
    ] + _placement_problems(version)


def _row_problems(version: FrameworkVersion) -> list[Problem]:
    """Problems that keep the version from being written as a definition file at all."""
    problems = []
    if not BandScheme.objects.filter(framework=version).exists():
        problems.append(Problem(_("Band scheme"), "band_scheme", _("a band scheme is required"), "bands"))
    for code in version.items.filter(answer_scale__isnull=True).values_list("code", flat=True):
        problems.append(
            Problem(
                _("Item %(code)s") % {"code": code},
                f"item {code}",
                _("an answer scale is required"),
                "items",
            )
        )
    return problems


def _placement_problems(version: FrameworkVersion) -> list[Problem]:
    """Items the definition file would leave out: in an indicator that has sub-indicators but no group."""
    stray = version.items.filter(group__isnull=True, indicator__sub_indicators__isnull=False).distinct()
    return [
        Problem(
            _("Item %(code)s") % {"code": item.code},
            f"item {item.code}",
            _("an item of an indicator with sub-indicators must be placed in a group"),
            "items",
        )
        for item in stray
    ]


_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _field_label(name: str) -> str:
    fields = {
        "fiscal_year": (FrameworkVersion, "fiscal_year"),
        "name_th": (FrameworkVersion, "name_th"),
        "status": (FrameworkVersion, "status"),
        "code": (Tool, "code"),
        "weight": (Tool, "weight"),
        "number": (Indicator, "number"),
        "grouping_status": (SubIndicator, "grouping_status"),
        "answer": (Item, "answer_scale"),
        "polarity": (Item, "polarity"),
        "concept": (Item, "concept"),
        "replaces_concepts": (Item, "replaces_concepts"),
        "elements": (ItemElement, "text"),
        "elements_source": (ItemElement, "source"),
        "kind": (BandScheme, "kind"),
        "pass_mark": (BandScheme, "pass_mark"),
        "label": (Band, "label"),
        "min": (Band, "min_total"),
        "min_each_tool": (Band, "min_each_tool"),
        "passed": (Band, "passed"),
    }
    if name in fields:
        model, attr = fields[name]
        return str(capfirst(model._meta.get_field(attr).verbose_name))
    return name


def _list_labels() -> dict[str, str]:
    return {
        "tools": _("Tools"),
        "indicators": _("Indicators"),
        "sub_indicators": _("Sub-indicators"),
        "groups": _("Item groups"),
        "items": _("Items"),
        "elements": _("Required elements"),
        "bands": _("Bands"),
        "levels": _("Sub-levels"),
        "band_scheme": _("Band scheme"),
        "sub_levels": _("Sub-levels"),
        "answer_scales": _("Answer scales"),
    }


def _place(definition: dict[str, Any], path: str) -> str:
    """A problem's place in words: "tools[2].indicators[0].code" -> "แบบวัด OIT › ตัวชี้วัด 9 › รหัส"."""
    if path.startswith("indicator "):
        return _("Indicator %(number)s") % {"number": path.split(" ", 1)[1]}
    if path.startswith("item "):
        return _("Item %(code)s") % {"code": path.split(" ", 1)[1]}
    lists = _list_labels()
    tokens = [t for t in _PATH_TOKEN.findall(path) if t[1] != "$"]
    words: list[str] = []
    node: Any = definition
    list_name = ""
    for n, (index, name) in enumerate(tokens):
        last = n == len(tokens) - 1
        if index:
            position = int(index)
            node = node[position] if isinstance(node, list) and position < len(node) else {}
            words.append(_entry_label(list_name, node, position))
        elif list_name == "answer_scales":  # a scale's code, then its answers
            words.append(name)
            node, list_name = node.get(name) if isinstance(node, dict) else {}, "scale"
        elif name in lists:
            if last or name in ("band_scheme", "sub_levels", "answer_scales"):
                words.append(lists[name])
            node, list_name = node.get(name) if isinstance(node, dict) else None, name
        elif list_name == "values":  # an answer of a scale
            words.append(name)
        elif name == "values":
            list_name = "values"
            node = node.get(name) if isinstance(node, dict) else None
        else:
            words.append(_field_label(name))
    return " › ".join(words) or _("The whole version")


def _entry_label(list_name: str, node: Any, position: int) -> str:
    node = node if isinstance(node, dict) else {}
    if list_name == "tools":
        return _("Tool %(code)s") % {"code": node.get("code") or position + 1}
    if list_name == "indicators":
        return _("Indicator %(number)s") % {"number": node.get("number") or position + 1}
    if list_name == "sub_indicators":
        return _("Sub-indicator %(code)s") % {"code": node.get("code") or position + 1}
    if list_name == "groups":
        return _("Group “%(name)s”") % {"name": node.get("name_th") or position + 1}
    if list_name == "items":
        return _("Item %(code)s") % {"code": node.get("code") or position + 1}
    if list_name == "elements":
        return _("Element %(number)s") % {"number": position + 1}
    if list_name in ("bands", "levels"):
        return _("Band %(label)s") % {"label": node.get("label") or position + 1}
    return str(position + 1)


def _anchor(path: str) -> str:
    """The editor section to open for a problem."""
    for marker, anchor in (
        ("elements", "items"),
        ("items", "items"),
        ("item ", "items"),
        ("groups", "groups"),
        ("sub_indicators", "sub-indicators"),
        ("indicators", "indicators"),
        ("indicator ", "indicators"),
        ("band_scheme", "bands"),
        ("answer_scales", "scales"),
        ("tools", "tools"),
    ):
        if marker in path:
            return anchor
    return "version"


def version_definition_file(version: FrameworkVersion) -> bytes:
    """The version as a definition file for ``manage.py load_framework``: UTF-8, Thai kept readable."""
    text = json.dumps(selectors.framework_definition(version), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# =========================================================================== services: versions

_SOURCE_PROBLEMS = gettext_lazy(
    "The source version has %(count)s problem(s); check it with “Validate” and correct it first."
)


@transaction.atomic
def framework_copy(*, source: FrameworkVersion, fiscal_year: int, user: Any) -> FrameworkVersion:
    """Start a draft of ``fiscal_year`` from the source version's current definition.

    The draft is the year's next revision; the source's fiscal year in its name is replaced by the new
    one. The same year gives a new revision (how a published version is corrected).
    """
    require_staff(user)
    if not YEAR_MIN <= fiscal_year <= YEAR_MAX:
        raise ValidationError(
            {
                "fiscal_year": _("Enter a Buddhist-era year between %(low)s and %(high)s.")
                % {"low": YEAR_MIN, "high": YEAR_MAX}
            }
        )
    if _row_problems(source):
        raise ValidationError({"source": _SOURCE_PROBLEMS % {"count": len(_row_problems(source))}})
    definition = selectors.framework_definition(source)
    if fiscal_year != source.fiscal_year:
        definition["name_th"] = definition["name_th"].replace(str(source.fiscal_year), str(fiscal_year))
    definition["fiscal_year"] = fiscal_year
    try:
        spec = parse_framework(definition)
    except FrameworkFileError as exc:
        raise ValidationError({"source": _SOURCE_PROBLEMS % {"count": len(exc.problems)}}) from exc
    list(FrameworkVersion.objects.select_for_update().filter(fiscal_year=fiscal_year))
    revision = selectors.framework_next_revision(fiscal_year)
    try:
        with transaction.atomic():
            return services._framework_create(spec, revision=revision, draft=True)
    except IntegrityError as exc:
        raise ValidationError(
            {"fiscal_year": _("Another version of this year was created at the same moment; try again.")}
        ) from exc


@transaction.atomic
def framework_details_update(
    *, version: FrameworkVersion, name_th: str, status: str, notes: str, user: Any
) -> FrameworkVersion:
    require_staff(user)
    version = _lock_draft(version)
    version.name_th, version.status, version.notes = name_th.strip(), status, notes.strip()
    version.full_clean()
    version.save(update_fields=["name_th", "status", "notes"])
    return version


@transaction.atomic
def framework_publish(*, version: FrameworkVersion, user: Any) -> FrameworkVersion:
    """Publish a draft that validates: it becomes read-only and is offered for new assessments.

    The stored definition and checksum are refreshed from the rows, so the version's checksum equals
    that of its downloaded definition file.
    """
    require_staff(user)
    version = _lock_draft(version)
    problems = version_problems(version)
    if problems:
        raise ValidationError(
            _("The version cannot be published: validation found %(count)s problem(s).")
            % {"count": len(problems)}
        )
    definition = selectors.framework_definition(version)
    version.definition = definition
    version.checksum = parse_framework(definition).checksum
    version.published_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["definition", "checksum", "published_at"])
    return version


@transaction.atomic
def framework_delete(*, version: FrameworkVersion, user: Any) -> None:
    """Delete a draft nobody uses, with everything in it."""
    require_staff(user)
    _lock_draft(version).delete()


# =========================================================================== services: parts


@transaction.atomic
def tool_save(
    *,
    version: FrameworkVersion,
    tool: Tool | None = None,
    code: str,
    name_th: str,
    weight: Decimal,
    user: Any,
) -> Tool:
    require_staff(user)
    version = _lock_draft(version)
    tool = _lock_part(version, "tools", tool) or Tool(framework=version, order=_next_order(version.tools))
    code = code.strip()
    errors: dict[str, str] = {}
    if version.tools.filter(code=code).exclude(pk=tool.pk).exists():
        errors["code"] = _("Another tool of this version already has the code %(code)s.") % {"code": code}
    _check_score(errors, "weight", weight)
    _raise(errors)
    tool.code, tool.name_th, tool.weight = code, name_th.strip(), weight
    return _save(tool, "code")


@transaction.atomic
def indicator_save(
    *,
    version: FrameworkVersion,
    indicator: Indicator | None = None,
    number: int,
    name_th: str,
    tool: Tool,
    user: Any,
) -> Indicator:
    require_staff(user)
    version = _lock_draft(version)
    indicator = _lock_part(version, "indicators", indicator) or Indicator(framework=version)
    _check_owner(version, tool, "tool")
    if version.indicators.filter(number=number).exclude(pk=indicator.pk).exists():
        raise ValidationError(
            {
                "number": _("Another indicator of this version already has the number %(number)s.")
                % {"number": number}
            }
        )
    indicator.number, indicator.name_th, indicator.tool = number, name_th.strip(), tool
    _save(indicator, "number")
    _items_renumber(version)
    return indicator


@transaction.atomic
def sub_indicator_save(
    *,
    version: FrameworkVersion,
    sub_indicator: SubIndicator | None = None,
    indicator: Indicator,
    code: str,
    name_th: str,
    grouping_status: str,
    user: Any,
) -> SubIndicator:
    require_staff(user)
    version = _lock_draft(version)
    sub = _lock_part(version, "sub_indicators", sub_indicator)
    _check_owner(version, indicator, "indicator")
    code = code.strip()
    errors: dict[str, str] = {}
    if version.sub_indicators.filter(code=code).exclude(pk=sub.pk if sub else None).exists():
        errors["code"] = _("Another sub-indicator of this version already has the code %(code)s.") % {
            "code": code
        }
    if indicator.items.filter(group__isnull=True).exists():
        errors["indicator"] = _(
            "Indicator %(number)s has survey questions of its own; an indicator has either questions or "
            "sub-indicators."
        ) % {"number": indicator.number}
    _raise(errors)
    if sub is None or sub.indicator_id != indicator.pk:
        if sub is not None and sub.items.exists():
            raise ValidationError(
                {
                    "indicator": _(
                        "Move or delete this sub-indicator's items before moving it to another indicator."
                    )
                }
            )
        sub = sub or SubIndicator(framework=version)
        sub.order = _next_order(indicator.sub_indicators)
    sub.indicator, sub.code, sub.name_th = indicator, code, name_th.strip()
    sub.grouping_status = grouping_status.strip()
    _save(sub, "code")
    _items_renumber(version)
    return sub


@transaction.atomic
def item_group_save(
    *,
    version: FrameworkVersion,
    group: ItemGroup | None = None,
    sub_indicator: SubIndicator,
    name_th: str,
    user: Any,
) -> ItemGroup:
    require_staff(user)
    version = _lock_draft(version)
    group = _lock_part(version, "groups", group)
    _check_owner(version, sub_indicator, "sub_indicator")
    if group is None or group.sub_indicator_id != sub_indicator.pk:
        group = group or ItemGroup(framework=version)
        group.order = _next_order(sub_indicator.groups)
        for item in group.items.all() if group.pk else ():
            item.sub_indicator, item.indicator_id = sub_indicator, sub_indicator.indicator_id
            item.full_clean()
            item.save(update_fields=["sub_indicator", "indicator"])
    group.sub_indicator, group.name_th = sub_indicator, name_th.strip()
    _save(group, "name_th")
    _items_renumber(version)
    return group


@transaction.atomic
def item_save(
    *,
    version: FrameworkVersion,
    item: Item | None = None,
    code: str,
    name_th: str,
    placement: Indicator | ItemGroup,
    answer_scale: AnswerScale,
    polarity: str,
    concept: str,
    replaces_concepts: Iterable[str],
    user: Any,
) -> Item:
    """Save an item; its kind follows from its place: a group holds O-items, an indicator survey questions."""
    require_staff(user)
    version = _lock_draft(version)
    item = _lock_part(version, "items", item) or Item(framework=version)
    _check_owner(version, placement, "placement")
    _check_owner(version, answer_scale, "answer_scale")
    code, concept = code.strip(), concept.strip()
    errors: dict[str, str] = {}
    if isinstance(placement, ItemGroup):
        group, sub = placement, placement.sub_indicator
        indicator_id, kind = sub.indicator_id, AnswerKind.DISCLOSURE
    else:
        group = sub = None
        indicator_id, kind = placement.pk, AnswerKind.SURVEY
        if placement.sub_indicators.exists():
            errors["placement"] = _(
                "Indicator %(number)s has sub-indicators: place the item in one of their groups."
            ) % {"number": placement.number}
        elif item.pk and item.elements.exists():
            errors["placement"] = _(
                "Only disclosure (O) items have required elements: delete this item's elements before "
                "making it a survey question."
            )
    if version.items.filter(code=code).exclude(pk=item.pk).exists():
        errors["code"] = _("Another item of this version already has the code %(code)s.") % {"code": code}
    if concept and version.items.filter(concept=concept).exclude(pk=item.pk).exists():
        errors["concept"] = _("Another item of this version already has the concept key %(key)s.") % {
            "key": concept
        }
    _raise(errors)
    moved = item.pk is None or (item.indicator_id, item.group_id) != (
        indicator_id,
        group.pk if group else None,
    )
    item.indicator_id, item.sub_indicator, item.group, item.kind = indicator_id, sub, group, kind
    item.code, item.name_th, item.answer_scale = code, name_th.strip(), answer_scale
    item.polarity, item.concept = polarity, concept
    item.replaces_concepts = [c.strip() for c in replaces_concepts if c.strip()]
    if moved:  # last in its new place
        item.order = _next_order(version.items)
    _save(item, "code")
    if moved:
        _items_renumber(version)
    return item


@transaction.atomic
def item_element_save(
    *,
    version: FrameworkVersion,
    item: Item,
    element: ItemElement | None = None,
    text: str,
    source: str,
    user: Any,
) -> ItemElement:
    """A required element of an O-item (the item passes only when every element is disclosed)."""
    require_staff(user)
    version = _lock_draft(version)
    _check_owner(version, item, "item")
    element = _lock_part(version, "elements", element)
    if element is not None and element.item_id != item.pk:
        raise ValidationError(_("This element belongs to another item."))
    if item.kind != AnswerKind.DISCLOSURE:
        raise ValidationError(_("Only disclosure (O) items have required elements."))
    element = element or ItemElement(item=item, order=_next_order(item.elements))
    element.text, element.source = text.strip(), source.strip()
    return _save(element, "text")


@transaction.atomic
def band_scheme_update(
    *, version: FrameworkVersion, kind: str, pass_mark: Decimal | None, sub_levels_note: str, user: Any
) -> BandScheme:
    require_staff(user)
    version = _lock_draft(version)
    scheme = BandScheme.objects.select_for_update().filter(framework=version).first() or BandScheme(
        framework=version
    )
    errors: dict[str, str] = {}
    if pass_mark is not None:
        _check_score(errors, "pass_mark", pass_mark)
    if kind == BandKind.PASS_FAIL and pass_mark is None:
        errors["pass_mark"] = _("A pass / fail scheme needs a pass mark.")
    _raise(errors)
    scheme.kind, scheme.pass_mark, scheme.sub_levels_note = kind, pass_mark, sub_levels_note.strip()
    return _save(scheme, "kind")


@transaction.atomic
def band_save(
    *,
    version: FrameworkVersion,
    band: Band | None = None,
    is_sub_level: bool,
    label: str,
    min_total: Decimal,
    min_each_tool: Decimal | None,
    passed: bool,
    user: Any,
) -> Band:
    """A band (or, with ``is_sub_level``, a sub-level such as ผ่านดีเยี่ยม) of the version's scheme."""
    require_staff(user)
    version = _lock_draft(version)
    band = _lock_part(version, "sub_levels" if is_sub_level else "bands", band)
    scheme = BandScheme.objects.filter(framework=version).first()
    if scheme is None:
        raise ValidationError(_("Save the band scheme first."))
    siblings = scheme.bands.filter(is_sub_level=is_sub_level)
    band = band or Band(scheme=scheme, is_sub_level=is_sub_level, order=_next_order(siblings))
    label = label.strip()
    errors: dict[str, str] = {}
    if siblings.filter(label=label).exclude(pk=band.pk).exists():
        errors["label"] = _("Another band of this table already has the label %(label)s.") % {"label": label}
    _check_score(errors, "min_total", min_total)
    if min_each_tool is not None:
        _check_score(errors, "min_each_tool", min_each_tool)
    _raise(errors)
    band.label, band.min_total, band.min_each_tool, band.passed = label, min_total, min_each_tool, passed
    return _save(band, "label")


@transaction.atomic
def framework_part_delete(*, version: FrameworkVersion, section: str, part: models.Model, user: Any) -> None:
    """Delete a row and everything under it (a tool takes its indicators and their items along)."""
    require_staff(user)
    version = _lock_draft(version)
    part = _lock_part(version, section, part)
    siblings = _siblings(section, part)
    part.delete()
    _orders_normalize(siblings)
    _items_renumber(version)


@transaction.atomic
def framework_part_move(
    *, version: FrameworkVersion, section: str, part: models.Model, step: int, user: Any
) -> None:
    """Move a row one place up (``step`` -1) or down (+1) among the rows beside it."""
    require_staff(user)
    version = _lock_draft(version)
    part = _lock_part(version, section, part)
    if section == "indicators":
        raise ValidationError(_("Indicators are ordered by their number: change the number instead."))
    rows = list(_siblings(section, part).order_by("order", "pk"))
    here = next(n for n, row in enumerate(rows) if row.pk == part.pk)
    there = here + (1 if step > 0 else -1)
    if not 0 <= there < len(rows):
        return
    rows[here], rows[there] = rows[there], rows[here]
    _orders_write(rows)
    _items_renumber(version)


# =========================================================================== helpers


def _lock_draft(version: FrameworkVersion) -> FrameworkVersion:
    """The version row, locked; refused unless it is a draft no assessment uses."""
    locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    refusal = edit_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    return locked


def _lock_part(version: FrameworkVersion, section: str, part: models.Model | None) -> Any:
    if part is None:
        return None
    try:
        return parts_of(version, section).select_for_update().get(pk=part.pk)
    except PART_MODELS[section].DoesNotExist as exc:
        raise ValidationError(_("This row does not belong to the version being edited.")) from exc


def _check_owner(version: FrameworkVersion, target: models.Model, field_name: str) -> None:
    if getattr(target, "framework_id", None) != version.pk:
        raise ValidationError({field_name: _("Choose from this version's own rows.")})


def _check_score(errors: dict[str, str], name: str, value: Decimal) -> None:
    if not SCORE_MIN <= value <= SCORE_MAX:
        errors[name] = _("Enter a value from 0 to 100.")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _save(obj: Any, conflict_field: str) -> Any:
    """full_clean, then save; a unique-constraint race becomes a friendly error on ``conflict_field``."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                conflict_field: _(
                    "Someone saved the same value at the same moment; reload the page and try again."
                )
            }
        ) from exc
    return obj


def _next_order(qs: QuerySet) -> int:
    return (qs.aggregate(top=Max("order"))["top"] or 0) + 1


def _siblings(section: str, part: Any) -> QuerySet:
    """The rows a part is ordered among."""
    model = type(part)
    if model is Tool:
        return Tool.objects.filter(framework=part.framework_id)
    if model is SubIndicator:
        return SubIndicator.objects.filter(indicator=part.indicator_id)
    if model is ItemGroup:
        return ItemGroup.objects.filter(sub_indicator=part.sub_indicator_id)
    if model is Item:
        return Item.objects.filter(indicator=part.indicator_id, group=part.group_id)
    if model is ItemElement:
        return ItemElement.objects.filter(item=part.item_id)
    if model is Band:
        return Band.objects.filter(scheme=part.scheme_id, is_sub_level=part.is_sub_level)
    return model.objects.none()


def _orders_normalize(qs: QuerySet) -> None:
    if qs.model is not Indicator:
        _orders_write(list(qs.order_by("order", "pk")))


def _orders_write(rows: list[Any]) -> None:
    """Number rows 0, 1, 2... in list order, saving only those that change (one audited save each)."""
    for n, row in enumerate(rows):
        if row.order != n:
            row.order = n
            row.save(update_fields=["order"])


def _items_renumber(version: FrameworkVersion) -> None:
    """Give items one running order in file order, so every page lists them as the file does."""
    outline = version_outline(version)
    for n, item in enumerate(outline.items, start=1):
        if item.order != n:
            item.order = n
            item.save(update_fields=["order"])
