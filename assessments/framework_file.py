"""Framework definition files (fixtures/frameworks/ita-YYYY.json): parse and validate, no database.

Every problem is collected with its place in the file (e.g. ``tools[2].indicators[0].items[3].code``)
so an admin sees all of them at once; nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from . import scoring

STATUSES = ("verified", "provisional")
BAND_KINDS = ("letter", "pass_fail")
POLARITIES = ("+", "-", "mixed", "")


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


class FrameworkFileError(Exception):
    """All problems found in one definition, each as (place in the file, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))


class _Reader:
    """Reads values out of the JSON tree, noting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def text(self, node: dict, key: str, where: str, *, required: bool = True) -> str:
        value = node.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}.{key}", _("a text value is required"))
            return ""
        return value.strip()

    def decimal(self, node: dict, key: str, where: str, *, low: int = 0, high: int = 100) -> Decimal:
        raw = node.get(key)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            self.fail(f"{where}.{key}", _("%(value)r is not a number") % {"value": raw})
            return Decimal(0)
        if not value.is_finite() or not low <= value <= high:
            self.fail(
                f"{where}.{key}", _("must be between %(low)s and %(high)s") % {"low": low, "high": high}
            )
        return value

    def array(self, node: dict, key: str, where: str) -> list:
        value = node.get(key)
        if not isinstance(value, list) or not value:
            self.fail(f"{where}.{key}", _("a non-empty list is required"))
            return []
        return value


def parse_framework(data: Any) -> FrameworkSpec:
    """Validate a framework definition and return it typed; raise FrameworkFileError on any problem."""
    r = _Reader()
    if not isinstance(data, dict):
        raise FrameworkFileError([("$", _("the file must hold one JSON object"))])
    year = data.get("fiscal_year")
    if not isinstance(year, int) or not 2500 <= year <= 2700:
        r.fail("fiscal_year", _("a Buddhist-era year such as 2565 is required"))
        year = 0
    status = data.get("status")
    if status not in STATUSES:
        r.fail("status", _("must be one of: %(choices)s") % {"choices": ", ".join(STATUSES)})

    scales = _parse_scales(r, data)
    scale_codes = {s.code for s in scales}
    tools = _parse_tools(r, data, scale_codes)
    band_kind, pass_mark, bands, sub_levels, sub_levels_note = _parse_bands(r, data)

    if tools and sum((t.weight for t in tools), Decimal(0)) != 100:
        r.fail("tools", _("tool weights must add up to 100"))
    _check_unique(r, [(f"tools[{i}].code", t.code) for i, t in enumerate(tools)], _("tool code"))
    numbers = [(f"indicator {ind.number}", str(ind.number)) for t in tools for ind in t.indicators]
    _check_unique(r, numbers, _("indicator number"))
    codes, concepts = [], []
    for t in tools:
        for ind in t.indicators:
            items = list(ind.items) + [i for sub in ind.sub_indicators for i in sub.items]
            codes += [(f"indicator {ind.number}", i.code) for i in items]
            concepts += [(f"item {i.code}", i.concept) for i in items if i.concept]
    _check_unique(r, codes, _("item code"))
    _check_unique(r, concepts, _("concept key"))
    subs = [
        (f"indicator {ind.number}", s.code) for t in tools for ind in t.indicators for s in ind.sub_indicators
    ]
    _check_unique(r, subs, _("sub-indicator code"))

    if r.problems:
        raise FrameworkFileError(r.problems)
    return FrameworkSpec(
        fiscal_year=year,
        name_th=r.text(data, "name_th", "$"),
        status=str(status),
        notes=str(data.get("notes", "")),
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
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FrameworkFileError([(path.name, _("file not found"))]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([(path.name, _("not valid JSON: %(error)s") % {"error": exc})]) from exc
    try:
        return parse_framework(data)
    except FrameworkFileError as exc:
        raise FrameworkFileError([(f"{path.name}: {where}", msg) for where, msg in exc.problems]) from exc


def _check_unique(r: _Reader, pairs: list[tuple[str, str]], what: str) -> None:
    seen: set[str] = set()
    for where, value in pairs:
        if value in seen:
            r.fail(where, _("duplicate %(what)s %(value)s") % {"what": what, "value": value})
        seen.add(value)


def _parse_scales(r: _Reader, data: dict) -> tuple[ScaleSpec, ...]:
    raw = data.get("answer_scales")
    if not isinstance(raw, dict) or not raw:
        r.fail("answer_scales", _("at least one answer scale is required"))
        return ()
    scales = []
    for code, node in raw.items():
        where = f"answer_scales.{code}"
        values = node.get("values") if isinstance(node, dict) else None
        if not isinstance(values, dict) or not values:
            r.fail(f"{where}.values", _("a non-empty list of answers is required"))
            continue
        parsed = tuple((label, r.decimal(values, label, f"{where}.values")) for label in values)
        scales.append(ScaleSpec(code, str(node.get("status", "")), parsed))
    return tuple(scales)


def _parse_bands(r: _Reader, data: dict):
    scheme = data.get("band_scheme")
    if not isinstance(scheme, dict):
        r.fail("band_scheme", _("a band scheme is required"))
        return "letter", None, (), (), ""
    kind = scheme.get("kind")
    if kind not in BAND_KINDS:
        r.fail("band_scheme.kind", _("must be one of: %(choices)s") % {"choices": ", ".join(BAND_KINDS)})
    pass_mark = r.decimal(scheme, "pass_mark", "band_scheme") if "pass_mark" in scheme else None

    def bands_of(nodes: list, where: str) -> tuple[BandSpec, ...]:
        out = []
        for i, node in enumerate(nodes):
            at = f"{where}[{i}]"
            if not isinstance(node, dict):
                r.fail(at, _("a band must be an object"))
                continue
            each = r.decimal(node, "min_each_tool", at) if node.get("min_each_tool") is not None else None
            passed = node.get("passed")
            if not isinstance(passed, bool):
                r.fail(f"{at}.passed", _("true or false is required"))
            out.append(BandSpec(r.text(node, "label", at), r.decimal(node, "min", at), bool(passed), each))
        if out and min(b.min_total for b in out) != 0:
            r.fail(where, _("the lowest band must start at 0.00 so every total has a band"))
        return tuple(out)

    bands = bands_of(r.array(scheme, "bands", "band_scheme"), "band_scheme.bands")
    sub = scheme.get("sub_levels") or {}
    sub_levels = bands_of(sub.get("levels", []), "band_scheme.sub_levels.levels") if sub else ()
    return str(kind), pass_mark, bands, sub_levels, str(sub.get("status", "")) if sub else ""


def _parse_item(r: _Reader, node: Any, where: str, scale_codes: set[str], *, disclosure: bool) -> ItemSpec:
    if not isinstance(node, dict):
        r.fail(where, _("an item must be an object"))
        return ItemSpec("", "", "", "", "")
    answer = r.text(node, "answer", where)
    if answer and answer not in scale_codes:
        r.fail(f"{where}.answer", _("unknown answer scale %(code)s") % {"code": answer})
    polarity = node.get("polarity", "")
    if polarity not in POLARITIES:
        r.fail(f"{where}.polarity", _("must be one of: +, -, mixed"))
    name = node.get("name_th") or node.get("label_th") or ""
    if not name:
        r.fail(f"{where}.name_th", _("a text value is required"))
    elements = []
    raw_elements = node.get("elements", [])
    if not isinstance(raw_elements, list):
        r.fail(f"{where}.elements", _("must be a list of texts"))
        raw_elements = []
    for j, text in enumerate(raw_elements):
        if not isinstance(text, str) or not text.strip():
            r.fail(f"{where}.elements[{j}]", _("a text value is required"))
            continue
        elements.append(ElementSpec(text.strip(), str(node.get("elements_source", ""))))
    replaces = node.get("replaces_concepts", [])
    if not isinstance(replaces, list) or not all(isinstance(c, str) and c for c in replaces):
        r.fail(f"{where}.replaces_concepts", _("must be a list of texts"))
        replaces = []
    if elements and not disclosure:
        r.fail(f"{where}.elements", _("only disclosure (O) items have required elements"))
    return ItemSpec(
        code=r.text(node, "code", where),
        name_th=str(name).strip(),
        answer=answer,
        polarity=str(polarity or ""),
        concept=str(node.get("concept", "")).strip(),
        elements=tuple(elements),
        replaces_concepts=tuple(replaces),
    )


def _parse_tools(r: _Reader, data: dict, scale_codes: set[str]) -> tuple[ToolSpec, ...]:
    tools = []
    for t, tnode in enumerate(r.array(data, "tools", "$")):
        tw = f"tools[{t}]"
        indicators = []
        for i, inode in enumerate(r.array(tnode, "indicators", tw)):
            iw = f"{tw}.indicators[{i}]"
            number = inode.get("number")
            if not isinstance(number, int) or number < 1:
                r.fail(f"{iw}.number", _("a positive whole number is required"))
                number = 0
            if "sub_indicators" in inode:
                subs = []
                for s, snode in enumerate(r.array(inode, "sub_indicators", iw)):
                    sw = f"{iw}.sub_indicators[{s}]"
                    groups = []
                    for g, gnode in enumerate(r.array(snode, "groups", sw)):
                        gw = f"{sw}.groups[{g}]"
                        items = tuple(
                            _parse_item(r, node, f"{gw}.items[{k}]", scale_codes, disclosure=True)
                            for k, node in enumerate(r.array(gnode, "items", gw))
                        )
                        groups.append(GroupSpec(r.text(gnode, "name_th", gw), items))
                    subs.append(
                        SubIndicatorSpec(
                            r.text(snode, "code", sw),
                            r.text(snode, "name_th", sw),
                            tuple(groups),
                            str(snode.get("grouping_status", "")),
                        )
                    )
                indicators.append(IndicatorSpec(number, r.text(inode, "name_th", iw), (), tuple(subs)))
            else:
                items = tuple(
                    _parse_item(r, node, f"{iw}.items[{k}]", scale_codes, disclosure=False)
                    for k, node in enumerate(r.array(inode, "items", iw))
                )
                indicators.append(IndicatorSpec(number, r.text(inode, "name_th", iw), items, ()))
        tools.append(
            ToolSpec(
                code=r.text(tnode, "code", tw),
                name_th=r.text(tnode, "name_th", tw),
                weight=r.decimal(tnode, "weight", tw),
                indicators=tuple(indicators),
            )
        )
    return tuple(tools)
