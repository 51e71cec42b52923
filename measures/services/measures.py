"""Writes to a year's plan: measures, their targets, units and rounds (locks: assessment, then measure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments.access import person_of, require_write
from assessments.models import Assessment, Indicator, Item, Membership, Tool, Unit
from assessments.services import UNSET, _assessment_locked
from ita_portal.thai import fiscal_year_bounds, format_date

from ..models import Evidence, Measure, MeasureStatus, MonitoringRound
from ..rounds import ROUND_MONTHS, fiscal_year_months, round_due_date
from ._common import _delete_files_later, _measure_locked

STEP_MAX = 500
MAX_STEPS = 30

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
    """Move a round's due date (e.g. the agency's own deadline before the NACC's).

    The date stays between the start of the measure's fiscal year and five years after its end: a
    report is never due before its year began, and a date centuries off is a Buddhist-era year typed
    into a Christian-era date (2565 for 2022).
    """
    require_write(user, round.organization_id)
    measure = _measure_locked(round.measure)
    fresh = MonitoringRound.objects.get(pk=round.pk, measure=measure)
    first, last = fiscal_year_bounds(measure.assessment.fiscal_year)
    latest = last.replace(year=last.year + 5)
    if not first <= due_date <= latest:
        raise ValidationError(
            {
                "due_date": _("The due date must be between %(first)s and %(last)s.")
                % {"first": format_date(first), "last": format_date(latest)}
            }
        )
    if fresh.due_date != due_date:
        fresh.due_date = due_date
        fresh.full_clean(exclude=["organization", "measure"], validate_constraints=False)
        fresh.save()
    return fresh
