"""The ITAS import's bulk writer: a national file (8,300 agencies, ~450,000 rows) in one transaction
(issue 7 item 8).

``itas_import`` plans every agency-year in memory (the stored values read in a few queries, the result
scored by ``scoring`` from the merged values: exactly what ``services.assessment_recompute`` would
compute from the rows once written). Past ``settings.ITAS_BULK_AGENCIES`` agency-years it writes the
plan here instead of through the per-row services:

* agencies to create, assessments, indicator / question scores and O-item results: ``bulk_create``
  and ``bulk_update`` in batches of ``BATCH`` rows, only the rows whose values change;
* the computed snapshot (``Assessment.computed_*``) set from the plan's score, in the same transaction;
* the audit trail: one ``LogEntry`` per agency-year (the assessment's content type) carrying the old
  and new value of everything the import changed — published fields under their names, entered rows
  under ``indicator:N``, ``question:CODE`` and ``item:CODE:field`` (``assessments.audit`` shows them
  in the assessment's history and on the trail page) — and one per agency created.

The caller (``itas_import``) holds the locks: the organizations written into and their assessments of
the years imported, taken before planning again under them, so no edit interleaves. An agency-year
whose stored assessment uses another framework revision than the year's newest is left to the
services (returned), which score it on its own revision.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoring
from .audit import current_source
from .importer import Problem
from .models import Assessment, DisclosureResult, IndicatorScore, Organization, QuestionScore

if TYPE_CHECKING:
    from .itas_import import _AgencyPlan, _Plan

BATCH = 2000
Progress = Callable[[int, int], None]


class BulkConflict(Exception):
    """A unique row created by someone else meanwhile: the import is rolled back."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _person(user: Any) -> Any:
    """The person recorded as creator / actor: a real user, never the command line or a system actor."""
    person = getattr(user, "person", user)
    return person if isinstance(person, AbstractBaseUser) else None


