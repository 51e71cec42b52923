"""The measure template library (fixtures/measure_templates.json): parse and validate, no database.

A template is a suggested improvement measure (มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน, the
evidence of O42 and, once reported on, of O43) with the seeds' columns: the measure, its guideline
(แนวทางปฏิบัติ), ordered steps (ขั้นตอนหรือวิธีการ), the kinds of unit that usually carry it, the
monitoring rounds and the expected outcome. "Draft measures for my weak points" proposes templates by
the indicators and the items they target.

Targets name item *concept keys*, never item codes: codes move every year (O34 of 2565 is not O34 of
2566), concepts stay (fixtures/frameworks/README.md). ``unknown_concepts`` checks them against the
framework files, which this module reads but does not own.

The library is data an admin may edit, so every problem is collected with its place in the file
(``templates[3].rounds[1]``), as ``assessments.framework_file`` does, and nothing is accepted unless the
whole file is valid. Files are read through ``assessments.json_input`` (size limit, strict UTF-8, no
duplicate keys, no NaN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.framework_file import load_framework_file
from assessments.json_input import (
    MAX_SHOWN_CHARS,
    DefinitionFileError,
    TreeReader,
    check_tree,
    load_definition_file,
    printable,
)

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "measure_templates.json"
FILE_VERSION = 1  # the layout this parser reads; a new layout gets a new number

TOOLS = ("IIT", "EIT", "OIT")
INDICATORS = range(1, 11)  # the ten indicators of the 2562–2569 skeleton (DOMAIN.md §2)
ROUNDS = (3, 6, 9, 12)  # monitoring rounds: months after the fiscal year starts on 1 October
ALL_UNITS = "all"

# Kinds of unit that usually carry a measure (the seeds' ผู้รับผิดชอบ column); an organization's own
# units are matched to these when a template becomes a measure.
UNIT_KINDS = {
    "clerk_office": gettext_lazy("Office of the Permanent Secretary"),  # สำนักปลัด
    "finance": gettext_lazy("Finance Division"),  # กองคลัง
    "engineering": gettext_lazy("Engineering Division"),  # กองช่าง
    "education": gettext_lazy("Education Division"),  # กองการศึกษา
    "strategy": gettext_lazy("Strategy and Budget Division"),  # กองยุทธศาสตร์และงบประมาณ
    "personnel": gettext_lazy("Personnel Division"),  # กองการเจ้าหน้าที่
    "audit": gettext_lazy("Internal Audit Unit"),  # หน่วยตรวจสอบภายใน
    ALL_UNITS: gettext_lazy("All divisions"),  # ทุกกอง
}

CODE_MAX = 64
CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CONCEPT_MAX = 80  # Item.concept
TITLE_MAX = 300
GUIDELINE_MAX = 2000
OUTCOME_MAX = 2000
STEP_MAX = 500
NOTES_MAX = 5000
MAX_STEPS = 20
MAX_TEMPLATES = 1000

_TOP_KEYS = ("version", "notes", "templates")
_TEMPLATE_KEYS = (
    "code",
    "title_th",
    "targets",
    "guideline_th",
    "steps_th",
    "unit_kinds",
    "rounds",
    "outcome_th",
    "active",
)
_TARGET_KEYS = ("tools", "indicators", "concepts")


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    title_th: str
    tools: tuple[str, ...]
    indicators: tuple[int, ...]
    concepts: tuple[str, ...]
    guideline_th: str
    steps_th: tuple[str, ...]
    unit_kinds: tuple[str, ...]
    rounds: tuple[int, ...]  # ascending
    outcome_th: str
    active: bool = True  # an inactive template stays in the library but is not proposed

    def to_json(self) -> dict[str, Any]:
        """The template as the file writes it: ``parse_templates`` reads it back equal."""
        node: dict[str, Any] = {
            "code": self.code,
            "title_th": self.title_th,
            "targets": {
                "tools": list(self.tools),
                "indicators": list(self.indicators),
                "concepts": list(self.concepts),
            },
            "guideline_th": self.guideline_th,
            "steps_th": list(self.steps_th),
            "unit_kinds": list(self.unit_kinds),
            "rounds": list(self.rounds),
            "outcome_th": self.outcome_th,
        }
        if not self.active:
            node["active"] = False
        return node


def templates_to_json(templates: Sequence[TemplateSpec], notes: str = "") -> dict[str, Any]:
    """A whole library in the file's layout (the inverse of ``parse_templates``)."""
    data: dict[str, Any] = {"version": FILE_VERSION}
    if notes:
        data["notes"] = notes
    data["templates"] = [spec.to_json() for spec in templates]
    return data


