"""Framework definition files (fixtures/frameworks/ita-YYYY.json): parse and validate, no database.

Every problem is collected with its place in the file (e.g. ``tools[2].indicators[0].items[3].code``)
so an admin sees all of them at once; nothing is written unless the whole file is valid. Whatever
``parse_framework`` accepts fits the model fields (lengths, digits, decimal places, small integers),
so a load never stops half-way on SQLite or PostgreSQL.

Files are read through ``json_input`` (size limit, strict UTF-8, no NaN or 5,000-digit numbers, no
duplicate keys, a nesting limit); its problems come first, with their places, and stop the parse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from . import scoring
from .json_input import (
    MAX_SHOWN_CHARS,
    DefinitionFileError,
    TreeReader,
    as_decimal,
    check_tree,
    load_definition_file,
    place,
    printable,
    shown,
)
from .models import (
    AnswerOption,
    AnswerScale,
    Band,
    BandScheme,
    FrameworkVersion,
    Indicator,
    Item,
    ItemElement,
    ItemGroup,
    SubIndicator,
    Tool,
)

STATUSES = ("verified", "provisional")
BAND_KINDS = ("letter", "pass_fail")
POLARITIES = ("+", "-", "mixed", "")
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField (indicator number, order) on PostgreSQL


@dataclass(frozen=True)
class ElementSpec:
    text: str
    source: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name_th: str
    answer: str
    polarity: str
    concept: str
    elements: tuple[ElementSpec, ...] = ()
    replaces_concepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupSpec:
    name_th: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class SubIndicatorSpec:
    code: str
    name_th: str
    groups: tuple[GroupSpec, ...]
    grouping_status: str = ""

    @property
    def items(self) -> tuple[ItemSpec, ...]:
        return tuple(item for group in self.groups for item in group.items)


@dataclass(frozen=True)
class IndicatorSpec:
    number: int
    name_th: str
    items: tuple[ItemSpec, ...] = ()
    sub_indicators: tuple[SubIndicatorSpec, ...] = ()


@dataclass(frozen=True)
class ToolSpec:
    code: str
    name_th: str
    weight: Decimal
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class BandSpec:
    label: str
    min_total: Decimal
    passed: bool
    min_each_tool: Decimal | None = None


@dataclass(frozen=True)
class ScaleSpec:
    code: str
    status: str
    values: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class FrameworkSpec:
    fiscal_year: int
    name_th: str
    status: str
    notes: str
    band_kind: str
    pass_mark: Decimal | None
    bands: tuple[BandSpec, ...]
    sub_levels: tuple[BandSpec, ...]
    sub_levels_note: str
    scales: tuple[ScaleSpec, ...]
    tools: tuple[ToolSpec, ...]
    raw: dict[str, Any]

    @property
    def checksum(self) -> str:
        canonical = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_scoring(self) -> scoring.Framework:
        """The scoring module's view of this definition."""
        indicators = []
        for tool in self.tools:
            for ind in tool.indicators:
                subs = tuple(
                    scoring.SubIndicatorDef(sub.code, tuple(i.code for i in sub.items))
                    for sub in ind.sub_indicators
                )
                indicators.append(
                    scoring.IndicatorDef(ind.number, tool.code, tuple(i.code for i in ind.items), subs)
                )

        def band_defs(specs: tuple[BandSpec, ...]) -> tuple[scoring.BandDef, ...]:
            return tuple(scoring.BandDef(b.label, b.min_total, b.passed, b.min_each_tool) for b in specs)

        return scoring.Framework(
            fiscal_year=self.fiscal_year,
            tools=tuple(
                scoring.ToolDef(t.code, t.weight, tuple(i.number for i in t.indicators)) for t in self.tools
            ),
            indicators=tuple(indicators),
            bands=band_defs(self.bands),
            pass_mark=self.pass_mark,
            sub_levels=band_defs(self.sub_levels),
        )


# --------------------------------------------------------------------------- definitions


class FrameworkFileError(DefinitionFileError):
    """All problems found in one definition, each as (place in the file, message)."""


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


