"""Item mappings between two framework versions (fixtures/item_mappings/ita-YYYY-YYYY.json): parse,
validate and draft them, no database.

Carrying last year's measures forward moves their targets into the new year's framework. Item codes
move every year (O12 of 2565 is O10 of 2566), so the move is written down as data: an explicit list of
``{"from": "O12", "to": ["O10"]}`` for every item of the earlier version (one-to-many and many-to-one
allowed; ``"to": []`` says explicitly that the item has no successor), and, only where they differ,
indicator numbers and tool codes (``{"from": 4, "to": [3]}``); an indicator or tool not listed keeps
its number or code. ``draft_item_mapping`` writes the first version of a file from what the frameworks'
``concept`` / ``replaces_concepts`` fields say; an admin reviews it and commits it as data.

Every problem is reported with its place in the file (``items[3].to[0]``), as
``assessments.framework_file`` does, and nothing is accepted unless the whole file is valid. The
codes are checked against both versions, given as ``VersionCodes`` (from a framework file's spec or
from the database).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from assessments.framework_file import FrameworkSpec
from assessments.json_input import (
    MAX_SHOWN_CHARS,
    DefinitionFileError,
    TreeReader,
    check_tree,
    load_definition_file,
    printable,
    shown,
)

MAPPING_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "item_mappings"
FILE_VERSION = 1
NOTES_MAX = 5000
MAX_ENTRIES = 2000

_TOP_KEYS = ("version", "from_year", "to_year", "notes", "items", "indicators", "tools")
_ENTRY_KEYS = ("from", "to")


def mapping_path(from_year: int, to_year: int, directory: Path = MAPPING_DIR) -> Path:
    """Where the mapping between two fiscal years is stored: ``ita-2565-2566.json``."""
    return directory / f"ita-{from_year}-{to_year}.json"


@dataclass(frozen=True)
class ItemCodes:
    code: str
    concept: str
    replaces_concepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionCodes:
    """What a mapping is checked against: one framework version's items, indicators and tools."""

    fiscal_year: int
    items: tuple[ItemCodes, ...]  # framework order
    indicators: tuple[int, ...]
    tools: tuple[str, ...]

    @classmethod
    def from_spec(cls, spec: FrameworkSpec) -> VersionCodes:
        items, indicators, tools = [], [], []
        for tool in spec.tools:
            tools.append(tool.code)
            for indicator in tool.indicators:
                indicators.append(indicator.number)
                for item in (*indicator.items, *(i for sub in indicator.sub_indicators for i in sub.items)):
                    items.append(ItemCodes(item.code, item.concept, tuple(item.replaces_concepts)))
        return cls(spec.fiscal_year, tuple(items), tuple(indicators), tuple(tools))

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)


@dataclass(frozen=True)
class ItemMapping:
    """A validated mapping; ``items`` names every item of the earlier version."""

    from_year: int
    to_year: int
    items: dict[str, tuple[str, ...]]
    indicators: dict[int, tuple[int, ...]]  # only the ones that differ
    tools: dict[str, tuple[str, ...]]  # only the ones that differ

    def indicator_targets(self, number: int) -> tuple[int, ...]:
        return self.indicators.get(number, (number,))

    def tool_targets(self, code: str) -> tuple[str, ...]:
        return self.tools.get(code, (code,))


class ItemMappingError(DefinitionFileError):
    """All problems found in one mapping file, each as (place in the file, message)."""


# --------------------------------------------------------------------------- drafting


def concept_successors(item: ItemCodes, target: VersionCodes) -> tuple[str, ...]:
    """The target items that carry the item's concept on: the same key, or an item that took it over."""
    if not item.concept:
        return ()
    return tuple(
        t.code for t in target.items if t.concept == item.concept or item.concept in t.replaces_concepts
    )


def draft_item_mapping(source: VersionCodes, target: VersionCodes, notes: str = "") -> dict[str, Any]:
    """The mapping the concept fields say, in the file's layout (to review, then commit as data)."""
    data: dict[str, Any] = {"version": FILE_VERSION, "from_year": source.fiscal_year}
    data["to_year"] = target.fiscal_year
    if notes:
        data["notes"] = notes
    data["items"] = [
        {"from": item.code, "to": list(concept_successors(item, target))} for item in source.items
    ]
    indicators = [{"from": n, "to": []} for n in source.indicators if n not in target.indicators]
    tools = [{"from": c, "to": []} for c in source.tools if c not in target.tools]
    if indicators:
        data["indicators"] = indicators
    if tools:
        data["tools"] = tools
    return data


