"""Importing ITAS results into assessments: the engine of ``manage.py import_ita`` (and of the upload
pages to come). Issue 7 items 4-6 and 9.

``itas_import`` reads the file with the pure reader (``assessments.importer.read_itas``, bands and
tool weights taken from the frameworks in the database), matches each agency (ITAS code, then the
normalised name and province: ``importer.agencies.AgencyIndex``), then plans every agency-year against
what is stored and collects every problem with its place. Only when there is no error does it write,
in ONE transaction, through the existing services (``assessment_create``, ``assessment_published_set``,
``indicator_scores_set``, ``question_scores_set``, ``disclosure_results_set``), so the computed result
is recomputed in the same transaction: every agency-year or none.

* Published values (total, band, raw tool scores) are stored apart from the computed ones; neither
  overwrites the other. Where they disagree (total by more than 0.01, or another band) the result
  lists a discrepancy.
* Only what the file carries is written; a value equal to the stored one is not written again, so a
  second import of the same data (from any format) is "unchanged" and leaves no audit entry.
* A year without a framework cannot hold an assessment (``Assessment.framework`` is required and of
  the same year): its agencies are reported with their published values and the warning
  "not recomputed: no framework for YYYY", and nothing of theirs is stored.
* Who: site staff (and the command line) import any agency; an organization's administrator, with
  ``organization=``, only the rows of that organization (any other row is an error).
* Reads in bulk: the stored assessments and their grains are read with a few queries whatever the
  number of agencies; the framework structure once per year (kept per process by the selectors).
  Small imports write row by row through the services (each row its audit entry); past
  ``settings.ITAS_BULK_AGENCIES`` agency-years the bulk writer (``itas_bulk``) writes the same rows
  with bulk_create / bulk_update in the same transaction, the computed snapshot from the plan's score,
  one audit entry per agency-year with old and new values (issue 7 item 8).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import scoring, selectors, services
from .access import SystemActor, can_write
from .importer import AgencyYear, ColumnMapping, Problem, Reading, read_itas
from .importer.agencies import _PREFIX_PATTERNS, AgencyIndex, KnownAgency, clean_name, name_key
from .importer.reader import DEFAULT_WEIGHTS
from .itas_bulk import BulkConflict, BulkWriter, Progress, decimal_fits
from .models import (
    Assessment,
    Band,
    DisclosureResult,
    FrameworkVersion,
    IndicatorScore,
    Organization,
    OrganizationType,
    QuestionScore,
    Tool,
)
from .org_services import is_admin


class StoredItem(NamedTuple):
    """An O-item result as stored (a tuple: a re-import of a national file holds 357,000 of them)."""

    passed: bool | None
    urls: list[str]
    note: str


CREATED, UPDATED, UNCHANGED, NOT_STORED = "created", "updated", "unchanged", "not_stored"
LOCK_BATCH = 2000  # ids per locking query


class _CommandLine:
    """The writer of ``manage.py import_ita``: site-wide, no person (audit entries carry the command)."""

    is_authenticated = True
    is_staff = True

    def __repr__(self) -> str:
        return "COMMAND_LINE"


COMMAND_LINE: Any = _CommandLine()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Discrepancy:
    agency: str
    itas_code: str
    year: int
    published_total: Decimal | None
    computed_total: Decimal | None
    published_band: str
    computed_band: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "itas_code": self.itas_code or None,
            "year": self.year,
            "published_total": scoring.fmt2(self.published_total),
            "computed_total": scoring.fmt2(self.computed_total),
            "published_band": self.published_band or None,
            "computed_band": self.computed_band or None,
        }


@dataclass(frozen=True)
class AgencyOutcome:
    """What importing one agency-year does (or would do, in a dry run or with errors)."""

    agency: str  # the portal's name of the agency (the file's name for one still to be created)
    itas_code: str
    year: int
    action: str  # CREATED / UPDATED / UNCHANGED / NOT_STORED
    organization_id: int | None  # None: a new organization (created with the import)
    new_organization: bool
    published_total: Decimal | None
    published_band: str
    computed_total: Decimal | None
    computed_band: str
    complete: bool
    changes: tuple[str, ...] = ()  # "published", "indicators", "questions", "items"
    sheet: str = ""
    row: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "itas_code": self.itas_code or None,
            "year": self.year,
            "published_total": scoring.fmt2(self.published_total),
            "computed_total": scoring.fmt2(self.computed_total),
            "computed_band": self.computed_band or None,
            "complete": self.complete,
        }


@dataclass
class ItasImportResult:
    reading: Reading | None = None
    outcomes: list[AgencyOutcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def as_json(self) -> dict[str, Any]:
        """The command's ``--json`` answer, exactly these keys."""
        return {
            "agencies": len(self.outcomes),
            "created": self.count(CREATED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "warnings": [_problem_dict(p) for p in self.warnings],
            "errors": [_problem_dict(p) for p in self.errors],
            "discrepancies": [d.as_dict() for d in self.discrepancies],
            "results": [o.as_dict() for o in self.outcomes],
        }


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"sheet": problem.sheet, "row": problem.row, "column": problem.column, "message": problem.message}