def _text(value: Any) -> str:
    """A value as auditlog stores it (a string; JSON for lists and dicts)."""
    if value.__class__ is list:
        return _json_list(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json_list(values: list[str]) -> str:
    """``json.dumps(values, ensure_ascii=False)`` of a list of strings (URLs), without building an
    encoder per call: 350,000 O-item rows."""
    if not values:
        return "[]"
    if all(value.__class__ is str for value in values):
        return "[" + ", ".join(map(encode_basestring, values)) + "]"
    return json.dumps(values, ensure_ascii=False)


def _insert(model: type[Model], columns: list[str], rows: list[tuple]) -> None:
    """INSERT ``rows`` (values already in the database's terms) with one prepared statement per batch:
    the ORM's bulk_create builds a model instance and prepares every field of every row, several
    times the cost of the write itself at 400,000 rows. Values: ints, bools, None, ``Decimal`` (both
    backends adapt it), JSON text, datetimes from ``connection.ops``."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite runs in the process: one prepared statement, executed per row, is fastest.
            for batch in _batches(rows):
                cursor.executemany(head + marks, batch)
            return
        # PostgreSQL: COPY streams the rows in one command (psycopg adapts each value), in the
        # transaction the import runs in.
        sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _batches(rows: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class BulkWriter:
    def __init__(self, plan: _Plan, user: Any, *, progress: Progress | None = None) -> None:
        self.plan, self.user = plan, user
        self.person = _person(user)
        self.progress = progress
        self.now = timezone.now()
        self.source = current_source()
        self.cid = get_cid()
        self.entries: list[tuple] = []
        self.person_id = self.person.pk if self.person is not None else None
        self.stamp = connection.ops.adapt_datetimefield_value(self.now)
        self.done = 0

    # ------------------------------------------------------------------ entry point

    def write(self) -> list[_AgencyPlan]:
        """Write the plan; returns the agency-years left to the services (another framework revision)."""
        self._organizations()
        writable, rest = [], []
        for agency in self.plan.agencies:
            outcome = agency.outcome
            if outcome is None or outcome.action not in ("created", "updated"):
                continue
            same = agency.assessment is None or agency.assessment.framework_id == agency.framework.version.pk
            (writable if same else rest).append(agency)
        self.total = len(writable)
        for chunk in _batches(writable, max(BATCH // 50, 1)):
            self._agencies(chunk)
            self._flush_entries()  # the audit entries of a chunk are not kept for the end
            self.done += len(chunk)
            if self.progress is not None:
                self.progress(self.done, self.total)
        self._flush_entries()
        return rest

    def _flush_entries(self) -> None:
        if self.entries:
            _insert(LogEntry, self.ENTRY_COLUMNS, self.entries)
            self.entries = []

    # ------------------------------------------------------------------ agencies created

    def _organizations(self) -> None:
        new = self.plan.new_organizations
        if not new:
            return
        for batch in _batches(new):
            try:
                with transaction.atomic():
                    Organization.objects.bulk_create(batch)
            except IntegrityError as exc:
                names = {o.name for o in batch}
                taken = Organization.objects.filter(name__in=names).values_list("name", flat=True).first()
                message = _(
                    "“%(agency)s” was created by someone else at the same moment; import the file again."
                ) % {"agency": taken or batch[0].name}
                raise BulkConflict(Problem("", 0, "", taken or batch[0].name, message)) from exc
        kind = ContentType.objects.get_for_model(Organization)
        for org in new:
            changes = {
                name: ["None", _text(getattr(org, name))]
                for name in ("name", "org_type", "province", "itas_code")
                if getattr(org, name) not in ("", None)
            }
            self._entry(
                kind,
                org.pk,
                str(org),
                LogEntry.Action.CREATE,
                changes,
                {"organization": org.pk, "label": org.name},
            )

    # ------------------------------------------------------------------ agency-years

    def _agencies(self, chunk: list[_AgencyPlan]) -> None:
        created: list[Assessment] = []
        updated: list[Assessment] = []
        audits: list[tuple[_AgencyPlan, Assessment, dict[str, list[str]]]] = []
        for agency in chunk:
            org = agency.organization or agency.new
            assessment = agency.assessment
            changes: dict[str, list[str]] = {}
            if assessment is None:
                assessment = Assessment(
                    organization_id=org.pk,
                    framework_id=agency.framework.version.pk,
                    fiscal_year=agency.year,
                    created_by=self.person,
                    created_at=self.now,
                    updated_at=self.now,
                )
                assessment.organization = org
                changes["fiscal_year"] = ["None", str(agency.year)]
                created.append(assessment)
            else:
                assessment.updated_at = self.now
                updated.append(assessment)
            self._published(agency, assessment, changes)
            self._computed(agency, assessment)
            audits.append((agency, assessment, changes))
        for batch in _batches(created):
            try:
                with transaction.atomic():
                    Assessment.objects.bulk_create(batch)
            except IntegrityError as exc:
                message = _(
                    "An assessment of one of these agencies was created at the same moment; "
                    "import the file again."
                )
                raise BulkConflict(Problem("", 0, "", "", message)) from exc
        fields = [
            "published_total",
            "published_band",
            "published_tool_scores",
            "computed_total",
            "computed_band",
            "computed_passed",
            "computed_complete",
            "computed_result",
            "updated_at",
        ]
        for batch in _batches(updated):
            Assessment.objects.bulk_update(batch, fields)
        self._rows(audits)
        kind = ContentType.objects.get_for_model(Assessment)
        for agency, assessment, changes in audits:
            action = LogEntry.Action.CREATE if agency.assessment is None else LogEntry.Action.UPDATE
            data = {
                "organization": assessment.organization_id,
                "assessment": assessment.pk,
                "label": f"ITA {assessment.fiscal_year}",
                "import": True,
            }
            org = agency.organization or agency.new
            self._entry(kind, assessment.pk, f"{org} ITA {assessment.fiscal_year}", action, changes, data)

    def _published(self, agency: _AgencyPlan, assessment: Assessment, changes: dict[str, list[str]]) -> None:
        published = agency.published
        if "total" in published:
            changes["published_total"] = [_text(assessment.published_total), _text(published["total"])]
            assessment.published_total = published["total"]
        if "band" in published:
            band = published["band"].strip()
            changes["published_band"] = [_text(assessment.published_band), band]
            assessment.published_band = band
        if "tool_scores" in published:
            before = dict(assessment.published_tool_scores or {})
            after = {**before, **{code: str(value) for code, value in published["tool_scores"].items()}}
            changes["published_tool_scores"] = [_text(before) if before else "None", _text(after)]
            assessment.published_tool_scores = after

    @staticmethod
    def _computed(agency: _AgencyPlan, assessment: Assessment) -> None:
        result = agency.result
        assessment.computed_total = None if result.total is None else scoring.round2(result.total)
        assessment.computed_band = result.band or ""
        assessment.computed_passed = result.passed
        assessment.computed_complete = result.complete
        assessment.computed_result = result.as_dict()

    # ------------------------------------------------------------------ entered rows

    def _rows(self, audits: list[tuple[_AgencyPlan, Assessment, dict[str, list[str]]]]) -> None:
        new_ind: list[tuple] = []
        upd_ind: list[IndicatorScore] = []
        new_q: list[tuple] = []
        upd_q: list[QuestionScore] = []
        new_d: list[tuple] = []
        upd_d: list[DisclosureResult] = []
        person_id = self.person_id
        for agency, assessment, changes in audits:
            org_id, a_id = assessment.organization_id, assessment.pk
            structure = agency.framework.structure
            ids = agency.row_ids
            stored_ids = ids.get("indicator", {})
            for number, value in agency.indicators.items():
                changes[f"indicator:{number}"] = [_text(agency.stored_indicators.get(number)), _text(value)]
                if number in stored_ids:
                    upd_ind.append(IndicatorScore(pk=stored_ids[number], score=value))
                else:
                    new_ind.append((org_id, a_id, structure.indicator_ids[number], value))
            stored_ids = ids.get("question", {})
            for code, value in agency.questions.items():
                changes[f"question:{code}"] = [_text(agency.stored_questions.get(code)), _text(value)]
                if code in stored_ids:
                    upd_q.append(QuestionScore(pk=stored_ids[code], score=value))
                else:
                    new_q.append((org_id, a_id, structure.question_ids[code], value))
            stored_ids = ids.get("item", {})
            for code, given in agency.items.items():
                before = agency.stored_items.get(code)
                fields = {"passed": None, "urls": [], "note": ""} if before is None else before._asdict()
                for name, value in given.items():
                    if before is None or getattr(before, name) != value:
                        changes[f"item:{code}:{name}"] = [
                            "None" if before is None else _text(getattr(before, name)),
                            _text(value),
                        ]
                    fields[name] = value
                if code in stored_ids:
                    upd_d.append(
                        DisclosureResult(
                            pk=stored_ids[code], updated_by=self.person, updated_at=self.now, **fields
                        )
                    )
                else:
                    new_d.append(
                        (
                            org_id,
                            a_id,
                            structure.disclosure_ids[code],
                            fields["passed"],
                            _json_list(fields["urls"]),
                            fields["note"],
                            person_id,
                            self.stamp,
                        )
                    )
        score_columns = ["organization", "assessment", "indicator", "score"]
        inserts = (
            (IndicatorScore, score_columns, new_ind),
            (QuestionScore, ["organization", "assessment", "item", "score"], new_q),
            (
                DisclosureResult,
                ["organization", "assessment", "item", "passed", "urls", "note", "updated_by", "updated_at"],
                new_d,
            ),
        )
        for model, columns, rows in inserts:
            try:
                with transaction.atomic():
                    _insert(model, columns, rows)
            except IntegrityError as exc:
                message = _(
                    "A result of one of these agencies was saved at the same moment; import the file again."
                )
                raise BulkConflict(Problem("", 0, "", "", message)) from exc
        for batch in _batches(upd_ind):
            IndicatorScore.objects.bulk_update(batch, ["score"])
        for batch in _batches(upd_q):
            QuestionScore.objects.bulk_update(batch, ["score"])
        for batch in _batches(upd_d):
            DisclosureResult.objects.bulk_update(
                batch, ["passed", "urls", "note", "updated_by", "updated_at"]
            )

    # ------------------------------------------------------------------ audit

    def _entry(
        self,
        kind: ContentType,
        pk: int,
        text: str,
        action: int,
        changes: dict[str, list[str]],
        data: dict[str, Any],
    ) -> None:
        if self.source:
            data = {**data, "source": self.source}
        self.entries.append(
            (
                kind.pk,
                str(pk),
                pk,
                text,
                action,
                json.dumps(changes, ensure_ascii=False),
                "",
                self.person_id,
                self.stamp,
                json.dumps(data, ensure_ascii=False),
                self.cid,
            )
        )

    ENTRY_COLUMNS = [
        "content_type",
        "object_pk",
        "object_id",
        "object_repr",
        "action",
        "changes",
        "changes_text",
        "actor",
        "timestamp",
        "additional_data",
        "cid",
    ]


def decimal_fits(value: Decimal) -> bool:
    """A score the database stores as given: 0-100 with at most two decimals (percent_field)."""
    return 0 <= value <= 100 and value == value.quantize(Decimal("0.01"))
