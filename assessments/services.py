"""The only code that writes: frameworks, assessments and what is entered for them.

Each service validates everything first and writes in one transaction; scores are recomputed here
after every change (STYLE.md §2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoring, selectors
from .access import person_of, require_write
from .framework_file import FrameworkSpec, parse_framework
from .models import (
    AnswerKind,
    AnswerOption,
    AnswerScale,
    Assessment,
    Band,
    BandScheme,
    DisclosureResult,
    FrameworkVersion,
    Indicator,
    IndicatorScore,
    Item,
    ItemElement,
    ItemGroup,
    Organization,
    QuestionScore,
    SubIndicator,
    Tool,
)

# --------------------------------------------------------------------------- frameworks


@dataclass(frozen=True)
class FrameworkLoadResult:
    version: FrameworkVersion
    action: str  # "created" | "unchanged" | "replaced" | "new_revision"


def framework_is_locked(version: FrameworkVersion) -> bool:
    """A version some assessment uses must not change under it."""
    return version.assessments.exists()


@transaction.atomic
def framework_load(*, spec: FrameworkSpec, new_revision: bool = False) -> FrameworkLoadResult:
    """Load a validated definition as the newest revision of its fiscal year.

    Same content as the newest published revision: nothing changes. The newest published revision
    unused: it is replaced in place (unless ``new_revision``). The newest published revision used by
    assessments: refused, unless ``new_revision`` asks for a new revision beside it. Drafts of the
    framework editor are never touched; a new revision is numbered after them.
    """
    latest = selectors.framework_latest(spec.fiscal_year)
    next_revision = selectors.framework_next_revision(spec.fiscal_year)
    if latest is None:
        return FrameworkLoadResult(_framework_create(spec, revision=next_revision), "created")
    if latest.checksum == spec.checksum and not new_revision:
        return FrameworkLoadResult(latest, "unchanged")
    if new_revision:
        return FrameworkLoadResult(_framework_create(spec, revision=next_revision), "new_revision")
    if framework_is_locked(latest):
        raise ValidationError(
            _(
                "ITA %(year)s revision %(revision)s is used by %(count)s assessment(s) and cannot be "
                "changed under them; load the file as a new revision instead."
            )
            % {"year": latest.fiscal_year, "revision": latest.revision, "count": latest.assessments.count()}
        )
    revision = latest.revision
    latest.delete()
    return FrameworkLoadResult(_framework_create(spec, revision=revision), "replaced")


@transaction.atomic
def framework_new_revision(*, version: FrameworkVersion) -> FrameworkVersion:
    """Copy a version (as it stands in the database, admin corrections included) into a new revision."""
    spec = parse_framework(selectors.framework_definition(version))
    return _framework_create(spec, revision=selectors.framework_next_revision(version.fiscal_year))


def _framework_create(spec: FrameworkSpec, *, revision: int, draft: bool = False) -> FrameworkVersion:
    """Create a version's rows; published at once unless ``draft`` (the framework editor's copies)."""
    version = FrameworkVersion(
        fiscal_year=spec.fiscal_year,
        revision=revision,
        published_at=None if draft else timezone.now(),
        name_th=spec.name_th,
        status=spec.status,
        notes=spec.notes,
        definition=spec.raw,
        checksum=spec.checksum,
    )
    version.full_clean()
    version.save()
    scheme = BandScheme.objects.create(
        framework=version, kind=spec.band_kind, pass_mark=spec.pass_mark, sub_levels_note=spec.sub_levels_note
    )
    # One save each (not bulk_create), so each row leaves its audit entry.
    for is_sub, bands in ((False, spec.bands), (True, spec.sub_levels)):
        for i, b in enumerate(bands):
            Band.objects.create(
                scheme=scheme,
                label=b.label,
                min_total=b.min_total,
                min_each_tool=b.min_each_tool,
                passed=b.passed,
                is_sub_level=is_sub,
                order=i,
            )
    scales = {}
    for scale in spec.scales:
        scales[scale.code] = AnswerScale.objects.create(
            framework=version, code=scale.code, status_note=scale.status
        )
        for i, (label, value) in enumerate(scale.values):
            AnswerOption.objects.create(scale=scales[scale.code], label=label, score=value, order=i)
    order = 0
    for t_order, tool_spec in enumerate(spec.tools):
        tool = Tool.objects.create(
            framework=version,
            code=tool_spec.code,
            name_th=tool_spec.name_th,
            weight=tool_spec.weight,
            order=t_order,
        )
        for ind_spec in tool_spec.indicators:
            indicator = Indicator.objects.create(
                framework=version, tool=tool, number=ind_spec.number, name_th=ind_spec.name_th
            )
            placed = [(None, None, item) for item in ind_spec.items]
            for s_order, sub_spec in enumerate(ind_spec.sub_indicators):
                sub = SubIndicator.objects.create(
                    framework=version,
                    indicator=indicator,
                    code=sub_spec.code,
                    name_th=sub_spec.name_th,
                    grouping_status=sub_spec.grouping_status,
                    order=s_order,
                )
                for g_order, group_spec in enumerate(sub_spec.groups):
                    group = ItemGroup.objects.create(
                        framework=version, sub_indicator=sub, name_th=group_spec.name_th, order=g_order
                    )
                    placed += [(sub, group, item) for item in group_spec.items]
            for sub, group, item_spec in placed:
                order += 1
                item = Item.objects.create(
                    framework=version,
                    indicator=indicator,
                    sub_indicator=sub,
                    group=group,
                    code=item_spec.code,
                    name_th=item_spec.name_th,
                    kind=AnswerKind.DISCLOSURE if sub else AnswerKind.SURVEY,
                    answer_scale=scales.get(item_spec.answer),
                    polarity=item_spec.polarity,
                    concept=item_spec.concept,
                    replaces_concepts=list(item_spec.replaces_concepts),
                    order=order,
                )
                for i, e in enumerate(item_spec.elements):
                    ItemElement.objects.create(item=item, text=e.text, source=e.source, order=i)
    return version


# --------------------------------------------------------------------------- assessments


class _Unset:
    """Marks a field a write does not carry: it stays as stored (``None`` means "clear it")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _assessment_locked(assessment: Assessment) -> Assessment:
    """Lock the assessment row for the rest of the transaction and return it fresh.

    Every write to what an assessment holds takes this lock first, so writes to one assessment run
    one after another: each sees the rows the previous one committed, and the stored result it
    recomputes at the end is the result of everything committed (STYLE.md §2).
    """
    return Assessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)


