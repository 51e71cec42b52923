"""The ITAS import's bulk writer: a national file (8,300 agencies, ~450,000 rows) in one transaction
(issue 7 item 8).

``itas_import`` plans every agency-year in memory (the stored values read in a few queries, the result
scored by ``scoring`` from the merged values: exactly what ``services.assessment_recompute`` would
compute from the rows once written). Past ``settings.ITAS_BULK_AGENCIES`` agency-years it writes the
plan here instead of through the per-row services:

* first the agencies to create and every assessment written (their keys are needed), with the
  computed snapshot (``Assessment.computed_*``) set from the plan's score;
* then the indicator / question scores and O-item results, chunk by chunk: new rows by COPY on
  PostgreSQL (streamed from a second thread while the next chunk is built: ``_CopyThread``) and by
  one prepared INSERT per batch on SQLite; ``bulk_update`` for changed rows; only the rows whose
  values change, all in the caller's transaction;
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
import queue
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, connection, transaction
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
    # The driver's own cursor is used below: its errors (a unique row taken meanwhile) are turned
    # into Django's (IntegrityError) as the ORM's would be.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite runs in the process: one prepared statement, executed per row, is fastest.
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {_table_columns(model, columns)} VALUES ({marks})"
            for batch in _batches(rows):
                cursor.executemany(sql, batch)
            return
        # PostgreSQL: COPY streams the rows in one command (psycopg adapts each value), in the
        # transaction the import runs in.
        with cursor.cursor.copy(_copy_sql(model, columns)) as copy:
            for row in rows:
                copy.write_row(row)


def _create_assessments(batch: list[Assessment]) -> None:
    """Insert new assessments and set their primary keys.

    On PostgreSQL, Django 5.2's ``bulk_create`` sends each column as an array (``UNNEST``), and
    quoting the JSON of 8,300 computed results into array literals cost more than a second of the
    national import: the rows are streamed with COPY instead and their keys read back by their
    unique (organization, fiscal year). SQLite: ``bulk_create``, which returns the keys.
    """
    if connection.vendor != "postgresql":
        Assessment.objects.bulk_create(batch)
        return
    fields = [f for f in Assessment._meta.concrete_fields if not f.primary_key]
    rows = [tuple(f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields) for a in batch]
    _insert(Assessment, [f.name for f in fields], rows)
    keys = Assessment.objects.filter(
        organization_id__in={a.organization_id for a in batch}, fiscal_year__in={a.fiscal_year for a in batch}
    ).values_list("organization_id", "fiscal_year", "pk")
    pks = {(org, year): pk for org, year, pk in keys}
    for assessment in batch:
        assessment.pk = pks[(assessment.organization_id, assessment.fiscal_year)]
        assessment._state.adding, assessment._state.db = False, connection.alias


def _batches(rows: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class _Rows:
    """Where the writer's new rows go: written at once, in the import's transaction (SQLite).

    ``text``: whether the writer hands the rows as lines of COPY's text format (``_CopyThread``)
    rather than as tuples of values."""

    text = False

    def put(self, model: type[Model], columns: list[str], rows: list[tuple]) -> None:
        if rows:
            _insert(model, columns, rows)

    def wait(self) -> None:
        """Return once everything put has been written (the connection is free for other SQL)."""

    def close(self, *, drop: bool = False) -> None:
        """Stop writing: ``drop`` the rows not written yet (a failure: the import is rolled back)."""


class _CopyThread(_Rows):
    """PostgreSQL: each batch of rows is streamed by COPY from a second thread, on the import's own
    connection and so in its transaction, while this thread builds the next batch: the server's
    share of the work (the rows and their index entries) runs beside the Python that builds the
    rows, on another core. The foreign keys stay deferred to COMMIT: checking them at the end of
    each COPY instead made the national import no faster.

    psycopg holds the connection's lock for the whole of a COPY, so SQL sent meanwhile from this
    thread waits for it; the writer still calls ``wait`` before its own SQL. The first failure is
    kept and raised here, as Django's error (a unique row taken meanwhile: ``IntegrityError``); the
    batches after it are dropped.
    """

    text = True

    def __init__(self) -> None:
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.dropping = False
        self.thread = threading.Thread(target=self._run, name="itas-copy", daemon=True)
        self.thread.start()

    def put(self, model: type[Model], columns: list[str], rows: list) -> None:
        """``rows``: lines of COPY's text format (the score and O-item rows, formatted as they are
        built: the national file's 450,000 rows) or tuples of values (formatted here)."""
        self._raise()
        if rows:
            # Formatted in this thread: the second thread then needs the interpreter only to hand
            # bytes over.
            data = "".join(rows).encode() if rows[0].__class__ is str else _copy_data(rows)
            self.queue.put((_copy_sql(model, columns), data))

    def wait(self) -> None:
        self.queue.join()
        self._raise()

    def close(self, *, drop: bool = False) -> None:
        if self.thread.is_alive():
            self.dropping = self.dropping or drop
            self.queue.put(None)
            self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            with connection.wrap_database_errors:
                raise error

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                if self.error is None and not self.dropping:
                    sql, data = job
                    with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                        copy.write(data)
            except BaseException as exc:  # handed to the writer's thread
                self.error = exc
            finally:
                self.queue.task_done()