class _Reader(TreeReader):
    """Reads values out of the JSON tree, noting every problem instead of stopping at the first.

    ``unique`` collects (place, value) pairs per kind of code so duplicates are named where they occur.
    """

    array_limit = SMALL_INT_MAX

    def __init__(self) -> None:
        super().__init__()
        self.unique: dict[str, list[tuple[str, str]]] = {}

    def note(self, what: str, where: str, value: str) -> None:
        if value:
            self.unique.setdefault(what, []).append((where, value))

    def length(self, value: str, where: str, field: tuple[type[models.Model], str] | None) -> None:
        limit = _field(*field).max_length if field else None
        if limit is not None and len(value) > limit:
            self.fail(
                where,
                _("at most %(limit)s characters (this one has %(length)s)")
                % {"limit": limit, "length": len(value)},
            )

    def text(
        self,
        node: dict,
        key: str,
        where: str,
        *,
        required: bool = True,
        field: tuple[type[models.Model], str] | None = None,
    ) -> str:
        at = place(where, key)
        value = node.get(key, "")
        if value is None and not required:
            value = ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(at, _("a text value is required"))
            return ""
        value = value.strip()
        self.length(value, at, field)
        return value

    def decimal(
        self,
        node: dict,
        key: str,
        where: str,
        *,
        field: tuple[type[models.Model], str],
        low: int = 0,
        high: int = 100,
    ) -> Decimal:
        """A number within [low, high] that the model's DecimalField stores exactly."""
        at = place(where, key)
        raw = node.get(key)
        value = as_decimal(raw)
        if value is None:
            self.fail(at, _("%(value)s is not a number") % {"value": shown(raw)})
            return Decimal(0)
        if not value.is_finite() or not low <= value <= high:
            self.fail(at, _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
            return value if value.is_finite() else Decimal(0)
        decimal_field = _field(*field)
        places = decimal_field.decimal_places
        if value.as_tuple().exponent < -places:
            self.fail(at, _("at most %(places)s decimal places") % {"places": places})
        elif abs(value) >= 10 ** (decimal_field.max_digits - places):
            self.fail(
                at,
                _("too large: at most %(digits)s digits before the decimal point")
                % {"digits": decimal_field.max_digits - places},
            )
        return value


def parse_framework(data: Any) -> FrameworkSpec:
    """Validate a framework definition (a parsed JSON tree) and return it typed.

    Raises FrameworkFileError with every problem and its place in the file; whatever passes fits the
    model fields, so ``services.framework_load`` cannot fail half-way on a length or a number.
    """
    data = check_tree(data, FrameworkFileError)
    r = _Reader()
    year = data.get("fiscal_year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2500 <= year <= 2700:
        r.fail("fiscal_year", _("a Buddhist-era year such as 2565 is required"))
        year = 0
    status = data.get("status")
    if status not in STATUSES:
        r.fail("status", _("must be one of: %(choices)s") % {"choices": ", ".join(STATUSES)})
    name_th = r.text(data, "name_th", "$", field=(FrameworkVersion, "name_th"))
    notes = r.text(data, "notes", "$", required=False)

    scales = _parse_scales(r, data)
    tools = _parse_tools(r, data, {s.code for s in scales})
    band_kind, pass_mark, bands, sub_levels, sub_levels_note = _parse_bands(r, data)

    if tools and sum((t.weight for t in tools), Decimal(0)) != 100:
        r.fail("tools", _("tool weights must add up to 100"))
    items = sum(
        len(ind.items) + sum(len(s.items) for s in ind.sub_indicators) for t in tools for ind in t.indicators
    )
    if items > SMALL_INT_MAX:
        r.fail("tools", _("at most %(limit)s items") % {"limit": SMALL_INT_MAX})
    for what, label in (
        ("tool", _("tool code")),
        ("indicator", _("indicator number")),
        ("sub_indicator", _("sub-indicator code")),
        ("item", _("item code")),
        ("concept", _("concept key")),
    ):
        _check_unique(r, r.unique.get(what, []), label)

    if r.problems:
        raise FrameworkFileError(r.problems)
    return FrameworkSpec(
        fiscal_year=year,
        name_th=name_th,
        status=str(status),
        notes=notes,
        band_kind=band_kind,
        pass_mark=pass_mark,
        bands=bands,
        sub_levels=sub_levels,
        sub_levels_note=sub_levels_note,
        scales=scales,
        tools=tools,
        raw=data,
    )


def load_framework_file(path: str | Path) -> FrameworkSpec:
    """Read and validate a definition file; problems name the file."""
    return load_definition_file(path, parse_framework, FrameworkFileError)


def _check_unique(r: _Reader, pairs: list[tuple[str, str]], what: str) -> None:
    seen: set[str] = set()
    for where, value in pairs:
        if value in seen:
            r.fail(
                where,
                _("duplicate %(what)s %(value)s")
                % {"what": what, "value": printable(value, MAX_SHOWN_CHARS)},
            )
        seen.add(value)


def _parse_scales(r: _Reader, data: dict) -> tuple[ScaleSpec, ...]:
    raw = data.get("answer_scales")
    if not isinstance(raw, dict) or not raw:
        r.fail("answer_scales", _("at least one answer scale is required"))
        return ()
    scales = []
    for code, node in raw.items():
        where = place("answer_scales", code)
        if not code.strip():
            r.fail(where, _("a code is required"))
        r.length(code, where, (AnswerScale, "code"))
        if r.obj(node, where) is None:
            continue
        values = node.get("values")
        if not isinstance(values, dict) or not values:
            r.fail(f"{where}.values", _("a non-empty list of answers is required"))
            continue
        if len(values) > SMALL_INT_MAX:
            r.fail(f"{where}.values", _("at most %(limit)s entries") % {"limit": SMALL_INT_MAX})
            continue
        parsed = []
        for label in values:
            at = place(f"{where}.values", label)
            if not label.strip():
                r.fail(at, _("an answer label is required"))
            r.length(label, at, (AnswerOption, "label"))
            parsed.append((label, r.decimal(values, label, f"{where}.values", field=(AnswerOption, "score"))))
        status = r.text(node, "status", where, required=False, field=(AnswerScale, "status_note"))
        scales.append(ScaleSpec(code, status, tuple(parsed)))
    return tuple(scales)


def _parse_bands(r: _Reader, data: dict):
    scheme = data.get("band_scheme")
    if not isinstance(scheme, dict):
        r.fail("band_scheme", _("a band scheme is required"))
        return "letter", None, (), (), ""
    kind = scheme.get("kind")
    if kind not in BAND_KINDS:
        r.fail("band_scheme.kind", _("must be one of: %(choices)s") % {"choices": ", ".join(BAND_KINDS)})
    pass_mark = None
    if scheme.get("pass_mark") is not None:
        pass_mark = r.decimal(scheme, "pass_mark", "band_scheme", field=(BandScheme, "pass_mark"))

    def bands_of(nodes: list, where: str) -> tuple[BandSpec, ...]:
        out = []
        labels: set[str] = set()
        for i, node in enumerate(nodes):
            at = f"{where}[{i}]"
            if not isinstance(node, dict):
                r.fail(at, _("a band must be an object"))
                continue
            label = r.text(node, "label", at, field=(Band, "label"))
            if label and label in labels:
                r.fail(
                    f"{at}.label",
                    _("duplicate %(what)s %(value)s") % {"what": _("band label"), "value": label},
                )
            labels.add(label)
            each = None
            if node.get("min_each_tool") is not None:
                each = r.decimal(node, "min_each_tool", at, field=(Band, "min_each_tool"))
            passed = node.get("passed")
            if not isinstance(passed, bool):
                r.fail(f"{at}.passed", _("true or false is required"))
            out.append(
                BandSpec(label, r.decimal(node, "min", at, field=(Band, "min_total")), bool(passed), each)
            )
        if out and min(b.min_total for b in out) != 0:
            r.fail(where, _("the lowest band must start at 0.00 so every total has a band"))
        return tuple(out)

    bands = bands_of(r.array(scheme, "bands", "band_scheme"), "band_scheme.bands")
    sub = scheme.get("sub_levels")
    if sub is None or sub == {}:
        return str(kind), pass_mark, bands, (), ""
    if r.obj(sub, "band_scheme.sub_levels") is None:
        return str(kind), pass_mark, bands, (), ""
    levels = bands_of(
        r.array(sub, "levels", "band_scheme.sub_levels", required=False), "band_scheme.sub_levels.levels"
    )
    note = r.text(
        sub, "status", "band_scheme.sub_levels", required=False, field=(BandScheme, "sub_levels_note")
    )
    return str(kind), pass_mark, bands, levels, note


def _parse_item(r: _Reader, node: Any, where: str, scale_codes: set[str], *, disclosure: bool) -> ItemSpec:
    if r.obj(node, where) is None:
        return ItemSpec("", "", "", "", "")
    code = r.text(node, "code", where, field=(Item, "code"))
    r.note("item", f"{where}.code", code)
    name_key = "label_th" if "name_th" not in node and "label_th" in node else "name_th"
    name = r.text(node, name_key, where, field=(Item, "name_th"))
    answer = r.text(node, "answer", where)
    if answer and answer not in scale_codes:
        r.fail(
            f"{where}.answer",
            _("unknown answer scale %(code)s") % {"code": printable(answer, MAX_SHOWN_CHARS)},
        )
    polarity = node.get("polarity", "")
    if polarity not in POLARITIES:
        r.fail(f"{where}.polarity", _("must be one of: +, -, mixed"))
        polarity = ""
    concept = r.text(node, "concept", where, required=False, field=(Item, "concept"))
    r.note("concept", f"{where}.concept", concept)
    source = r.text(node, "elements_source", where, required=False, field=(ItemElement, "source"))
    elements = []
    for j, text in enumerate(r.array(node, "elements", where, required=False)):
        at = f"{where}.elements[{j}]"
        if not isinstance(text, str) or not text.strip():
            r.fail(at, _("a text value is required"))
            continue
        r.length(text.strip(), at, (ItemElement, "text"))
        elements.append(ElementSpec(text.strip(), source))
    replaces = node.get("replaces_concepts", [])
    if not isinstance(replaces, list) or not all(isinstance(c, str) and c.strip() for c in replaces):
        r.fail(f"{where}.replaces_concepts", _("must be a list of texts"))
        replaces = []
    for j, concept_key in enumerate(replaces):
        r.length(concept_key, f"{where}.replaces_concepts[{j}]", (Item, "concept"))
    if elements and not disclosure:
        r.fail(f"{where}.elements", _("only disclosure (O) items have required elements"))
    return ItemSpec(
        code=code,
        name_th=name,
        answer=answer,
        polarity=str(polarity),
        concept=concept,
        elements=tuple(elements),
        replaces_concepts=tuple(replaces),
    )


def _parse_indicator(r: _Reader, inode: dict, iw: str, scale_codes: set[str]) -> IndicatorSpec:
    number = inode.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= SMALL_INT_MAX:
        r.fail(f"{iw}.number", _("a positive whole number is required"))
        number = 0
    else:
        r.note("indicator", f"{iw}.number", str(number))
    name_th = r.text(inode, "name_th", iw, field=(Indicator, "name_th"))
    if "sub_indicators" not in inode:
        items = tuple(
            _parse_item(r, node, f"{iw}.items[{k}]", scale_codes, disclosure=False)
            for k, node in enumerate(r.array(inode, "items", iw))
        )
        return IndicatorSpec(number, name_th, items, ())
    subs = []
    for s, snode in enumerate(r.array(inode, "sub_indicators", iw)):
        sw = f"{iw}.sub_indicators[{s}]"
        if r.obj(snode, sw) is None:
            continue
        code = r.text(snode, "code", sw, field=(SubIndicator, "code"))
        r.note("sub_indicator", f"{sw}.code", code)
        name = r.text(snode, "name_th", sw, field=(SubIndicator, "name_th"))
        grouping_status = r.text(snode, "grouping_status", sw, required=False)
        groups = []
        for g, gnode in enumerate(r.array(snode, "groups", sw)):
            gw = f"{sw}.groups[{g}]"
            if r.obj(gnode, gw) is None:
                continue
            heading = r.text(gnode, "name_th", gw, field=(ItemGroup, "name_th"))
            items = tuple(
                _parse_item(r, node, f"{gw}.items[{k}]", scale_codes, disclosure=True)
                for k, node in enumerate(r.array(gnode, "items", gw))
            )
            groups.append(GroupSpec(heading, items))
        subs.append(SubIndicatorSpec(code, name, tuple(groups), grouping_status))
    return IndicatorSpec(number, name_th, (), tuple(subs))


def _parse_tools(r: _Reader, data: dict, scale_codes: set[str]) -> tuple[ToolSpec, ...]:
    tools = []
    for t, tnode in enumerate(r.array(data, "tools", "$")):
        tw = f"tools[{t}]"
        if r.obj(tnode, tw) is None:
            continue
        code = r.text(tnode, "code", tw, field=(Tool, "code"))
        r.note("tool", f"{tw}.code", code)
        name_th = r.text(tnode, "name_th", tw, field=(Tool, "name_th"))
        weight = r.decimal(tnode, "weight", tw, field=(Tool, "weight"))
        indicators = []
        for i, inode in enumerate(r.array(tnode, "indicators", tw)):
            iw = f"{tw}.indicators[{i}]"
            if r.obj(inode, iw) is not None:
                indicators.append(_parse_indicator(r, inode, iw, scale_codes))
        tools.append(ToolSpec(code=code, name_th=name_th, weight=weight, indicators=tuple(indicators)))
    return tuple(tools)