class TemplateFileError(DefinitionFileError):
    """All problems found in one template file, each as (place in the file, message)."""


class _Reader(TreeReader):
    """Reads values out of the JSON tree, noting every problem instead of stopping at the first."""

    def text(self, value: Any, where: str, limit: int, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(where, _("a text value is required"))
            return ""
        value = value.strip()
        if len(value) > limit:
            self.fail(
                where,
                _("at most %(limit)s characters (this one has %(length)s)")
                % {"limit": limit, "length": len(value)},
            )
        return value

    def once(self, seen: set, value: Any, where: str, what: str) -> bool:
        """False (and a problem) when ``value`` was already listed."""
        if value in seen:
            self.fail(
                where,
                _("duplicate %(what)s %(value)s")
                % {"what": what, "value": printable(str(value), MAX_SHOWN_CHARS)},
            )
            return False
        seen.add(value)
        return True


def parse_templates(data: Any) -> list[TemplateSpec]:
    """Validate a template library (a parsed JSON tree) and return its templates in file order.

    Raises TemplateFileError with every problem and its place in the file.
    """
    data = check_tree(data, TemplateFileError)
    r = _Reader()
    r.known_keys(data, "$", _TOP_KEYS)
    r.file_version(data, FILE_VERSION)
    r.text(data.get("notes"), "notes", NOTES_MAX, required=False)
    templates = []
    codes: set[str] = set()
    for i, node in enumerate(r.array(data, "templates", "$", limit=MAX_TEMPLATES)):
        where = f"templates[{i}]"
        if r.obj(node, where) is None:
            continue
        spec = _parse_template(r, node, where)
        if spec.code:
            r.once(codes, spec.code, f"{where}.code", _("template code"))
        templates.append(spec)
    if r.problems:
        raise TemplateFileError(r.problems)
    return templates


def load_templates(path: str | Path) -> list[TemplateSpec]:
    """Read and validate a template file; problems name the file."""
    return load_definition_file(path, parse_templates, TemplateFileError)


def known_concepts(framework_paths: Iterable[str | Path]) -> set[str]:
    """The item concept keys of the given framework files (IIT, EIT and OIT items alike).

    Each file is validated as a framework definition; a broken one raises FrameworkFileError.
    """
    known: set[str] = set()
    for path in framework_paths:
        spec = load_framework_file(path)
        for tool in spec.tools:
            for indicator in tool.indicators:
                for item in (*indicator.items, *(i for sub in indicator.sub_indicators for i in sub.items)):
                    if item.concept:
                        known.add(item.concept)
    return known


def unknown_concepts(templates: Sequence[TemplateSpec], known: set[str]) -> list[tuple[str, str]]:
    """Every targeted concept key that no framework knows, as (place in the file, concept key).

    ``templates`` is what ``load_templates`` returned, so list positions are the file's positions.
    """
    return [
        (f"templates[{i}].targets.concepts[{j}]", concept)
        for i, spec in enumerate(templates)
        for j, concept in enumerate(spec.concepts)
        if concept not in known
    ]


def _parse_template(r: _Reader, node: dict, where: str) -> TemplateSpec:
    r.known_keys(node, where, _TEMPLATE_KEYS)
    code = node.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code) or len(code) > CODE_MAX:
        r.fail(
            f"{where}.code",
            _("a code of at most %(limit)s lowercase letters, digits and hyphens is required")
            % {"limit": CODE_MAX},
        )
        code = ""
    title = r.text(node.get("title_th"), f"{where}.title_th", TITLE_MAX)
    tools, indicators, concepts = _parse_targets(r, node.get("targets"), f"{where}.targets")
    guideline = r.text(node.get("guideline_th"), f"{where}.guideline_th", GUIDELINE_MAX)
    steps = tuple(
        r.text(step, f"{where}.steps_th[{k}]", STEP_MAX)
        for k, step in enumerate(r.array(node, "steps_th", where, limit=MAX_STEPS))
    )
    unit_kinds = _parse_unit_kinds(r, node, where)
    rounds = _parse_rounds(r, node, where)
    outcome = r.text(node.get("outcome_th"), f"{where}.outcome_th", OUTCOME_MAX)
    active = node.get("active", True)
    if not isinstance(active, bool):
        r.fail(f"{where}.active", _("must be true or false"))
        active = True
    return TemplateSpec(
        code=code,
        title_th=title,
        tools=tools,
        indicators=indicators,
        concepts=concepts,
        guideline_th=guideline,
        steps_th=steps,
        unit_kinds=unit_kinds,
        rounds=rounds,
        outcome_th=outcome,
        active=active,
    )


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _parse_targets(
    r: _Reader, node: Any, where: str
) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """Tools, indicators and concept keys; each list may be empty (a general measure targets nothing)."""
    if r.obj(node, where) is None:
        return (), (), ()
    r.known_keys(node, where, _TARGET_KEYS)
    tools: list[str] = []
    seen: set = set()
    for k, tool in enumerate(r.array(node, "tools", where, required=False)):
        at = f"{where}.tools[{k}]"
        if tool not in TOOLS:
            r.fail(at, _("must be one of: %(choices)s") % {"choices": ", ".join(TOOLS)})
        elif r.once(seen, tool, at, _("tool")):
            tools.append(tool)
    indicators: list[int] = []
    seen = set()
    for k, value in enumerate(r.array(node, "indicators", where, required=False)):
        at = f"{where}.indicators[{k}]"
        number = _whole_number(value)
        if number not in INDICATORS:
            r.fail(
                at,
                _("an indicator number from %(low)s to %(high)s is required")
                % {"low": INDICATORS.start, "high": INDICATORS.stop - 1},
            )
        elif r.once(seen, number, at, _("indicator")):
            indicators.append(number)
    concepts: list[str] = []
    seen = set()
    for k, value in enumerate(r.array(node, "concepts", where, required=False)):
        at = f"{where}.concepts[{k}]"
        concept = r.text(value, at, CONCEPT_MAX)
        if concept and r.once(seen, concept, at, _("concept key")):
            concepts.append(concept)
    return tuple(tools), tuple(indicators), tuple(concepts)