def _copy_text(value: str) -> str:
    """A string in COPY's text format: backslash, tab, newline and carriage return escaped.
    ``str.replace`` rather than ``str.translate``, which maps Thai text character by character in
    Python (3 s for the national file's audit entries)."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_FLAGS = {True: "t", False: "f", None: "\\N"}  # a nullable boolean in COPY's text format


def _copy_value(value: Any) -> str:
    """One value in COPY's text format: the writer's rows hold ints, ``Decimal``, bools, None,
    strings (text and JSON) and aware datetimes."""
    kind = value.__class__
    if kind is str:
        return _copy_text(value)
    if value is None or kind is bool:
        return _FLAGS[value]
    if kind is int or kind is Decimal:
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"no COPY text for {kind.__name__}")


def _copy_data(rows: list[tuple]) -> bytes:
    return "".join(["\t".join(map(_copy_value, row)) + "\n" for row in rows]).encode()


def _table_columns(model: type[Model], columns: list[str]) -> str:
    """``table (column, ...)`` of ``model``'s fields ``columns``, quoted for the database."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    return f"{quote(model._meta.db_table)} ({names})"


def _copy_sql(model: type[Model], columns: list[str]) -> str:
    return f"COPY {_table_columns(model, columns)} FROM STDIN"


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
        self.rows: _Rows = _Rows()  # the entered rows' sink: a _CopyThread on PostgreSQL once created

    # ------------------------------------------------------------------ entry point

    def write(self, agencies: list[_AgencyPlan]) -> list[_AgencyPlan]:
        """Write the plan's ``agencies`` (those created or updated) and the agencies it creates;
        returns the agency-years left to the services (another framework revision).

        First the agencies created and every assessment (created or updated: their keys are needed),
        then the entered rows and the audit entries, chunk by chunk, through ``self.rows``.
        """
        self._organizations()
        writable, rest = [], []
        for agency in agencies:
            same = agency.assessment is None or agency.assessment.framework_id == agency.framework.version.pk
            (writable if same else rest).append(agency)
        self.total = len(writable)
        audits: list[tuple[_AgencyPlan, Assessment, dict[str, list[str]]]] = []
        for chunk in _batches(writable, BATCH):
            audits.extend(self._assessments(chunk))
        self._flush_entries()
        self.kind = ContentType.objects.get_for_model(Assessment)
        if connection.vendor == "postgresql":
            self.rows = _CopyThread()
        try:
            for chunk in _batches(audits, max(BATCH // 5, 1)):
                self._rows(chunk)
                self._entries(chunk)
                self._flush_entries()  # the audit entries of a chunk are not kept for the end
                self.done += len(chunk)
                if self.progress is not None:
                    self.progress(self.done, self.total)
            self.rows.wait()
        except DatabaseError as exc:
            if isinstance(exc, IntegrityError):
                message = _(
                    "A result of one of these agencies was saved at the same moment; import the file again."
                )
                raise BulkConflict(Problem("", 0, "", "", message)) from exc
            raise
        finally:
            self.rows.close(drop=True)  # after a failure: what is still queued is not sent
        return rest

    def _flush_entries(self) -> None:
        if self.entries:
            self.rows.put(LogEntry, self.ENTRY_COLUMNS, self.entries)
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

    def _assessments(
        self, chunk: list[_AgencyPlan]
    ) -> list[tuple[_AgencyPlan, Assessment, dict[str, list[str]]]]:
        """Create and update the chunk's assessments (published values and computed snapshot)."""
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
                    _create_assessments(batch)
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
        return audits

    def _entries(self, audits: list[tuple[_AgencyPlan, Assessment, dict[str, list[str]]]]) -> None:
        for agency, assessment, changes in audits:
            action = LogEntry.Action.CREATE if agency.assessment is None else LogEntry.Action.UPDATE
            data = {
                "organization": assessment.organization_id,
                "assessment": assessment.pk,
                "label": f"ITA {assessment.fiscal_year}",
                "import": True,
            }
            org = agency.organization or agency.new
            self._entry(
                self.kind, assessment.pk, f"{org} ITA {assessment.fiscal_year}", action, changes, data
            )

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
        as_lines = self.rows.text
        tail = f"{_copy_value(person_id)}\t{_copy_value(self.stamp)}\n"  # updated_by, updated_at
        sinks = {"indicator": (IndicatorScore, new_ind, upd_ind), "question": (QuestionScore, new_q, upd_q)}
        for agency, assessment, changes in audits:
            org_id, a_id = assessment.organization_id, assessment.pk
            structure = agency.framework.structure
            ids = agency.row_ids
            scores = (
                ("indicator", agency.indicators, agency.stored_indicators, structure.indicator_ids),
                ("question", agency.questions, agency.stored_questions, structure.question_ids),
            )
            for kind, given, stored, targets in scores:
                stored_ids = ids.get(kind, {})
                model, new, updated = sinks[kind]
                for key, value in given.items():
                    changes[f"{kind}:{key}"] = [_text(stored.get(key)), _text(value)]
                    if key in stored_ids:
                        updated.append(model(pk=stored_ids[key], score=value))
                    elif as_lines:
                        new.append(f"{org_id}\t{a_id}\t{targets[key]}\t{value}\n")
                    else:
                        new.append((org_id, a_id, targets[key], value))
            stored_ids = ids.get("item", {})
            for code, given in agency.items.items():
                before = agency.stored_items.get(code)
                fields = {"passed": None, "urls": [], "note": ""} if before is None else before._asdict()
                urls_text = None  # the new URLs' JSON, written both in the entry and in the row
                for name, value in given.items():
                    if before is None or getattr(before, name) != value:
                        text = _text(value)
                        if name == "urls":
                            urls_text = text
                        changes[f"item:{code}:{name}"] = [
                            "None" if before is None else _text(getattr(before, name)),
                            text,
                        ]
                    fields[name] = value
                if code in stored_ids:
                    upd_d.append(
                        DisclosureResult(
                            pk=stored_ids[code], updated_by=self.person, updated_at=self.now, **fields
                        )
                    )
                else:
                    urls = _json_list(fields["urls"]) if urls_text is None else urls_text
                    item_id, passed, note = structure.disclosure_ids[code], fields["passed"], fields["note"]
                    if as_lines:
                        new_d.append(
                            f"{org_id}\t{a_id}\t{item_id}\t{_FLAGS[passed]}\t"
                            f"{_copy_text(urls)}\t{_copy_text(note)}\t{tail}"
                        )
                    else:
                        new_d.append((org_id, a_id, item_id, passed, urls, note, person_id, self.stamp))
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
            self.rows.put(model, columns, rows)
        if upd_ind or upd_q or upd_d:
            self.rows.wait()  # the updates below are sent from this thread
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