# --------------------------------------------------------------------------- parsing


class _Reader(TreeReader):
    array_limit = MAX_ENTRIES


def _year(r: _Reader, data: dict, key: str, expected: int) -> None:
    value = data.get(key)
    if isinstance(value, bool) or value != expected:
        r.fail(
            key,
            _("must be %(expected)s (this one is %(value)s)") % {"expected": expected, "value": shown(value)},
        )


def _section(
    r: _Reader,
    data: dict,
    key: str,
    source: Iterable[Any],
    target: Iterable[Any],
    *,
    kind: type,
    required: bool,
) -> dict[Any, tuple[Any, ...]]:
    """One list of ``{"from", "to"}`` entries; ``kind`` is str for codes, int for numbers."""
    source, target = list(source), set(target)
    out: dict[Any, tuple[Any, ...]] = {}
    for i, node in enumerate(r.array(data, key, "$", required=required)):
        where = f"{key}[{i}]"
        if r.obj(node, where) is None:
            continue
        r.known_keys(node, where, _ENTRY_KEYS)
        code = node.get("from")
        if not isinstance(code, kind) or isinstance(code, bool):
            r.fail(f"{where}.from", _("a code of the earlier version is required"))
            continue
        if code not in source:
            r.fail(
                f"{where}.from",
                _("%(code)s is not in the %(year)s framework")
                % {"code": printable(str(code), MAX_SHOWN_CHARS), "year": data.get("from_year")},
            )
        elif code in out:
            r.fail(f"{where}.from", _("%(code)s is listed twice") % {"code": code})
            continue
        to = node.get("to")
        if not isinstance(to, list):
            r.fail(f"{where}.to", _("a list is required (an empty list: no successor)"))
            continue
        targets: list[Any] = []
        for j, value in enumerate(to):
            at = f"{where}.to[{j}]"
            if not isinstance(value, kind) or isinstance(value, bool):
                r.fail(at, _("a code of the later version is required"))
            elif value not in target:
                r.fail(
                    at,
                    _("%(code)s is not in the %(year)s framework")
                    % {"code": printable(str(value), MAX_SHOWN_CHARS), "year": data.get("to_year")},
                )
            elif value in targets:
                r.fail(at, _("%(code)s is listed twice") % {"code": value})
            else:
                targets.append(value)
        out[code] = tuple(targets)
    return out


def parse_item_mapping(data: Any, source: VersionCodes, target: VersionCodes) -> ItemMapping:
    """Validate a mapping (a parsed JSON tree) against the two versions it maps between.

    Every item of ``source`` must be listed once. Raises ItemMappingError with every problem.
    """
    data = check_tree(data, ItemMappingError)
    r = _Reader()
    r.known_keys(data, "$", _TOP_KEYS)
    r.file_version(data, FILE_VERSION)
    _year(r, data, "from_year", source.fiscal_year)
    _year(r, data, "to_year", target.fiscal_year)
    notes = data.get("notes", "")
    if not isinstance(notes, str) or len(notes) > NOTES_MAX:
        r.fail("notes", _("at most %(limit)s characters of text") % {"limit": NOTES_MAX})
    items = _section(r, data, "items", source.item_codes, target.item_codes, kind=str, required=True)
    missing = [code for code in source.item_codes if code not in items]
    if missing and items:
        r.fail(
            "items",
            _('every item of the earlier version must be listed ("to": [] for none); missing: %(codes)s')
            % {"codes": ", ".join(missing)},
        )
    indicators = _section(
        r, data, "indicators", source.indicators, target.indicators, kind=int, required=False
    )
    tools = _section(r, data, "tools", source.tools, target.tools, kind=str, required=False)
    for number in source.indicators:
        if number not in indicators and number not in target.indicators:
            r.fail("indicators", _("indicator %(number)s has no successor listed") % {"number": number})
    for code in source.tools:
        if code not in tools and code not in target.tools:
            r.fail("tools", _("tool %(code)s has no successor listed") % {"code": code})
    if r.problems:
        raise ItemMappingError(r.problems)
    return ItemMapping(source.fiscal_year, target.fiscal_year, items, indicators, tools)


def load_item_mapping(path: str | Path, source: VersionCodes, target: VersionCodes) -> ItemMapping:
    """Read and validate a mapping file; problems name the file."""
    return load_definition_file(path, lambda data: parse_item_mapping(data, source, target), ItemMappingError)