def _parse_unit_kinds(r: _Reader, node: dict, where: str) -> tuple[str, ...]:
    kinds: list[str] = []
    seen: set = set()
    for k, kind in enumerate(r.array(node, "unit_kinds", where)):
        at = f"{where}.unit_kinds[{k}]"
        if not isinstance(kind, str) or kind not in UNIT_KINDS:
            r.fail(at, _("must be one of: %(choices)s") % {"choices": ", ".join(UNIT_KINDS)})
        elif r.once(seen, kind, at, _("unit kind")):
            kinds.append(kind)
    if ALL_UNITS in kinds and len(kinds) > 1:
        r.fail(
            f"{where}.unit_kinds",
            _('"%(all)s" means every unit; list it alone or name the units') % {"all": ALL_UNITS},
        )
    return tuple(kinds)


def _parse_rounds(r: _Reader, node: dict, where: str) -> tuple[int, ...]:
    rounds: list[int] = []
    seen: set = set()
    for k, value in enumerate(r.array(node, "rounds", where)):
        at = f"{where}.rounds[{k}]"
        number = _whole_number(value)
        if number not in ROUNDS:
            r.fail(at, _("must be one of: %(choices)s") % {"choices": ", ".join(map(str, ROUNDS))})
        elif r.once(seen, number, at, _("monitoring round")):
            rounds.append(number)
    return tuple(sorted(rounds))