def assessment_create(*, organization: Organization, fiscal_year: int, user: Any) -> Assessment:
    """Start an organization's assessment of a fiscal year on that year's newest framework revision.

    The organization row is locked so two simultaneous starts run one after the other; the second
    gets "already exists". Should the constraint still fire (a writer that did not lock), the
    answer is the same.
    """
    exists = ValidationError(
        {
            "fiscal_year": _("This organization already has an assessment for %(year)s.")
            % {"year": fiscal_year}
        },
        code="exists",
    )
    try:
        with transaction.atomic():
            require_write(user, organization)
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            framework = selectors.framework_latest(fiscal_year)
            if framework is None:
                raise ValidationError(
                    {
                        "fiscal_year": _("No ITA framework is loaded for fiscal year %(year)s.")
                        % {"year": fiscal_year}
                    }
                )
            if Assessment.objects.filter(organization=organization, fiscal_year=fiscal_year).exists():
                raise exists
            assessment = Assessment(
                organization=organization,
                framework=framework,
                fiscal_year=fiscal_year,
                created_by=person_of(user),
            )
            assessment.full_clean(validate_constraints=False)
            assessment.save()
            assessment_recompute(assessment=assessment)
    except IntegrityError as exc:
        raise exists from exc
    return assessment


#: Foreign keys of entered rows, set from already checked objects (full_clean need not query them).
ROW_KEYS = ["organization", "assessment", "indicator", "item"]


def _scores_apply(*, existing: Mapping, targets: Mapping, scores: Mapping, make) -> None:
    """Upsert or delete one score row per target carried in ``scores``; ``None`` clears (deletes) it.

    ``existing`` maps target pk to the stored row; only the targets in ``scores`` are touched. A
    cleared score's last value stays in the audit trail (the delete entry holds it).
    """
    for key, value in scores.items():
        target = targets[key]
        row = existing.get(target.pk)
        if value is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = make(target)
        if row.pk is None or row.score != value:
            row.score = value
            # Foreign keys come from the locked assessment and the framework: not looked up again.
            row.full_clean(exclude=ROW_KEYS, validate_constraints=False)
            row.save()


