"""Importing a measure table into a year's plan: the engine of ``import_measures`` and of the upload page.

``measures_import`` parses the workbook (``measures.importer``, no database), then plans every row
against what is stored (which measure it is, which units and targets its names are, what would
change) and collects every problem with its place. Only when no row has an error does it write, in
one transaction that first locks the assessment, through the existing services (``measure_create``,
``measure_update``, ``progress_report_save``): all rows or none (STYLE.md §2 "Importers").

Identity: a row with a number is the measure of that number in the year; a row without one is the
measure with the same title (compared without spaces); anything else is a new measure. A field the
table does not carry, or carries as an empty cell, stays as stored; "unchanged" means every carried
field equals what is stored after the same normalisation the exporter writes (``importer.clean_text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import require_write
from assessments.models import Assessment, Indicator, Item, Tool, Unit
from assessments.services import _assessment_locked

from . import services
from .importer import (
    ParsedMeasure,
    ParsedWorkbook,
    Problem,
    clean_text,
    compare_text,
    match_units,
    parse_workbook,
    squash,
)
from .models import Measure, MeasureStatus, MonitoringRound, ProgressReport
from .rounds import ROUND_MONTHS, fiscal_year_months, latest_due_round

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"


@dataclass(frozen=True)
class RowOutcome:
    """What importing one row does: a new measure, an update (with the fields that change) or nothing."""

    sheet: str
    row: int
    number: int | None
    title: str
    action: str
    changes: tuple[str, ...] = ()


@dataclass
class ImportResult:
    rows: list[RowOutcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    round_month: int | None = None
    written: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def as_json(self) -> dict[str, Any]:
        """The command's ``--json`` answer, exactly these keys."""
        return {
            "measures": len(self.rows),
            "created": self.count(NEW),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "warnings": [p.as_dict() for p in self.warnings],
            "errors": [p.as_dict() for p in self.errors],
        }


@dataclass
class _Plan:
    parsed: ParsedMeasure
    measure: Measure | None
    fields: dict[str, Any]  # arguments of measure_create / measure_update (only what changes, for updates)
    labels: list[str]
    report: dict[str, Any] | None = None  # arguments of progress_report_save, when it changes


def _title_key(title: str) -> str:
    return squash(title).lower()


def _steps_key(steps: Any) -> tuple[str, ...]:
    return tuple(" ".join(str(s).split()) for s in steps or ())


