"""The only code that writes measures, their rounds, progress reports and evidence (STYLE.md §2).

Locks: writes to a measure's plan (create, update, rounds, delete) lock the assessment row first
(``assessments.services._assessment_locked``), so order numbers are allocated one writer at a time,
then the measure row. Writes to what is reported (reports, evidence, due dates) lock the measure row
only. The order is always assessment → measure, so two writers never wait on each other in a circle.

Every service checks the role again (``require_write``), validates everything before it saves,
changes only the fields it is given (``UNSET``) and answers in Thai through gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import person_of, require_write
from assessments.models import Assessment, Indicator, Item, Membership, Tool, Unit
from assessments.services import UNSET, _assessment_locked

from . import evidence as evidence_files
from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport
from .rounds import ROUND_MONTHS, fiscal_year_months, round_due_date
from .template_file import ALL_UNITS, TemplateSpec
from .template_library import active_templates

STEP_MAX = 500
MAX_STEPS = 30
URL_MAX = 500

#: Fields of a measure ``measure_update`` may change (targets and units are many-to-many).
MEASURE_FIELDS = (
    "title",
    "guideline",
    "steps",
    "all_units",
    "other_parties",
    "responsible",
    "start_month",
    "end_month",
    "outcome",
    "status",
    "template_code",
)
MEASURE_RELATIONS = ("target_tools", "target_indicators", "target_items", "units")


# --------------------------------------------------------------------------- helpers


def _measure_locked(measure: Measure) -> Measure:
    """Lock the measure row for the rest of the transaction and return it fresh (with its assessment)."""
    return Measure.objects.select_for_update().select_related("assessment").get(pk=measure.pk)


def _clean_steps(steps: Iterable[Any]) -> list[str]:
    """An ordered list of non-empty texts; blank lines are left out (they carry nothing)."""
    if isinstance(steps, str) or not isinstance(steps, Iterable):
        raise ValidationError({"steps": _("Steps must be a list of texts.")})
    out = []
    for step in steps:
        if not isinstance(step, str):
            raise ValidationError({"steps": _("Steps must be a list of texts.")})
        if step.strip():
            out.append(step.strip())
    if len(out) > MAX_STEPS:
        raise ValidationError({"steps": _("At most %(limit)s steps.") % {"limit": MAX_STEPS}})
    if any(len(step) > STEP_MAX for step in out):
        raise ValidationError({"steps": _("A step has at most %(limit)s characters.") % {"limit": STEP_MAX}})
    return out


def _clean_rounds(months: Iterable[Any]) -> list[int]:
    """Distinct rounds out of 3, 6, 9, 12, sorted."""
    months = list(months)
    if any(isinstance(m, bool) or m not in ROUND_MONTHS for m in months):
        raise ValidationError(
            {"rounds": _("Monitoring rounds must be among %(choices)s months.") % {"choices": "3, 6, 9, 12"}}
        )
    return sorted(set(months))


def _check_period(assessment: Assessment, start: date | None, end: date | None) -> None:
    """The period starts within the assessment's fiscal year and does not end before it starts.

    A measure may run on past the year's end (work that continues); it belongs to the year it starts in.
    """
    if start is not None:
        first, last = fiscal_year_months(assessment.fiscal_year)
        if not first <= start <= last:
            raise ValidationError({"start_month": _("The measure must start within the fiscal year.")})


def _check_same_framework(assessment: Assessment, objects: Iterable[Any], field_name: str) -> list:
    objects = list(objects)
    if any(obj.framework_id != assessment.framework_id for obj in objects):
        raise ValidationError(
            {field_name: _("A target belongs to another year's framework than this assessment's.")}
        )
    return objects


def _check_units(assessment: Assessment, units: Iterable[Unit]) -> list[Unit]:
    units = list(units)
    if any(unit.organization_id != assessment.organization_id for unit in units):
        raise ValidationError({"units": _("A unit belongs to another organization.")})
    return units


def _check_responsible(organization_id: int, person: Any) -> None:
    if (
        person is not None
        and not Membership.objects.filter(organization_id=organization_id, user=person).exists()
    ):
        raise ValidationError(
            {"responsible": _("The responsible person is not a member of this organization.")}
        )


def _number_taken(number: int) -> ValidationError:
    return ValidationError(
        {"number": _("Measure number %(number)s already exists in this assessment.") % {"number": number}},
        code="exists",
    )


def _check_not_carried(assessment: Assessment, source: Measure) -> None:
    copy = Measure.objects.filter(assessment=assessment, carried_from=source).first()
    if copy is not None:
        raise ValidationError(
            _("Already carried forward as measure %(number)s.") % {"number": copy.number}, code="carried"
        )


def _rounds_sync(measure: Measure, months: list[int]) -> None:
    """Make the measure's round rows the given months (the measure row is locked by the caller).

    New rounds get the derived due date; a round that has reports is never deleted.
    """
    existing = {r.month: r for r in measure.monitoring_rounds.all()}
    removed = [r for month, r in existing.items() if month not in months]
    reported = sorted(r.month for r in removed if r.reports.exists())
    if reported:
        raise ValidationError(
            {
                "rounds": _("The %(months)s-month round(s) already have reports and cannot be removed.")
                % {"months": ", ".join(map(str, reported))}
            }
        )
    for r in removed:
        r.delete()
    for month in months:
        if month not in existing:
            MonitoringRound.objects.create(
                organization_id=measure.organization_id,
                measure=measure,
                month=month,
                due_date=round_due_date(measure.assessment.fiscal_year, month),
            )
    if measure.rounds != months:
        measure.rounds = months
        measure.save(update_fields=["rounds", "updated_at"])


def _delete_files_later(names: Iterable[str]) -> None:
    """Delete stored files after the commit, unless another evidence row still refers to them
    (report versions share their predecessors' files)."""
    names = [n for n in names if n]

    def delete() -> None:
        still_used = set(Evidence.objects.filter(file__in=names).values_list("file", flat=True))
        for name in set(names) - still_used:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --------------------------------------------------------------------------- measures


@transaction.atomic
def measure_create(
    *,
    assessment: Assessment,
    title: str,
    guideline: str = "",
    steps: Iterable[str] = (),
    target_tools: Iterable[Tool] = (),
    target_indicators: Iterable[Indicator] = (),
    target_items: Iterable[Item] = (),
    all_units: bool = False,
    units: Iterable[Unit] = (),
    other_parties: str = "",
    responsible: Any = None,
    start_month: date | None = None,
    end_month: date | None = None,
    rounds: Iterable[int] = (),
    outcome: str = "",
    status: str = MeasureStatus.PLANNED,
    template_code: str = "",
    carried_from: Measure | None = None,
    user: Any,
) -> Measure:
    """Add a measure to a year's plan with the next order number, and one round row per chosen round.

    Targets must be of the assessment's framework, units of its organization, the responsible
    person one of its members. "All units" and a list of units exclude each other. A measure carried
    forward (``carried_from``) is carried into a year once: a second time is refused with code
    "carried", also when two writers race past the check (the unique constraint).
    """
    require_write(user, assessment.organization_id)
    locked = _assessment_locked(assessment)
    tools = _check_same_framework(locked, target_tools, "target_tools")
    indicators = _check_same_framework(locked, target_indicators, "target_indicators")
    items = _check_same_framework(locked, target_items, "target_items")
    unit_list = _check_units(locked, units)
    if all_units and unit_list:
        raise ValidationError({"units": _("Choose either all units or some units, not both.")})
    _check_responsible(locked.organization_id, responsible)
    _check_period(locked, start_month, end_month)
    months = _clean_rounds(rounds)
    if carried_from is not None:
        _check_not_carried(locked, carried_from)
    number = (Measure.objects.filter(assessment=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    measure = Measure(
        organization_id=locked.organization_id,
        assessment=locked,
        number=number,
        title=title.strip(),
        guideline=guideline.strip(),
        steps=_clean_steps(steps),
        all_units=all_units,
        other_parties=other_parties.strip(),
        responsible=responsible,
        start_month=start_month,
        end_month=end_month,
        rounds=months,
        outcome=outcome.strip(),
        status=status,
        template_code=template_code,
        carried_from=carried_from,
        created_by=person_of(user),
    )
    measure.full_clean(
        exclude=["organization", "assessment", "responsible", "carried_from"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError as exc:  # a writer that did not take the lock
        if carried_from is not None:
            _check_not_carried(locked, carried_from)
        raise _number_taken(number) from exc
    measure.target_tools.set(tools)
    measure.target_indicators.set(indicators)
    measure.target_items.set(items)
    measure.units.set(unit_list)
    _rounds_sync(measure, months)
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, user: Any, **changes: Any) -> Measure:
    """Change the given fields of a measure (``MEASURE_FIELDS``, the many-to-many ``MEASURE_RELATIONS``,
    ``number`` and ``rounds``); everything not given stays as stored."""
    unknown = set(changes) - {*MEASURE_FIELDS, *MEASURE_RELATIONS, "number", "rounds"}
    if unknown:
        raise TypeError(f"measure_update() got unknown fields: {', '.join(sorted(unknown))}")
    changes = {k: v for k, v in changes.items() if v is not UNSET}
    require_write(user, measure.organization_id)
    assessment = _assessment_locked(measure.assessment)
    fresh = _measure_locked(measure)
    relations = {}
    for name in ("target_tools", "target_indicators", "target_items"):
        if name in changes:
            relations[name] = _check_same_framework(assessment, changes.pop(name), name)
    if "units" in changes:
        relations["units"] = _check_units(assessment, changes.pop("units"))
    all_units = changes.get("all_units", fresh.all_units)
    units_after = relations["units"] if "units" in relations else list(fresh.units.all())
    if all_units and units_after:
        if "all_units" in changes and "units" not in changes:
            relations["units"] = []  # choosing "all units" replaces the list
        else:
            raise ValidationError({"units": _("Choose either all units or some units, not both.")})
    if "responsible" in changes:
        _check_responsible(fresh.organization_id, changes["responsible"])
    if "steps" in changes:
        changes["steps"] = _clean_steps(changes["steps"])
    for name in ("title", "guideline", "other_parties", "outcome"):
        if isinstance(changes.get(name), str):
            changes[name] = changes[name].strip()
    months = _clean_rounds(changes.pop("rounds")) if "rounds" in changes else None
    for name, value in changes.items():
        setattr(fresh, name, value)
    _check_period(assessment, fresh.start_month, fresh.end_month)
    fresh.full_clean(exclude=["organization", "assessment", "responsible"], validate_constraints=False)
    if "number" in changes and (
        Measure.objects.filter(assessment=assessment, number=fresh.number).exclude(pk=fresh.pk).exists()
    ):
        raise _number_taken(fresh.number)
    try:
        with transaction.atomic():
            fresh.save()
    except IntegrityError as exc:
        raise _number_taken(fresh.number) from exc
    for name, objects in relations.items():
        getattr(fresh, name).set(objects)
    if months is not None:
        _rounds_sync(fresh, months)
    return fresh


@transaction.atomic
def measure_rounds_set(*, measure: Measure, months: Iterable[int], user: Any) -> Measure:
    """Choose the rounds that check a measure; a round that already has reports stays."""
    return measure_update(measure=measure, rounds=list(months), user=user)


@transaction.atomic
def measure_delete(*, measure: Measure, user: Any) -> None:
    """Delete a measure with its rounds, reports and evidence; refused once a memo used a report."""
    require_write(user, measure.organization_id)
    _assessment_locked(measure.assessment)
    fresh = _measure_locked(measure)
    if fresh.reports.filter(locked=True).exists():
        raise ValidationError(_("A report of this measure is used by a memo; the measure cannot be deleted."))
    names = list(
        Evidence.objects.filter(report__measure=fresh).exclude(file="").values_list("file", flat=True)
    )
    # One delete at a time, children first, so each row leaves its audit entry.
    for item in Evidence.objects.filter(report__measure=fresh):
        item.delete()
    for report in fresh.reports.all():
        report.delete()
    for r in fresh.monitoring_rounds.all():
        r.delete()
    fresh.delete()
    _delete_files_later(names)


@transaction.atomic
def round_due_date_set(*, round: MonitoringRound, due_date: date, user: Any) -> MonitoringRound:
    """Move a round's due date (e.g. the agency's own deadline before the NACC's)."""
    require_write(user, round.organization_id)
    measure = _measure_locked(round.measure)
    fresh = MonitoringRound.objects.get(pk=round.pk, measure=measure)
    if fresh.due_date != due_date:
        fresh.due_date = due_date
        fresh.full_clean(exclude=["organization", "measure"], validate_constraints=False)
        fresh.save()
    return fresh


# --------------------------------------------------------------------------- progress reports


#: Autosaves of one user within this time after their version was saved change that version.
AUTOSAVE_WINDOW = timedelta(minutes=10)
REPORT_FIELDS = ("result", "outcome", "suggestion", "percent")


def _report_mergeable(current: ProgressReport | None, user: Any, now) -> bool:
    """May an autosave change ``current`` itself instead of making the next version?"""
    return (
        current is not None
        and not current.locked
        and current.reported_by_id is not None
        and current.reported_by_id == getattr(user, "pk", None)
        and now - current.reported_at <= AUTOSAVE_WINDOW
    )


@transaction.atomic
def progress_report_save(
    *,
    round: MonitoringRound,
    result: str = UNSET,
    outcome: str = UNSET,
    suggestion: str = UNSET,
    percent: int = UNSET,
    autosave: bool = False,
    user: Any,
) -> ProgressReport:
    """Report on a round; returns the current version.

    Only the fields given change: a field not given keeps the current version's value (or the
    empty default before the first report), so two officers saving different fields at once both
    keep theirs (the measure row lock makes the second see the first).

    Versions: the first save makes version 1. A save that changes the content makes the next
    version and keeps the earlier ones (no longer current); the new version starts with the
    previous one's evidence. A save of the same content makes nothing. A locked version (used by a
    memo) is never changed: its correction is a new version like any other change.

    Autosave (``autosave=True``, the inline fields that save themselves as the officer types): one
    field per request would otherwise make a version per pause in typing. So an autosave changes
    the current version itself when that version is the same user's, saved (or last autosaved)
    within ``AUTOSAVE_WINDOW`` (10 minutes), and not locked; otherwise it makes the next version as
    above. A version is therefore one sitting of one person. Its earlier values are not lost: the
    change is saved through the model, so the audit trail records each field's old and new value.
    The explicit "Save report" of the round page (``autosave=False``) always makes a new version.
    """
    require_write(user, round.organization_id)
    measure = _measure_locked(round.measure)
    fresh = MonitoringRound.objects.get(pk=round.pk, measure=measure)
    fresh.measure = measure
    current = ProgressReport.objects.filter(round=fresh, is_current=True).first()
    given = {"result": result, "outcome": outcome, "suggestion": suggestion, "percent": percent}
    given = {name: value for name, value in given.items() if value is not UNSET}
    for name in ("result", "outcome", "suggestion"):
        if name in given:
            given[name] = (given[name] or "").strip()
    base = {name: getattr(current, name) for name in REPORT_FIELDS} if current else {}
    values = {"result": "", "outcome": "", "suggestion": "", "percent": 0, **base, **given}
    now = timezone.now()
    if current is not None and current.content == tuple(values[name] for name in REPORT_FIELDS):
        return current
    if autosave and _report_mergeable(current, user, now):
        for name, value in values.items():
            setattr(current, name, value)
        current.reported_at = now
        current.measure, current.round = measure, fresh  # loaded: the audit label needs no query
        current.full_clean(
            exclude=["organization", "measure", "round", "reported_by"], validate_constraints=False
        )
        current.save(update_fields=[*REPORT_FIELDS, "reported_at"])
        return current
    report = ProgressReport(
        organization_id=measure.organization_id,
        measure=measure,
        round=fresh,
        **values,
        reported_by=person_of(user),
        reported_at=now,
        is_current=True,
    )
    report.version = (ProgressReport.objects.filter(round=fresh).aggregate(v=Max("version"))["v"] or 0) + 1
    report.full_clean(exclude=["organization", "measure", "round", "reported_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            if current is not None:
                current.is_current = False
                current.save(update_fields=["is_current"])
            report.save()
    except IntegrityError as exc:  # a writer that did not take the lock
        raise ValidationError(_("This report was changed at the same time; please save again.")) from exc
    if current is not None:
        for item in current.evidence.all():
            Evidence.objects.create(
                organization_id=item.organization_id,
                report=report,
                file=item.file.name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                url=item.url,
                added_by_id=item.added_by_id,
            )
    return report


@transaction.atomic
def progress_report_lock(*, report: ProgressReport, user: Any) -> ProgressReport:
    """Mark a report version as used by a memo: from now on it is read-only."""
    require_write(user, report.organization_id)
    measure = _measure_locked(report.measure)
    fresh = ProgressReport.objects.get(pk=report.pk, measure=measure)
    if not fresh.locked:
        fresh.locked = True
        fresh.save(update_fields=["locked"])
    return fresh


def _report_writable(report: ProgressReport) -> ProgressReport:
    """Lock the measure and return the report fresh, if evidence may still change on it."""
    measure = _measure_locked(report.measure)
    fresh = ProgressReport.objects.select_related("round").get(pk=report.pk, measure=measure)
    fresh.measure = measure
    if fresh.locked:
        raise ValidationError(
            _("This report is used by a memo and can no longer change; save a new version.")
        )
    if not fresh.is_current:
        raise ValidationError(_("This is an earlier version of the report; add evidence to the current one."))
    return fresh


@transaction.atomic
def evidence_add_file(*, report: ProgressReport, upload: Any, user: Any) -> Evidence:
    """Attach an uploaded file (type sniffed from its content, size-limited) under a generated name.

    The file is stored before the row is saved; should the row fail, the file is removed at once.
    (A rollback of an enclosing transaction later on would leave the stored file without a row:
    harmless, since files are only ever served through their rows.)
    """
    require_write(user, report.organization_id)
    fresh = _report_writable(report)
    name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    kind = evidence_files.check_upload(upload, name=name, size=size)
    item = Evidence(
        organization_id=fresh.organization_id,
        report=fresh,
        original_name=name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=kind.content_type,
        size=size,
        added_by=user,
    )
    item.file.save(f"upload{kind.extension}", upload, save=False)
    try:
        item.full_clean(exclude=["organization", "report", "added_by"], validate_constraints=False)
        item.save()
    except BaseException:
        default_storage.delete(item.file.name)
        raise
    return item


@transaction.atomic
def evidence_add_url(*, report: ProgressReport, url: str, user: Any) -> Evidence:
    """Attach a link (http or https, at most 500 characters)."""
    require_write(user, report.organization_id)
    fresh = _report_writable(report)
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ValidationError({"url": _("A link has at most %(limit)s characters.") % {"limit": URL_MAX}})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter a link that starts with http:// or https://.")}) from exc
    item = Evidence(organization_id=fresh.organization_id, report=fresh, url=url, added_by=user)
    item.full_clean(exclude=["organization", "report", "added_by"], validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user: Any) -> None:
    """Remove evidence from the current, unlocked report version (earlier versions keep theirs)."""
    require_write(user, evidence.organization_id)
    _report_writable(evidence.report)
    fresh = Evidence.objects.get(pk=evidence.pk)
    name = fresh.file.name if fresh.file else ""
    fresh.delete()
    _delete_files_later([name])


# --------------------------------------------------------------------------- templates


#: Names by which an organization's units are recognised as a template's unit kinds.
UNIT_KIND_NAMES = {
    "clerk_office": ("สำนักปลัด",),
    "finance": ("กองคลัง",),
    "engineering": ("กองช่าง",),
    "education": ("กองการศึกษา",),
    "strategy": ("ยุทธศาสตร์", "กองวิชาการและแผนงาน"),
    "personnel": ("การเจ้าหน้าที่",),
    "audit": ("ตรวจสอบภายใน",),
}


@dataclass(frozen=True)
class Unmapped:
    """A template's target or unit kind with nothing to match in this assessment's year or organization."""

    template_code: str
    kind: str  # "tool" | "indicator" | "concept" | "unit_kind"
    value: str


@dataclass
class TemplatesResult:
    measures: list[Measure] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)


def _framework_targets(assessment: Assessment):
    tools = {t.code: t for t in Tool.objects.filter(framework=assessment.framework_id)}
    indicators = {i.number: i for i in Indicator.objects.filter(framework=assessment.framework_id)}
    by_concept: dict[str, list[Item]] = {}
    for item in Item.objects.filter(framework=assessment.framework_id).order_by("order"):
        for concept in (item.concept, *item.replaces_concepts):
            if concept:
                by_concept.setdefault(concept, []).append(item)
    return tools, indicators, by_concept


def _units_of_kind(units: Sequence[Unit], kind: str) -> list[Unit]:
    names = UNIT_KIND_NAMES.get(kind, ())
    normal = [(u, u.name.replace(" ", "")) for u in units]
    return [u for u, n in normal if any(part in n for part in names)]


@transaction.atomic
def measures_from_templates(
    *,
    assessment: Assessment,
    template_codes: Sequence[str],
    user: Any,
    library: Sequence[TemplateSpec] | None = None,
) -> TemplatesResult:
    """Create one measure per chosen template, in the order given, with its targets filled in.

    Targets are resolved in the assessment's framework: tools by code, indicators by number, items by
    concept key (an item that took over a concept by merging counts too). Unit kinds become the
    organization's matching units ("all" becomes all units). What has no match is returned in
    ``unmapped``, never dropped silently. The period is the whole fiscal year. Templates are the
    active ones of the library table (``library`` replaces it, for tests).
    """
    require_write(user, assessment.organization_id)
    specs = {spec.code: spec for spec in (library if library is not None else active_templates())}
    unknown = [code for code in template_codes if code not in specs]
    if unknown:
        raise ValidationError(_("Unknown measure template(s): %(codes)s") % {"codes": ", ".join(unknown)})
    locked = _assessment_locked(assessment)
    tools, indicators, by_concept = _framework_targets(locked)
    units = list(Unit.objects.filter(organization=locked.organization_id))
    start, end = fiscal_year_months(locked.fiscal_year)
    result = TemplatesResult()
    for code in template_codes:
        spec = specs[code]
        missing = result.unmapped.append
        chosen_tools = []
        for tool_code in spec.tools:
            if tool_code in tools:
                chosen_tools.append(tools[tool_code])
            else:
                missing(Unmapped(code, "tool", tool_code))
        chosen_indicators = []
        for number in spec.indicators:
            if number in indicators:
                chosen_indicators.append(indicators[number])
            else:
                missing(Unmapped(code, "indicator", str(number)))
        chosen_items: dict[int, Item] = {}
        for concept in spec.concepts:
            matches = by_concept.get(concept, [])
            if not matches:
                missing(Unmapped(code, "concept", concept))
            for item in matches:
                chosen_items.setdefault(item.pk, item)
        chosen_units: dict[int, Unit] = {}
        for kind in spec.unit_kinds:
            if kind == ALL_UNITS:
                continue
            matches = _units_of_kind(units, kind)
            if not matches:
                missing(Unmapped(code, "unit_kind", kind))
            for unit in matches:
                chosen_units.setdefault(unit.pk, unit)
        result.measures.append(
            measure_create(
                assessment=locked,
                title=spec.title_th,
                guideline=spec.guideline_th,
                steps=spec.steps_th,
                target_tools=chosen_tools,
                target_indicators=chosen_indicators,
                target_items=chosen_items.values(),
                all_units=ALL_UNITS in spec.unit_kinds,
                units=chosen_units.values(),
                start_month=start,
                end_month=end,
                rounds=spec.rounds,
                outcome=spec.outcome_th,
                template_code=spec.code,
                user=user,
            )
        )
    return result