@transaction.atomic
def indicator_scores_set(
    *, assessment: Assessment, scores: Mapping[int, Decimal | None], user: Any
) -> scoring.ScoreResult:
    """Set entered indicator scores by number; only the numbers given change, ``None`` clears one.

    Returns the recomputed result (the one the page shows), computed once, under the lock.
    """
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    structure = selectors.framework_structure(locked.framework)
    unknown = sorted(set(scores) - set(structure.indicator_ids))
    if unknown:
        raise ValidationError(
            _("Unknown indicator(s): %(numbers)s") % {"numbers": ", ".join(map(str, unknown))}
        )
    existing = {
        row.indicator_id: row
        for row in IndicatorScore.objects.filter(assessment=locked).select_related("indicator")
    }
    _scores_apply(
        existing=existing,
        targets={n: Indicator(pk=pk, number=n) for n, pk in structure.indicator_ids.items()},
        scores=scores,
        make=lambda target: IndicatorScore(
            organization_id=locked.organization_id, assessment=locked, indicator=target
        ),
    )
    return _recompute_into(assessment, locked)


@transaction.atomic
def question_scores_set(
    *, assessment: Assessment, scores: Mapping[str, Decimal | None], user: Any
) -> scoring.ScoreResult:
    """Set survey question scores by item code (e.g. "i1"); only the codes given change."""
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    structure = selectors.framework_structure(locked.framework)
    unknown = sorted(set(scores) - set(structure.question_ids))
    if unknown:
        raise ValidationError(_("Unknown question(s): %(codes)s") % {"codes": ", ".join(unknown)})
    existing = {
        row.item_id: row for row in QuestionScore.objects.filter(assessment=locked).select_related("item")
    }
    _scores_apply(
        existing=existing,
        targets={code: Item(pk=pk, code=code) for code, pk in structure.question_ids.items()},
        scores=scores,
        make=lambda target: QuestionScore(
            organization_id=locked.organization_id, assessment=locked, item=target
        ),
    )
    return _recompute_into(assessment, locked)


@dataclass(frozen=True)
class DisclosureSave:
    row: DisclosureResult
    result: scoring.ScoreResult


@transaction.atomic
def disclosure_result_set(
    *,
    assessment: Assessment,
    item: Item,
    passed: bool | None = UNSET,
    urls: list[str] = UNSET,
    note: str = UNSET,
    user: Any,
) -> DisclosureSave:
    """Record one O-item: passed (True/False, None = not decided), where it is published, a note.

    Only the fields given change: a note saved by one officer and a result saved by another, at the
    same time, are both kept.
    """
    require_write(user, assessment.organization_id)
    if item.framework_id != assessment.framework_id or item.kind != AnswerKind.DISCLOSURE:
        raise ValidationError(_("This item is not a disclosure item of the assessment's framework."))
    locked = _assessment_locked(assessment)
    row = DisclosureResult.objects.filter(assessment=locked, item=item).first() or DisclosureResult(
        organization_id=locked.organization_id, assessment=locked
    )
    row.item = item  # the caller's instance: no query for the audit entry's label
    changes = {"passed": passed, "urls": urls, "note": note}
    changes = {name: value for name, value in changes.items() if value is not UNSET}
    if any(getattr(row, name) != value for name, value in changes.items()) or (row.pk is None and changes):
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by = person_of(user)
        row.full_clean(exclude=[*ROW_KEYS, "updated_by"], validate_constraints=False)
        row.save()
    return DisclosureSave(row, _recompute_into(assessment, locked))


