"""The template library in the database (``MeasureTemplate``): load it from the file format, read the
active templates, let site staff edit one, and dump the table back to the file format.

The file format and its rules stay in ``template_file`` (pure); this module is the only writer of
``MeasureTemplate`` rows. A load is idempotent: an unchanged file changes nothing. ``file_digest``
remembers the content as last loaded, so a row whose content differs from it was edited by an admin
and a later load keeps the admin's version unless ``force`` is given.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.json_input import JsonInputError, parse_json, read_file

from .models import MeasureTemplate
from .template_file import (
    FILE_VERSION,
    SHIPPED_FILE,
    TemplateFileError,
    TemplateSpec,
    known_concepts,
    parse_templates,
    templates_to_json,
    unknown_concepts,
)

FRAMEWORK_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


# --------------------------------------------------------------------------- conversions


def spec_of(row: MeasureTemplate) -> TemplateSpec:
    return TemplateSpec(
        code=row.code,
        title_th=row.title_th,
        tools=tuple(row.tools),
        indicators=tuple(row.indicators),
        concepts=tuple(row.concepts),
        guideline_th=row.guideline_th,
        steps_th=tuple(row.steps_th),
        unit_kinds=tuple(row.unit_kinds),
        rounds=tuple(row.rounds),
        outcome_th=row.outcome_th,
        active=row.active,
    )


def _fields_of(spec: TemplateSpec) -> dict[str, Any]:
    return {
        "title_th": spec.title_th,
        "tools": list(spec.tools),
        "indicators": list(spec.indicators),
        "concepts": list(spec.concepts),
        "guideline_th": spec.guideline_th,
        "steps_th": list(spec.steps_th),
        "unit_kinds": list(spec.unit_kinds),
        "rounds": list(spec.rounds),
        "outcome_th": spec.outcome_th,
        "active": spec.active,
    }


def content_digest(spec: TemplateSpec, order: int) -> str:
    """A digest of everything a load writes: equal digests mean an equal row."""
    text = json.dumps([spec.to_json(), order], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- validation


@functools.lru_cache(maxsize=4)
def _shipped_concepts(stamp: tuple[tuple[str, int], ...]) -> frozenset[str]:
    return frozenset(known_concepts(Path(name) for name, _mtime in stamp))


def shipped_concepts() -> frozenset[str]:
    """The concept keys of every shipped framework file (re-read when a file changes)."""
    paths = sorted(FRAMEWORK_DIR.glob("ita-*.json"))
    return _shipped_concepts(tuple((str(p), p.stat().st_mtime_ns) for p in paths))


def check_templates(data: Any) -> list[TemplateSpec]:
    """The file parser's rules plus "every concept exists in some shipped framework".

    Raises TemplateFileError with every problem and its place in the file.
    """
    specs = parse_templates(data)
    unknown = unknown_concepts(specs, set(shipped_concepts()))
    if unknown:
        raise TemplateFileError(
            [
                (where, _("no shipped framework has the concept key %(key)s") % {"key": key})
                for where, key in unknown
            ]
        )
    return specs


def check_template(node: dict[str, Any]) -> TemplateSpec:
    """One template (the file's layout of it) by the same rules; places read ``rounds[1]``.

    Unknown concept keys are reported together with the other problems (the admin sees all at once).
    """
    data = {"version": FILE_VERSION, "templates": [node]}
    try:
        spec = parse_templates(data)[0]
    except TemplateFileError as exc:
        spec, problems = None, list(exc.problems)
    else:
        problems = []
    concepts = node.get("targets", {}).get("concepts", []) if isinstance(node.get("targets"), dict) else []
    known = shipped_concepts()
    problems += [
        (f"targets.concepts[{j}]", _("no shipped framework has the concept key %(key)s") % {"key": key})
        for j, key in enumerate(concepts if isinstance(concepts, list) else [])
        if isinstance(key, str) and key.strip() and key.strip() not in known
    ]
    if problems or spec is None:
        prefix = "templates[0]."
        raise TemplateFileError([(where.removeprefix(prefix), message) for where, message in problems])
    return spec


# --------------------------------------------------------------------------- reads


def active_templates() -> list[TemplateSpec]:
    """The templates officers are offered, in library order (site-wide reference data)."""
    return [spec_of(row) for row in MeasureTemplate.objects.filter(active=True).order_by("order", "code")]


def shipped_notes() -> str:
    """The shipped library file's notes, which an export carries over (the table has no notes)."""
    try:
        data = parse_json(read_file(SHIPPED_FILE))
    except JsonInputError:
        return ""
    notes = data.get("notes") if isinstance(data, dict) else None
    return notes if isinstance(notes, str) else ""


def templates_dump(notes: str = "") -> dict[str, Any]:
    """The whole table (inactive templates too) in the file's layout: loading it back changes nothing."""
    rows = MeasureTemplate.objects.order_by("order", "code")
    return templates_to_json([spec_of(row) for row in rows], notes)


# --------------------------------------------------------------------------- writes


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)  # edited by an admin, left as they are


@transaction.atomic
def measure_templates_load(*, specs: Sequence[TemplateSpec], force: bool = False) -> LoadResult:
    """Bring the table in line with a validated library (``check_templates``), in file order.

    A new code is created; a row equal to the file is left alone; a row nobody edited since the last
    load is updated; a row an admin edited is kept unless ``force``. Rows the file does not name stay
    (an admin may have added them). All rows are locked first, so two loads run one after another.
    """
    existing = {row.code: row for row in MeasureTemplate.objects.select_for_update().order_by("pk")}
    result = LoadResult()
    for order, spec in enumerate(specs):
        digest = content_digest(spec, order)
        row = existing.get(spec.code)
        if row is None:
            row = MeasureTemplate(code=spec.code, order=order, file_digest=digest, **_fields_of(spec))
            row.full_clean()
            row.save()
            result.created.append(spec.code)
            continue
        current = content_digest(spec_of(row), row.order)
        if current == digest:
            if row.file_digest != digest:
                row.file_digest = digest
                row.save(update_fields=["file_digest"])
            result.unchanged.append(spec.code)
        elif current != row.file_digest and not force:
            result.kept_edited.append(spec.code)
        else:
            for name, value in _fields_of(spec).items():
                setattr(row, name, value)
            row.order = order
            row.file_digest = digest
            row.full_clean()
            row.save()
            result.updated.append(spec.code)
    return result


def _require_staff(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        raise PermissionDenied


@transaction.atomic
def measure_template_save(*, template: MeasureTemplate, user: Any) -> MeasureTemplate:
    """Save a template an admin created or edited, after the file parser's checks (site staff only).

    The row is locked while it is written; a code taken at the same time is answered in Thai.
    """
    _require_staff(user)
    spec = spec_of(template)
    try:
        checked = check_template(spec.to_json())
    except TemplateFileError as exc:
        raise ValidationError([f"{where}: {message}" for where, message in exc.problems]) from exc
    for name, value in _fields_of(checked).items():  # stripped texts, sorted rounds
        setattr(template, name, value)
    if template.pk is not None:
        MeasureTemplate.objects.select_for_update().filter(pk=template.pk).first()
    template.full_clean(validate_unique=False)
    if MeasureTemplate.objects.filter(code=template.code).exclude(pk=template.pk).exists():
        raise ValidationError({"code": _("A template with this code already exists.")})
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise ValidationError({"code": _("A template with this code already exists.")}) from exc
    return template