class _Planner:
    """Plans every row against the stored year; reads only (the writer calls it again under the lock)."""

    def __init__(self, assessment: Assessment, book: ParsedWorkbook, round_month: int | None, today: date):
        self.assessment = assessment
        self.book = book
        self.warnings: list[Problem] = []
        self.errors: list[Problem] = []
        framework = assessment.framework_id
        self.tools = {t.code.upper(): t for t in Tool.objects.filter(framework=framework)}
        self.indicators = {i.number: i for i in Indicator.objects.filter(framework=framework)}
        self.items = {i.code.upper(): i for i in Item.objects.filter(framework=framework)}
        self.units = {u.name: u for u in Unit.objects.filter(organization=assessment.organization_id)}
        self.measures = list(
            Measure.objects.filter(assessment=assessment).prefetch_related(
                "units", "target_tools", "target_indicators", "target_items", "monitoring_rounds"
            )
        )
        self.by_number = {m.number: m for m in self.measures}
        self.by_title: dict[str, list[Measure]] = {}
        for m in self.measures:
            self.by_title.setdefault(_title_key(m.title), []).append(m)
        self.round_month = round_month or book.round_month
        if self.round_month is None:
            self.round_month = latest_due_round(assessment.fiscal_year, today, ROUND_MONTHS)
        reports = ProgressReport.objects.filter(
            measure__assessment=assessment, is_current=True, round__month=self.round_month or 0
        )
        self.current = {r.measure_id: r for r in reports}

    def problem(self, p: ParsedMeasure, column: str, message: str, *, error: bool = False) -> None:
        (self.errors if error else self.warnings).append(Problem(p.sheet, p.row, p.column(column), message))

    def plan(self) -> list[_Plan]:
        plans = []
        claimed: dict[int, ParsedMeasure] = {}
        for p in self.book.measures:
            measure = self._identify(p, claimed)
            plans.append(self._plan_row(p, measure))
        if self.round_month is None and any(p.has_progress for p in self.book.measures):
            self.errors.append(
                Problem(
                    self.book.measures[0].sheet,
                    0,
                    "",
                    _("No round is due yet in this fiscal year; name the round of the results (--round)."),
                )
            )
        return plans

    def _identify(self, p: ParsedMeasure, claimed: dict[int, ParsedMeasure]) -> Measure | None:
        if p.number is not None:
            measure = self.by_number.get(p.number)
        else:
            matches = self.by_title.get(_title_key(p.title), [])
            if len(matches) > 1:
                self.problem(
                    p,
                    "title",
                    _("Several measures of this year have this title; give the row its number."),
                    error=True,
                )
                return None
            measure = matches[0] if matches else None
        if measure is not None:
            if measure.pk in claimed:
                self.problem(
                    p,
                    "number" if p.number is not None else "title",
                    _("Row %(row)s is already measure %(number)s.")
                    % {"row": claimed[measure.pk].row, "number": measure.number},
                    error=True,
                )
            claimed[measure.pk] = p
        return measure

    # -- one row

    def _targets(self, p: ParsedMeasure) -> tuple[list, list, list, list[str]]:
        tools, indicators, items, unknown = [], [], [], []
        for code in p.tools or ():
            if code in self.tools:
                tools.append(self.tools[code])
            else:
                unknown.append(code)
        for number in p.indicators or ():
            if number in self.indicators:
                indicators.append(self.indicators[number])
            else:
                unknown.append(_("indicator %(number)s") % {"number": number})
        for code in p.items or ():
            if code in self.items:
                items.append(self.items[code])
            else:
                unknown.append(code)
        return tools, indicators, items, unknown

    def _plan_row(self, p: ParsedMeasure, measure: Measure | None) -> _Plan:
        want: dict[str, Any] = {"title": p.title}
        kept = list(p.kept)
        if p.targets_given:
            tools, indicators, items, unknown = self._targets(p)
            if unknown:
                text = ", ".join(unknown)
                kept.append(f"{_('targets')}: {text}")
                self.problem(
                    p,
                    "targets",
                    _("%(codes)s: not in the ITA %(year)s framework; kept in the guideline.")
                    % {"codes": text, "year": self.assessment.fiscal_year},
                )
            if p.targets_context and measure is not None:  # a heading adds, never takes away
                tools = [*measure.target_tools.all(), *tools]
                indicators = [*measure.target_indicators.all(), *indicators]
                items = [*measure.target_items.all(), *items]
            want["target_tools"] = list(dict.fromkeys(tools))
            want["target_indicators"] = list(dict.fromkeys(indicators))
            want["target_items"] = list(dict.fromkeys(items))
        if p.responsible is not None:
            units, unmatched = match_units(p.responsible, self.units)
            # Every name that is not a unit is listed, except one the measure already keeps as another
            # party (a re-import of the exported file warns about nothing it wrote itself).
            known = {squash(line) for line in (measure.other_parties if measure else "").splitlines()}
            for name in unmatched:
                if squash(name) not in known:
                    self.problem(
                        p,
                        "responsible",
                        _(
                            "“%(name)s” is not a unit of this organization; "
                            "it is kept as another responsible party."
                        )
                        % {"name": name},
                    )
            if p.all_units and units:
                unmatched = [u.name for u in units] + unmatched
                units = []
                self.problem(
                    p,
                    "responsible",
                    _(
                        "The cell names all units and some units; "
                        "the units are kept as other responsible parties."
                    ),
                )
            want["all_units"] = bool(p.all_units)
            want["units"] = units
            want["other_parties"] = "\n".join(unmatched)
        if p.period_given:
            first, last = fiscal_year_months(self.assessment.fiscal_year)
            if not first <= p.start_month <= last:
                self.problem(
                    p,
                    "period",
                    _("The period must start within fiscal year %(year)s.")
                    % {"year": self.assessment.fiscal_year},
                    error=True,
                )
            want["start_month"], want["end_month"] = p.start_month, p.end_month
        for name in ("guideline", "outcome", "status"):
            if getattr(p, name) is not None:
                want[name] = getattr(p, name)
        if p.steps is not None:
            want["steps"] = list(p.steps)
        if kept:
            base = want.get("guideline", measure.guideline if measure is not None else "") or ""
            lines = base.split("\n") if base else []
            missing = [line for line in kept if line not in lines]
            if missing:
                want["guideline"] = "\n".join([*lines, *missing])
        rounds = set(p.rounds) if p.rounds is not None else None
        report = None
        if p.has_progress and self.round_month is not None:
            report = self._report(p, measure)
            stored_rounds = set(measure.rounds) if measure is not None else set()
            if self.round_month not in (rounds if rounds is not None else stored_rounds):
                rounds = (rounds if rounds is not None else stored_rounds) | {self.round_month}
        if rounds is not None:
            want["rounds"] = sorted(rounds)
        if measure is None:
            want.setdefault("status", MeasureStatus.PLANNED)
            return _Plan(p, None, want, [], report)
        changes = self._changes(measure, want)
        labels = [str(LABELS[name]) for name in changes]
        if report is not None:
            labels.append(_("%(month)s-month report") % {"month": self.round_month})
        return _Plan(p, measure, changes, labels, report)

    def _report(self, p: ParsedMeasure, measure: Measure | None) -> dict[str, Any] | None:
        current = self.current.get(measure.pk) if measure is not None else None
        given = {
            "result": p.result,
            "outcome": p.report_outcome,
            "suggestion": p.suggestion,
            "percent": p.percent,
        }
        content = {
            name: value
            if value is not None
            else (getattr(current, name) if current else ("" if name != "percent" else 0))
            for name, value in given.items()
        }
        if not any((content["result"], content["outcome"], content["suggestion"], content["percent"])):
            return None  # empty cells never make an empty report
        if current is not None and (
            compare_text(current.result),
            compare_text(current.outcome),
            compare_text(current.suggestion),
            current.percent,
        ) == (
            compare_text(content["result"]),
            compare_text(content["outcome"]),
            compare_text(content["suggestion"]),
            content["percent"],
        ):
            return None
        return content

    def _changes(self, measure: Measure, want: dict[str, Any]) -> dict[str, Any]:
        changes = {}
        for name, value in want.items():
            stored = getattr(measure, name)
            if name in ("target_tools", "target_indicators", "target_items", "units"):
                same = {o.pk for o in stored.all()} == {o.pk for o in value}
            elif name == "steps":
                same = _steps_key(stored) == _steps_key(value)
            elif name == "rounds":
                same = sorted(stored or []) == sorted(value)
            elif name == "title":  # spaces mean nothing in a Thai title copied from a PDF or Word table
                same = _title_key(stored) == _title_key(value)
            elif isinstance(value, str):
                same = compare_text(stored or "") == compare_text(value)
            else:
                same = stored == value
            if not same:
                changes[name] = value
        return changes