@transaction.atomic
def disclosure_results_set(
    *, assessment: Assessment, results: Mapping[str, Mapping[str, Any]], user: Any
) -> scoring.ScoreResult:
    """Record many O-items at once by code: each maps to the fields it carries among ``passed``,
    ``urls`` and ``note`` (as ``disclosure_result_set``: only those change). One lock, one read of the
    stored rows, one recomputation (the ITAS importer's grain).
    """
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    structure = selectors.framework_structure(locked.framework)
    unknown = sorted(set(results) - set(structure.disclosure_ids))
    if unknown:
        raise ValidationError(_("Unknown O-item(s): %(codes)s") % {"codes": ", ".join(unknown)})
    rows = {r.item_id: r for r in DisclosureResult.objects.filter(assessment=locked)}
    person = person_of(user)
    for code, given in results.items():
        item_id = structure.disclosure_ids[code]
        row = rows.get(item_id) or DisclosureResult(
            organization_id=locked.organization_id, assessment=locked, item=Item(pk=item_id, code=code)
        )
        changes = {name: given[name] for name in ("passed", "urls", "note") if name in given}
        if row.pk is not None and all(getattr(row, name) == value for name, value in changes.items()):
            continue
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by = person
        row.full_clean(exclude=[*ROW_KEYS, "updated_by"], validate_constraints=False)
        row.save()
    return _recompute_into(assessment, locked)


@transaction.atomic
def disclosures_mark_passed(*, assessment: Assessment, user: Any) -> int:
    """Mark every O-item not yet decided as passed; decided items keep their result. Returns the count."""
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    structure = selectors.framework_structure(locked.framework)
    rows = {r.item_id: r for r in DisclosureResult.objects.filter(assessment=locked)}
    changed = 0
    for item_id in structure.disclosure_ids.values():
        row = rows.get(item_id)
        if row is None:
            row = DisclosureResult(organization_id=locked.organization_id, assessment=locked, item_id=item_id)
        elif row.passed is not None:
            continue
        row.passed, row.updated_by = True, person_of(user)
        row.save()
        changed += 1
    _recompute_into(assessment, locked)
    return changed


@transaction.atomic
def assessment_published_set(
    *,
    assessment: Assessment,
    total: Decimal | None = UNSET,
    band: str = UNSET,
    tool_scores: Mapping[str, Decimal | None] = UNSET,
    note: str = UNSET,
    user: Any,
) -> None:
    """Record the officially published values, kept apart from what the portal computes.

    Only the values given change; within ``tool_scores`` only the tools given (``None`` clears one).
    """
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    fields = []
    if tool_scores is not UNSET:
        codes = {t.code for t in selectors.framework_structure(locked.framework).scoring.tools}
        unknown = sorted(set(tool_scores) - codes)
        if unknown:
            raise ValidationError(_("Unknown tool(s): %(codes)s") % {"codes": ", ".join(unknown)})
        published = dict(locked.published_tool_scores)
        for code, value in tool_scores.items():
            if value is None:
                published.pop(code, None)
            else:
                published[code] = str(value)
        locked.published_tool_scores = published
        fields.append("published_tool_scores")
    if total is not UNSET:
        locked.published_total = total
        fields.append("published_total")
    if band is not UNSET:
        locked.published_band = band.strip()
        fields.append("published_band")
    if note is not UNSET:
        locked.published_note = note.strip()
        fields.append("published_note")
    if not fields:
        return
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=[*fields, "updated_at"])
    for name in fields:
        setattr(assessment, name, getattr(locked, name))


def _recompute_into(assessment: Assessment, locked: Assessment) -> scoring.ScoreResult:
    """Recompute under the lock and refresh the caller's instance with the stored snapshot."""
    result = assessment_recompute(assessment=locked)
    for name in COMPUTED_FIELDS:
        setattr(assessment, name, getattr(locked, name))
    assessment.updated_at = locked.updated_at
    return result


COMPUTED_FIELDS = (
    "computed_total",
    "computed_band",
    "computed_passed",
    "computed_complete",
    "computed_result",
)


def assessment_recompute(*, assessment: Assessment) -> scoring.ScoreResult:
    """Score the assessment from what is entered and keep a snapshot of the result on it.

    Call it inside the transaction that holds the assessment's lock (the write services do), so
    the snapshot equals a fresh computation of what is committed.
    """
    result = selectors.assessment_result(assessment)
    assessment.computed_total = None if result.total is None else scoring.round2(result.total)
    assessment.computed_band = result.band or ""
    assessment.computed_passed = result.passed
    assessment.computed_complete = result.complete
    assessment.computed_result = result.as_dict()
    assessment.save(update_fields=[*COMPUTED_FIELDS, "updated_at"])
    return result