# --------------------------------------------------------------------------- frameworks


@dataclass(frozen=True)
class _Year:
    version: FrameworkVersion
    structure: selectors.FrameworkStructure
    questions: Mapping[str, str]  # "I1" -> the framework's code ("i1")
    items: Mapping[str, str]  # "O1" -> the framework's code
    tools: frozenset[str]


class _Frameworks:
    """The newest published revision of each year, its bands and weights read in three queries; a
    year's structure only when a row of that year needs it (kept per process by the selectors)."""

    def __init__(self) -> None:
        versions = FrameworkVersion.objects.filter(published_at__isnull=False).order_by(
            "fiscal_year", "revision"
        )
        self.versions = {v.fiscal_year: v for v in versions}  # the last revision of a year wins
        ids = [v.pk for v in self.versions.values()]
        self.bands: dict[int, list[str]] = {}
        rows = Band.objects.filter(scheme__framework_id__in=ids, is_sub_level=False).order_by("order")
        for year, label in rows.values_list("scheme__framework__fiscal_year", "label"):
            self.bands.setdefault(year, []).append(label)
        self.weights: dict[int, dict[str, Decimal]] = {}
        for year, code, weight in Tool.objects.filter(framework_id__in=ids).values_list(
            "framework__fiscal_year", "code", "weight"
        ):
            self.weights.setdefault(year, {})[code] = weight
        self._years: dict[int, _Year] = {}

    def weights_for(self, year: int | None) -> Mapping[str, Decimal]:
        if year in self.weights:
            return self.weights[year]
        return self.weights[max(self.weights)] if self.weights else DEFAULT_WEIGHTS

    def get(self, year: int) -> _Year | None:
        if year not in self.versions:
            return None
        if year not in self._years:
            structure = selectors.framework_structure(self.versions[year])
            self._years[year] = _Year(
                self.versions[year],
                structure,
                {code.upper(): code for code in structure.question_ids},
                {code.upper(): code for code in structure.disclosure_ids},
                frozenset(t.code for t in structure.scoring.tools),
            )
        return self._years[year]


# --------------------------------------------------------------------------- planning


@dataclass
class _AgencyPlan:
    record: AgencyYear
    year: int
    organization: Organization | None  # None: ``new`` is created first
    new: Organization | None
    assessment: Assessment | None
    framework: _Year | None
    published: dict[str, Any] = field(default_factory=dict)  # assessment_published_set arguments
    indicators: dict[int, Decimal] = field(default_factory=dict)
    questions: dict[str, Decimal] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcome: AgencyOutcome | None = None
    # For the bulk writer (``itas_bulk``): the score of the merged values, what is stored and the ids
    # of the stored rows ("indicator" -> number -> id, "question"/"item" -> code -> id).
    result: scoring.ScoreResult | None = None
    stored_indicators: dict[int, Decimal] = field(default_factory=dict)
    stored_questions: dict[str, Decimal] = field(default_factory=dict)
    stored_items: dict[str, StoredItem] = field(default_factory=dict)
    row_ids: dict[str, dict[Any, int]] = field(default_factory=dict)

    @property
    def changes(self) -> tuple[str, ...]:
        parts = {
            "published": self.published,
            "indicators": self.indicators,
            "questions": self.questions,
            "items": self.items,
        }
        return tuple(name for name, value in parts.items() if value)


@dataclass
class _Plan:
    agencies: list[_AgencyPlan]
    new_organizations: list[Organization]
    warnings: list[Problem]
    errors: list[Problem]
    discrepancies: list[Discrepancy]