LABELS = {
    "title": Measure._meta.get_field("title").verbose_name,
    "guideline": Measure._meta.get_field("guideline").verbose_name,
    "steps": Measure._meta.get_field("steps").verbose_name,
    "target_tools": Measure._meta.get_field("target_tools").verbose_name,
    "target_indicators": Measure._meta.get_field("target_indicators").verbose_name,
    "target_items": Measure._meta.get_field("target_items").verbose_name,
    "all_units": Measure._meta.get_field("all_units").verbose_name,
    "units": Measure._meta.get_field("units").verbose_name,
    "other_parties": Measure._meta.get_field("other_parties").verbose_name,
    "start_month": Measure._meta.get_field("start_month").verbose_name,
    "end_month": Measure._meta.get_field("end_month").verbose_name,
    "rounds": Measure._meta.get_field("rounds").verbose_name,
    "outcome": Measure._meta.get_field("outcome").verbose_name,
    "status": Measure._meta.get_field("status").verbose_name,
}


class _Rollback(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _service_problem(p: ParsedMeasure, exc: ValidationError) -> Problem:
    """A service's refusal as a problem at the row, in the column of the field it names."""
    columns = {
        "title": "title",
        "steps": "steps",
        "units": "responsible",
        "start_month": "period",
        "end_month": "period",
        "rounds": "rounds",
        "number": "number",
        "status": "status",
        "guideline": "guideline",
        "outcome": "outcome",
        "percent": "percent",
        "result": "result",
    }
    name = next(iter(exc.message_dict), "title") if hasattr(exc, "error_dict") else "title"
    return Problem(p.sheet, p.row, p.column(columns.get(name, "title")), " ".join(exc.messages))


def _result(planner: _Planner, plans: list[_Plan], book: ParsedWorkbook) -> ImportResult:
    rows = []
    for plan in plans:
        p = plan.parsed
        if plan.measure is None:
            action = NEW
        elif plan.fields or plan.report is not None:
            action = UPDATE
        else:
            action = UNCHANGED
        number = plan.measure.number if plan.measure is not None else p.number
        rows.append(RowOutcome(p.sheet, p.row, number, p.title, action, tuple(plan.labels)))
    return ImportResult(
        rows=rows,
        warnings=[*book.problems, *planner.warnings],
        errors=[*book.errors, *planner.errors],
        round_month=planner.round_month,
    )


def _write(plan: _Plan, assessment: Assessment, round_month: int | None, user: Any) -> None:
    p = plan.parsed
    try:
        if plan.measure is None:
            measure = services.measure_create(assessment=assessment, **plan.fields, user=user)
            if p.number is not None and measure.number != p.number:
                measure = services.measure_update(measure=measure, number=p.number, user=user)
        else:
            measure = plan.measure
            if plan.fields:
                measure = services.measure_update(measure=measure, **plan.fields, user=user)
        if plan.report is not None and round_month is not None:
            round_ = MonitoringRound.objects.get(measure=measure, month=round_month)
            services.progress_report_save(round=round_, **plan.report, user=user)
    except ValidationError as exc:
        raise _Rollback(_service_problem(p, exc)) from exc


def measures_import(
    *,
    assessment: Assessment,
    data: bytes,
    user: Any,
    round_month: int | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Import a measure table into ``assessment``: every row or none.

    ``round_month`` is the round a result column reports on (default: the round a title row names,
    else the latest due round). With ``dry_run``, or when any row has an error, nothing is written;
    the result says what each row would do and lists every problem.
    """
    require_write(user, assessment.organization_id)
    today = today or timezone.localdate()
    book = parse_workbook(data, fiscal_year=assessment.fiscal_year)
    if book.errors and not book.measures:
        return ImportResult(warnings=list(book.problems), errors=list(book.errors))
    planner = _Planner(assessment, book, round_month, today)
    plans = planner.plan()
    result = _result(planner, plans, book)
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            locked = _assessment_locked(assessment)
            planner = _Planner(locked, book, round_month, today)  # again, under the lock
            plans = planner.plan()
            result = _result(planner, plans, book)
            if result.errors:
                raise _Rollback(result.errors[0])
            ordered = sorted(
                plans,
                key=lambda pl: (pl.measure is None, pl.measure is None and pl.parsed.number is None),
            )
            for plan in ordered:
                if plan.measure is None or plan.fields or plan.report is not None:
                    _write(plan, locked, planner.round_month, user)
    except _Rollback as stop:
        if stop.problem not in result.errors:
            result.errors.append(stop.problem)
        result.written = False
        return result
    result.written = True
    return result


def problems_sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.sheet, p.row, p.column))


__all__ = ["ImportResult", "RowOutcome", "clean_text", "measures_import", "problems_sorted"]
