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
from django.db import transaction
from django.utils.translation import gettext as _

from . import scoring, selectors
from .access import require_write
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

    Same content as the newest revision: nothing changes. The newest revision unused: it is
    replaced in place (unless ``new_revision``). The newest revision used by assessments: refused,
    unless ``new_revision`` asks for a new revision beside it.
    """
    latest = selectors.framework_latest(spec.fiscal_year)
    if latest is None:
        return FrameworkLoadResult(_framework_create(spec, revision=1), "created")
    if latest.checksum == spec.checksum and not new_revision:
        return FrameworkLoadResult(latest, "unchanged")
    if new_revision:
        return FrameworkLoadResult(_framework_create(spec, revision=latest.revision + 1), "new_revision")
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
    latest = selectors.framework_latest(version.fiscal_year)
    assert latest is not None
    return _framework_create(spec, revision=latest.revision + 1)


def _framework_create(spec: FrameworkSpec, *, revision: int) -> FrameworkVersion:
    version = FrameworkVersion(
        fiscal_year=spec.fiscal_year,
        revision=revision,
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
    Band.objects.bulk_create(
        [
            Band(
                scheme=scheme,
                label=b.label,
                min_total=b.min_total,
                min_each_tool=b.min_each_tool,
                passed=b.passed,
                is_sub_level=is_sub,
                order=i,
            )
            for is_sub, bands in ((False, spec.bands), (True, spec.sub_levels))
            for i, b in enumerate(bands)
        ]
    )
    scales = {}
    for scale in spec.scales:
        scales[scale.code] = AnswerScale.objects.create(
            framework=version, code=scale.code, status_note=scale.status
        )
        AnswerOption.objects.bulk_create(
            [
                AnswerOption(scale=scales[scale.code], label=label, score=value, order=i)
                for i, (label, value) in enumerate(scale.values)
            ]
        )
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
                ItemElement.objects.bulk_create(
                    [
                        ItemElement(item=item, text=e.text, source=e.source, order=i)
                        for i, e in enumerate(item_spec.elements)
                    ]
                )
    return version


# --------------------------------------------------------------------------- assessments


@transaction.atomic
def assessment_create(*, organization: Organization, fiscal_year: int, user: Any) -> Assessment:
    """Start an organization's assessment of a fiscal year on that year's newest framework revision."""
    require_write(user, organization)
    framework = selectors.framework_latest(fiscal_year)
    if framework is None:
        raise ValidationError(
            {"fiscal_year": _("No ITA framework is loaded for fiscal year %(year)s.") % {"year": fiscal_year}}
        )
    if Assessment.objects.filter(organization=organization, fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {
                "fiscal_year": _("This organization already has an assessment for %(year)s.")
                % {"year": fiscal_year}
            }
        )
    assessment = Assessment(
        organization=organization, framework=framework, fiscal_year=fiscal_year, created_by=user
    )
    assessment.full_clean()
    assessment.save()
    assessment_recompute(assessment=assessment)
    return assessment


def _scores_apply(
    *, assessment: Assessment, rows, field: str, targets: Mapping, scores: Mapping, model: type
) -> None:
    """Upsert or delete one score row per target (an indicator or an item); ``None`` deletes.

    ``rows`` are the assessment's existing score rows, ``field`` the row's foreign key to the target.
    """
    existing = {getattr(row, f"{field}_id"): row for row in rows}
    for key, value in scores.items():
        target = targets[key]
        row = existing.get(target.pk)
        if value is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = model(organization_id=assessment.organization_id, assessment=assessment, **{field: target})
        if row.pk is None or row.score != value:
            row.score = value
            row.full_clean()
            row.save()
    assessment_recompute(assessment=assessment)


@transaction.atomic
def indicator_scores_set(*, assessment: Assessment, scores: Mapping[int, Decimal | None], user: Any) -> None:
    """Set entered indicator scores by indicator number; ``None`` removes an entered score."""
    require_write(user, assessment.organization_id)
    indicators = {i.number: i for i in Indicator.objects.filter(framework=assessment.framework_id)}
    unknown = sorted(set(scores) - set(indicators))
    if unknown:
        raise ValidationError(
            _("Unknown indicator(s): %(numbers)s") % {"numbers": ", ".join(map(str, unknown))}
        )
    _scores_apply(
        assessment=assessment,
        rows=assessment.indicator_scores.all(),
        field="indicator",
        targets=indicators,
        scores=scores,
        model=IndicatorScore,
    )


@transaction.atomic
def question_scores_set(*, assessment: Assessment, scores: Mapping[str, Decimal | None], user: Any) -> None:
    """Set survey question scores by item code (e.g. "i1"); ``None`` removes one."""
    require_write(user, assessment.organization_id)
    items = {
        i.code: i for i in Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.SURVEY)
    }
    unknown = sorted(set(scores) - set(items))
    if unknown:
        raise ValidationError(_("Unknown question(s): %(codes)s") % {"codes": ", ".join(unknown)})
    _scores_apply(
        assessment=assessment,
        rows=assessment.question_scores.all(),
        field="item",
        targets=items,
        scores=scores,
        model=QuestionScore,
    )


@transaction.atomic
def disclosure_result_set(
    *, assessment: Assessment, item: Item, passed: bool | None, urls: list[str], note: str, user: Any
) -> DisclosureResult:
    """Record one O-item: passed (True/False, None = not decided), where it is published, a note."""
    require_write(user, assessment.organization_id)
    if item.framework_id != assessment.framework_id or item.kind != AnswerKind.DISCLOSURE:
        raise ValidationError(_("This item is not a disclosure item of the assessment's framework."))
    row, _created = DisclosureResult.objects.get_or_create(
        assessment=assessment, item=item, defaults={"organization_id": assessment.organization_id}
    )
    row.passed, row.urls, row.note, row.updated_by = passed, urls, note, user
    row.full_clean()
    row.save()
    assessment_recompute(assessment=assessment)
    return row


@transaction.atomic
def disclosures_mark_passed(*, assessment: Assessment, user: Any) -> int:
    """Mark every O-item not yet decided as passed; decided items keep their result. Returns the count."""
    require_write(user, assessment.organization_id)
    items = Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE)
    rows = {r.item_id: r for r in assessment.disclosures.all()}
    changed = 0
    for item in items:
        row = rows.get(item.pk)
        if row is None:
            DisclosureResult.objects.create(
                organization_id=assessment.organization_id,
                assessment=assessment,
                item=item,
                passed=True,
                updated_by=user,
            )
            changed += 1
        elif row.passed is None:
            row.passed, row.updated_by = True, user
            row.save(update_fields=["passed", "updated_by", "updated_at"])
            changed += 1
    assessment_recompute(assessment=assessment)
    return changed


@transaction.atomic
def assessment_published_set(
    *,
    assessment: Assessment,
    total: Decimal | None,
    band: str,
    tool_scores: Mapping[str, Decimal | None],
    note: str,
    user: Any,
) -> None:
    """Record the officially published values, kept apart from what the portal computes."""
    require_write(user, assessment.organization_id)
    codes = set(Tool.objects.filter(framework=assessment.framework_id).values_list("code", flat=True))
    unknown = sorted(set(tool_scores) - codes)
    if unknown:
        raise ValidationError(_("Unknown tool(s): %(codes)s") % {"codes": ", ".join(unknown)})
    assessment.published_total = total
    assessment.published_band = band.strip()
    assessment.published_tool_scores = {c: str(v) for c, v in tool_scores.items() if v is not None}
    assessment.published_note = note.strip()
    assessment.full_clean()
    assessment.save(
        update_fields=[
            "published_total",
            "published_band",
            "published_tool_scores",
            "published_note",
            "updated_at",
        ]
    )


def assessment_recompute(*, assessment: Assessment) -> scoring.ScoreResult:
    """Score the assessment from what is entered and keep a snapshot of the result on it."""
    result = selectors.assessment_result(assessment)
    assessment.computed_total = None if result.total is None else scoring.round2(result.total)
    assessment.computed_band = result.band or ""
    assessment.computed_passed = result.passed
    assessment.computed_complete = result.complete
    assessment.computed_result = result.as_dict()
    assessment.save(
        update_fields=[
            "computed_total",
            "computed_band",
            "computed_passed",
            "computed_complete",
            "computed_result",
            "updated_at",
        ]
    )
    return result