def _where(record: AgencyYear) -> tuple[str, int]:
    return record.rows[0] if record.rows else ("", 0)


def _org_type(name: str) -> str | None:
    """The kind of agency a name's prefix says (for an agency created by the import)."""
    key = name_key(name)
    for prefix, kind in (
        ("เทศบาลนคร", OrganizationType.CITY_MUNICIPALITY),
        ("เทศบาลเมือง", OrganizationType.TOWN_MUNICIPALITY),
        ("เทศบาลตำบล", OrganizationType.SUBDISTRICT_MUNICIPALITY),
        ("องค์การบริหารส่วนตำบล", OrganizationType.SAO),
        ("องค์การบริหารส่วนจังหวัด", OrganizationType.PAO),
    ):
        if key.startswith(prefix):
            return kind
    return None


def _full_name(name: str) -> str:
    """The name with its prefix spelled out ("อบต.ศรีคำ" -> "องค์การบริหารส่วนตำบลศรีคำ")."""
    text = clean_name(name)
    for pattern, full in _PREFIX_PATTERNS:
        match = pattern.match(text)
        if match:
            return full + text[match.end() :].strip()
    return text


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except ArithmeticError:
        return None


class _Planner:
    """Plans every agency-year of a reading against the database; reads only, in bulk."""

    def __init__(
        self,
        reading: Reading,
        frameworks: _Frameworks,
        *,
        organization: Organization | None,
        create_agencies: bool,
    ) -> None:
        self.reading = reading
        self.frameworks = frameworks
        self.organization = organization
        self.create_agencies = create_agencies and organization is None
        self.warnings: list[Problem] = []
        self.errors: list[Problem] = []

    def error(self, record: AgencyYear, message: str, value: str = "") -> None:
        sheet, row = _where(record)
        self.errors.append(Problem(sheet, row, "", value, message))

    def warn(self, record: AgencyYear, message: str) -> None:
        sheet, row = _where(record)
        self.warnings.append(Problem(sheet, row, "", "", message))

    def plan(self, lock: Callable[[list[int], list[int]], None] | None = None) -> _Plan:
        """Match the agencies, then (after ``lock(organization ids, years)`` when writing) read what
        is stored for them and plan each agency-year."""
        orgs = list(Organization.objects.only("id", "name", "itas_code", "province"))
        by_id = {o.pk: o for o in orgs}
        names = {o.name for o in orgs}
        index = AgencyIndex(KnownAgency(o.pk, o.name, o.itas_code, o.province) for o in orgs)
        new: dict[tuple[str, str], Organization] = {}
        matched: list[tuple[AgencyYear, Organization | None, Organization | None]] = []
        for record in self.reading.records:
            if record.year is None:
                continue  # the reader has said so
            found = index.match(record.agency, itas_code=record.itas_code, province=record.province)
            if found.agency is not None:
                org = by_id[found.agency.id]
                if self.organization is not None and org.pk != self.organization.pk:
                    self._not_own(record)
                    continue
                matched.append((record, org, None))
            elif self.organization is not None:
                self._not_own(record)
            elif self.create_agencies:
                key = (name_key(record.agency), record.itas_code.strip())
                if key not in new:
                    made = self._new_organization(record, names)
                    if made is None:
                        continue
                    new[key] = made
                    names.add(made.name)
                matched.append((record, None, new[key]))
            else:
                self._unmatched(record, found.candidates)
        if lock is not None:
            ids = sorted({org.pk for _r, org, _n in matched if org is not None})
            lock(ids, sorted({record.year for record, _o, _n in matched}))
        plans = self._plans(matched)
        discrepancies = [d for p in plans if (d := self._discrepancy(p)) is not None]
        return _Plan(plans, list(new.values()), self.warnings, self.errors, discrepancies)

    # -- agencies

    def _not_own(self, record: AgencyYear) -> None:
        message = _(
            "“%(agency)s” is not %(organization)s: an organization's administrator imports only the "
            "rows of their own organization."
        ) % {"agency": record.agency, "organization": self.organization}
        self.error(record, message, record.agency)

    def _unmatched(self, record: AgencyYear, candidates: tuple) -> None:
        if candidates:
            closest = ", ".join(
                f"{c.agency.name}" + (f" ({c.agency.itas_code})" if c.agency.itas_code else "")
                for c in candidates
            )
            message = _("No agency in the portal matches “%(agency)s”. The closest: %(candidates)s.") % {
                "agency": record.agency,
                "candidates": closest,
            }
        else:
            message = _(
                "No agency in the portal matches “%(agency)s”, and none is close. Correct the name or "
                "import with the option to create agencies."
            ) % {"agency": record.agency}
        self.error(record, message, record.agency)

    def _new_organization(self, record: AgencyYear, names: set[str]) -> Organization | None:
        name = _full_name(record.agency)
        kind = _org_type(name)
        if kind is None:
            message = _(
                "Cannot create “%(agency)s”: its name does not say which kind of local government it is "
                "(เทศบาลนคร, เทศบาลเมือง, เทศบาลตำบล, อบต. or อบจ.)."
            )
            self.error(record, message % {"agency": record.agency}, record.agency)
            return None
        if not record.province.strip():
            message = _("Cannot create “%(agency)s”: the file does not name its province.")
            self.error(record, message % {"agency": record.agency}, record.agency)
            return None
        if name in names:
            message = _("Cannot create “%(agency)s”: another agency already has this name.")
            self.error(record, message % {"agency": name}, record.agency)
            return None
        org = Organization(
            name=name, org_type=kind, province=record.province.strip(), itas_code=record.itas_code.strip()
        )
        try:
            org.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.error(record, " ".join(exc.messages), record.agency)
            return None
        return org

    # -- agency-years

    def _plans(self, matched: list) -> list[_AgencyPlan]:
        org_ids = {org.pk for _r, org, _n in matched if org is not None}
        years = {record.year for record, _o, _n in matched}
        stored = {
            (a.organization_id, a.fiscal_year): a
            for a in Assessment.objects.filter(organization_id__in=org_ids, fiscal_year__in=years)
        }
        ids = [a.pk for a in stored.values()]
        row_ids: dict[int, dict[str, dict[Any, int]]] = {}

        def row_id(a_id: int, kind: str, key: Any, pk: int) -> None:
            row_ids.setdefault(a_id, {}).setdefault(kind, {})[key] = pk

        indicators: dict[int, dict[int, Decimal]] = {}
        for pk, a_id, number, score in IndicatorScore.objects.filter(assessment_id__in=ids).values_list(
            "pk", "assessment_id", "indicator__number", "score"
        ):
            indicators.setdefault(a_id, {})[number] = score
            row_id(a_id, "indicator", number, pk)
        questions: dict[int, dict[str, Decimal]] = {}
        for pk, a_id, code, score in QuestionScore.objects.filter(assessment_id__in=ids).values_list(
            "pk", "assessment_id", "item__code", "score"
        ):
            questions.setdefault(a_id, {})[code] = score
            row_id(a_id, "question", code, pk)
        items: dict[int, dict[str, dict[str, Any]]] = {}
        for pk, a_id, code, passed, urls, note in DisclosureResult.objects.filter(
            assessment_id__in=ids
        ).values_list("pk", "assessment_id", "item__code", "passed", "urls", "note"):
            items.setdefault(a_id, {})[code] = StoredItem(passed, urls, note)
            row_id(a_id, "item", code, pk)

        seen: dict[tuple[Any, int], AgencyYear] = {}
        plans = []
        for record, org, new in matched:
            who = org.pk if org is not None else id(new)
            if (who, record.year) in seen:
                sheet, row = _where(seen[(who, record.year)])
                message = _(
                    "The file gives %(agency)s twice for %(year)s (also in row %(row)s of sheet “%(sheet)s”)."
                ) % {"agency": (org or new).name, "year": record.year, "row": row, "sheet": sheet}
                self.error(record, message, record.agency)
                continue
            seen[(who, record.year)] = record
            assessment = stored.get((org.pk, record.year)) if org is not None else None
            a_id = assessment.pk if assessment is not None else None
            plan = self._plan_one(
                record,
                org,
                new,
                assessment,
                indicators.get(a_id, {}),
                questions.get(a_id, {}),
                items.get(a_id, {}),
            )
            if plan is not None:
                plan.stored_indicators = indicators.get(a_id, {})
                plan.stored_questions = questions.get(a_id, {})
                plan.stored_items = items.get(a_id, {})
                plan.row_ids = row_ids.get(a_id, {})
                plans.append(plan)
        return plans

    def _plan_one(
        self,
        record: AgencyYear,
        org: Organization | None,
        new: Organization | None,
        assessment: Assessment | None,
        stored_indicators: dict[int, Decimal],
        stored_questions: dict[str, Decimal],
        stored_items: dict[str, StoredItem],
    ) -> _AgencyPlan | None:
        year = record.year
        framework = self.frameworks.get(year)
        plan = _AgencyPlan(record, year, org, new, assessment, framework)
        if framework is None:
            self.warn(
                record,
                _(
                    "%(agency)s: not recomputed: no framework for %(year)s; its published values are "
                    "reported but not stored (an assessment needs the framework of its year)."
                )
                % {"agency": (org or new).name, "year": year},
            )
            plan.outcome = self._outcome(plan, NOT_STORED, None, "", False)
            return plan
        errors_before = len(self.errors)
        self._published(plan, assessment)
        unknown = sorted(set(record.indicators) - set(framework.structure.indicator_ids))
        if unknown:
            self.error(
                record,
                _("Indicator(s) %(numbers)s are not in the ITA %(year)s framework.")
                % {"numbers": ", ".join(map(str, unknown)), "year": year},
            )
        self._fits(record, [*record.indicators.values(), *record.questions.values()])
        for number, value in record.indicators.items():
            if number in framework.structure.indicator_ids and stored_indicators.get(number) != value:
                plan.indicators[number] = value
        unknown_q = sorted(code for code in record.questions if code.upper() not in framework.questions)
        if unknown_q:
            self.error(
                record,
                _("Question(s) %(codes)s are not in the ITA %(year)s framework.")
                % {"codes": ", ".join(unknown_q), "year": year},
            )
        merged_questions = dict(stored_questions)
        for code, value in record.questions.items():
            own = framework.questions.get(code.upper())
            if own is not None:
                merged_questions[own] = value
                if stored_questions.get(own) != value:
                    plan.questions[own] = value
        codes = set(record.items) | set(record.item_urls) | set(record.item_comments)
        unknown_o = sorted(code for code in codes if code.upper() not in framework.items)
        if unknown_o:
            self.error(
                record,
                _("O-item(s) %(codes)s are not in the ITA %(year)s framework.")
                % {"codes": ", ".join(unknown_o), "year": year},
            )
        merged_items = {code: row.passed for code, row in stored_items.items() if row.passed is not None}
        for code in codes:
            own = framework.items.get(code.upper())
            if own is None:
                continue
            given: dict[str, Any] = {}
            if code in record.items:
                given["passed"] = record.items[code]
                merged_items[own] = record.items[code]
            if record.item_urls.get(code):  # one cell, one URL per line (as exported)
                given["urls"] = record.item_urls[code].split()
            if code in record.item_comments:
                given["note"] = record.item_comments[code]
            before = stored_items.get(own)
            if before is None or any(getattr(before, name) != value for name, value in given.items()):
                plan.items[own] = given
        if len(self.errors) > errors_before:
            return None
        merged_indicators = {
            **stored_indicators,
            **{n: v for n, v in record.indicators.items() if n in framework.structure.indicator_ids},
        }
        result = scoring.score(
            framework.structure.scoring,
            scoring.ScoreInputs(
                indicator_scores=merged_indicators, question_scores=merged_questions, oit_items=merged_items
            ),
        )
        plan.result = result
        total = None if result.total is None else scoring.round2(result.total)
        action = CREATED if assessment is None else (UPDATED if plan.changes else UNCHANGED)
        plan.outcome = self._outcome(plan, action, total, result.band or "", result.complete)
        return plan

    def _fits(self, record: AgencyYear, scores: list[Decimal]) -> None:
        wrong = [value for value in scores if not decimal_fits(value)]
        if wrong:
            message = _("Scores are kept with at most two decimals: %(values)s.") % {
                "values": ", ".join(str(v) for v in wrong)
            }
            self.error(record, message)

    def _published(self, plan: _AgencyPlan, assessment: Assessment | None) -> None:
        record = plan.record
        if record.total is not None:
            if record.total != record.total.quantize(Decimal("0.01")) or not 0 <= record.total <= 100:
                self.error(
                    record,
                    _("The published total must be between 0 and 100 with at most two decimals."),
                    str(record.total),
                )
            elif assessment is None or assessment.published_total != record.total:
                plan.published["total"] = record.total
        if record.band and (assessment is None or assessment.published_band != record.band.strip()):
            plan.published["band"] = record.band
        stored = assessment.published_tool_scores if assessment is not None else {}
        tools = {}
        for code, value in record.tools.items():
            if code not in plan.framework.tools:
                self.error(
                    record,
                    _("The ITA %(year)s framework has no tool %(code)s.") % {"year": plan.year, "code": code},
                )
            elif _decimal(stored.get(code)) != value:
                tools[code] = value
        if tools:
            plan.published["tool_scores"] = tools
        weighted_only = sorted(set(record.weighted) - set(record.tools))
        if weighted_only:
            message = _(
                "%(agency)s: the weighted scores of %(tools)s are not stored as published tool scores "
                "(the portal keeps published tool scores out of 100)."
            )
            name = (plan.organization or plan.new).name
            self.warn(record, message % {"agency": name, "tools": ", ".join(weighted_only)})

    def _outcome(
        self, plan: _AgencyPlan, action: str, total: Decimal | None, band: str, complete: bool
    ) -> AgencyOutcome:
        record, org = plan.record, plan.organization or plan.new
        sheet, row = _where(record)
        published_total = record.total
        published_band = (record.band or "").strip()
        if plan.assessment is not None:  # what stays published after the import
            published_total = record.total if record.total is not None else plan.assessment.published_total
            published_band = published_band or plan.assessment.published_band
        return AgencyOutcome(
            agency=org.name,
            itas_code=org.itas_code or record.itas_code,
            year=plan.year,
            action=action,
            organization_id=plan.organization.pk if plan.organization is not None else None,
            new_organization=plan.organization is None,
            published_total=published_total,
            published_band=published_band,
            computed_total=total,
            computed_band=band,
            complete=complete,
            changes=plan.changes if action in (CREATED, UPDATED) else (),
            sheet=sheet,
            row=row,
        )

    @staticmethod
    def _discrepancy(plan: _AgencyPlan) -> Discrepancy | None:
        o = plan.outcome
        if o is None or o.action == NOT_STORED:
            return None
        published, computed = (o.published_total, o.published_band), (o.computed_total, o.computed_band)
        if not scoring.published_differs(published[0], computed[0], published[1], computed[1]):
            return None
        return Discrepancy(
            o.agency,
            o.itas_code,
            o.year,
            o.published_total,
            o.computed_total,
            o.published_band,
            o.computed_band,
        )


# --------------------------------------------------------------------------- writing


class _Rollback(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _actor(user: Any, organization_id: int) -> Any:
    """Who the services see writing into one organization: the user when they may write there; for
    site staff (and the command line) a system actor of that organization, recording the person."""
    if user is COMMAND_LINE:
        return SystemActor(organization_id)
    if can_write(user, organization_id):
        return user
    return SystemActor(organization_id, person=user)


def _write(plan: _Plan, user: Any, progress: Progress | None = None) -> None:
    """Write the agency-years created or updated: past ``settings.ITAS_BULK_AGENCIES`` of them with
    the bulk writer (``itas_bulk``), else one by one through the services."""
    agencies = [a for a in plan.agencies if a.outcome is not None and a.outcome.action in (CREATED, UPDATED)]
    if len(agencies) >= settings.ITAS_BULK_AGENCIES:
        try:
            rest = BulkWriter(plan, user, progress=progress).write(agencies)
        except BulkConflict as exc:
            raise _Rollback(exc.problem) from exc
        _write_each(plan, user, rest, [])
        return
    _write_each(plan, user, agencies, plan.new_organizations, progress)


def _write_each(
    plan: _Plan,
    user: Any,
    agencies: list[_AgencyPlan],
    new_organizations: list[Organization],
    progress: Progress | None = None,
) -> None:
    """Write agency-years one by one through the services (each saved row leaves its audit entry)."""
    created: dict[int, Organization] = {}
    for org in new_organizations:
        try:
            with transaction.atomic():
                org.save()
        except IntegrityError as exc:
            message = _(
                "“%(agency)s” was created by someone else at the same moment; import the file again."
            ) % {"agency": org.name}
            raise _Rollback(Problem("", 0, "", org.name, message)) from exc
        created[id(org)] = org
    for done, agency in enumerate(agencies, 1):
        org = agency.organization or agency.new
        actor = _actor(user, org.pk)
        try:
            assessment = agency.assessment
            if assessment is None:
                assessment = services.assessment_create(organization=org, fiscal_year=agency.year, user=actor)
            if agency.published:
                services.assessment_published_set(assessment=assessment, **agency.published, user=actor)
            if agency.indicators:
                services.indicator_scores_set(assessment=assessment, scores=agency.indicators, user=actor)
            if agency.questions:
                services.question_scores_set(assessment=assessment, scores=agency.questions, user=actor)
            if agency.items:
                services.disclosure_results_set(assessment=assessment, results=agency.items, user=actor)
        except ValidationError as exc:
            sheet, row = _where(agency.record)
            raise _Rollback(Problem(sheet, row, "", agency.record.agency, " ".join(exc.messages))) from exc
        if progress is not None and (done % 50 == 0 or done == len(agencies)):
            progress(done, len(agencies))


def _lock(ids: list[int], years: list[int]) -> None:
    """Lock the organizations written into, in one order, then their assessments of the years
    imported, before what is stored for them is read: imports touching the same agencies run one
    after the other, the second planning on what the first committed; an edit of one of those
    assessments (which locks its row) waits for the import, or the import for it."""
    for start in range(0, len(ids), LOCK_BATCH):
        chunk = ids[start : start + LOCK_BATCH]
        list(
            Organization.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for start in range(0, len(ids), LOCK_BATCH):
        chunk = ids[start : start + LOCK_BATCH]
        list(
            Assessment.objects.select_for_update()
            .filter(organization_id__in=chunk, fiscal_year__in=years)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _result(reading: Reading, plan: _Plan) -> ItasImportResult:
    return ItasImportResult(
        reading=reading,
        outcomes=[a.outcome for a in plan.agencies if a.outcome is not None],
        warnings=[*reading.warnings, *plan.warnings],
        errors=[*reading.errors, *plan.errors],
        discrepancies=plan.discrepancies,
        new_organizations=[o.name for o in plan.new_organizations],
    )


def _check_access(user: Any, organization: Organization | None) -> None:
    staff = user is COMMAND_LINE or bool(
        getattr(user, "is_authenticated", False) and getattr(user, "is_active", False) and user.is_staff
    )
    if organization is None:
        if not staff:
            raise PermissionDenied
    elif not (staff or is_admin(user, organization)):
        raise PermissionDenied


def itas_import(
    *,
    data: bytes,
    year: int | None = None,
    user: Any,
    dry_run: bool = False,
    create_agencies: bool = False,
    mappings: Mapping[str, ColumnMapping] | None = None,
    organization: Organization | None = None,
    progress: Progress | None = None,
) -> ItasImportResult:
    """Import a file of ITAS results: every agency-year or none (see the module doc).

    ``user``: site staff, ``COMMAND_LINE``, or with ``organization`` that organization's
    administrator (anyone else: ``PermissionDenied``). ``year``: the fiscal year (B.E.) to import,
    required when the file holds several. ``mappings``: sheet name -> column mapping chosen by the
    admin. With ``dry_run``, or when there is any error, nothing is written; the result says what
    each agency-year would become and lists every problem. ``progress(done, total)`` is called as
    agency-years are written (the background import's progress bar).
    """
    _check_access(user, organization)
    frameworks = _Frameworks()
    reading = read_itas(
        data, year=year, bands=frameworks.bands, weights=frameworks.weights_for(year), mappings=mappings
    )
    if reading.errors and not reading.records:
        return ItasImportResult(reading=reading, warnings=list(reading.warnings), errors=list(reading.errors))
    options = {"organization": organization, "create_agencies": create_agencies}
    if dry_run or reading.errors:
        return _result(reading, _Planner(reading, frameworks, **options).plan())
    try:
        with transaction.atomic():
            # Planned once, inside the transaction, on what is stored once the rows are locked.
            plan = _Planner(reading, frameworks, **options).plan(lock=_lock)
            result = _result(reading, plan)
            if result.errors:
                raise _Rollback(result.errors[0])
            _write(plan, user, progress)
    except _Rollback as stop:
        if stop.problem not in result.errors:
            result.errors.append(stop.problem)
        return result
    result.written = True
    return result


__all__ = [
    "COMMAND_LINE",
    "CREATED",
    "NOT_STORED",
    "UNCHANGED",
    "UPDATED",
    "AgencyOutcome",
    "Discrepancy",
    "ItasImportResult",
    "itas_import",
]
