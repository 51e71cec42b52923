"""The ITAS import's bulk writer (issue 7 item 8): a generated national workbook at small size written
by bulk_create gives exactly what the per-row services give, a second import is all unchanged, a bad
row anywhere writes nothing, and every agency-year leaves one audit entry with old and new values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from assessments import audit
from assessments.importer import read_itas
from assessments.itas_import import COMMAND_LINE, CREATED, UNCHANGED, UPDATED, itas_import
from assessments.itas_national import national_agencies, national_rows, national_workbook
from assessments.models import (
    Assessment,
    DisclosureResult,
    IndicatorScore,
    Organization,
    QuestionScore,
)

from .test_itas_import import counts

AGENCIES = 60


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def national() -> bytes:
    return national_workbook(AGENCIES)


@pytest.fixture
def bulk(settings):
    settings.ITAS_BULK_AGENCIES = 1
    return settings


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


def snapshot() -> dict:
    """Everything an import writes, keyed by ITAS code (not by ids, which differ between runs)."""
    out = {}
    for a in Assessment.objects.select_related("organization", "framework"):
        out[a.organization.itas_code] = {
            "org": (a.organization.name, a.organization.org_type, a.organization.province),
            "year": (a.fiscal_year, a.framework.fiscal_year, a.framework.revision),
            "published": (a.published_total, a.published_band, a.published_tool_scores, a.published_note),
            "computed": (
                a.computed_total,
                a.computed_band,
                a.computed_passed,
                a.computed_complete,
                a.computed_result,
            ),
            "created_by": a.created_by_id,
            "indicators": dict(a.indicator_scores.values_list("indicator__number", "score")),
            "items": {
                code: (passed, urls, note, by)
                for code, passed, urls, note, by in a.disclosures.values_list(
                    "item__code", "passed", "urls", "note", "updated_by"
                )
            },
        }
    return out


def test_bulk_import_equals_the_per_row_services(frameworks, national, settings, staff):
    settings.ITAS_BULK_AGENCIES = 10**9
    result = itas_import(data=national, user=staff, create_agencies=True)
    assert (result.errors, result.count(CREATED)) == ([], AGENCIES)
    by_services = snapshot()
    Organization.objects.all().delete()
    settings.ITAS_BULK_AGENCIES = 1
    result = itas_import(data=national, user=staff, create_agencies=True)
    assert (result.errors, result.count(CREATED), result.written) == ([], AGENCIES, True)
    assert snapshot() == by_services
    assert len(by_services) == AGENCIES


def test_bulk_import_recomputes_the_published_totals(frameworks, national, bulk):
    result = itas_import(data=national, user=COMMAND_LINE, create_agencies=True)
    assert (result.errors, result.discrepancies) == ([], [])
    expected = {a.code: (a.total, a.band) for a in national_agencies(AGENCIES)}
    stored = {
        code: (total, band)
        for code, total, band in Assessment.objects.values_list(
            "organization__itas_code", "computed_total", "computed_band"
        )
    }
    assert stored == expected
    assert Assessment.objects.filter(computed_complete=True).count() == AGENCIES
    stored_rows = (IndicatorScore.objects.count(), DisclosureResult.objects.count())
    assert stored_rows == (AGENCIES * 10, AGENCIES * 43)


def test_bulk_import_again_is_all_unchanged_and_writes_nothing(frameworks, national, bulk):
    itas_import(data=national, user=COMMAND_LINE, create_agencies=True)
    before = counts()
    result = itas_import(data=national, user=COMMAND_LINE, create_agencies=True)
    assert (result.errors, result.count(UNCHANGED), result.count(CREATED), result.count(UPDATED)) == (
        [],
        AGENCIES,
        0,
        0,
    )
    assert counts() == before


def test_bulk_import_bad_cell_anywhere_writes_nothing(frameworks, bulk):
    agencies = national_agencies(AGENCIES)
    rows = list(national_rows(agencies))
    oit = [i for i, (sheet, _row) in enumerate(rows) if sheet == "oit"]
    sheet, bad = rows[oit[-1]]
    rows[oit[-1]] = (sheet, [*bad[:4], "บางส่วน", *bad[5:]])  # the very last row of the file
    before = counts()
    result = itas_import(data=national_workbook(0, rows=rows), user=COMMAND_LINE, create_agencies=True)
    assert [(e.sheet, e.row, e.column, e.value) for e in result.errors] == [("oit", len(oit), "E", "บางส่วน")]
    assert (result.written, counts()) == (False, before)


def test_bulk_import_audit_one_entry_per_agency_year_with_old_and_new(frameworks, national, bulk, staff):
    itas_import(data=national, user=staff, create_agencies=True)
    kind = ContentType.objects.get_for_model(Assessment)
    entries = LogEntry.objects.filter(content_type=kind)
    assert entries.count() == AGENCIES
    assert LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Organization)).count() == (
        AGENCIES
    )
    first = national_agencies(1)[0]
    assessment = Assessment.objects.get(organization__itas_code=first.code)
    entry = entries.get(object_id=assessment.pk)
    assert (entry.action, entry.actor, entry.additional_data["organization"]) == (
        LogEntry.Action.CREATE,
        staff,
        assessment.organization_id,
    )
    assert entry.changes["indicator:1"] == ["None", str(first.indicators[1])]
    assert entry.changes["item:O1:passed"] == ["None", str(first.items["O1"])]
    assert entry.changes["published_total"] == ["None", str(first.total)]

    # An update: indicator 1 of one agency changed in the file (both sheets), the rest unchanged.
    rows = list(national_rows(national_agencies(AGENCIES)))
    for i, (sheet, row) in enumerate(rows):
        if sheet in ("summary", "indicators") and row[0] == first.code:
            if sheet == "summary":
                rows[i] = (sheet, [*row[:9], 12.5, *row[10:]])
            elif row[3] == 1:
                rows[i] = (sheet, [*row[:4], 12.5])
    result = itas_import(data=national_workbook(0, rows=rows), user=staff)
    assert (result.errors, result.count(UPDATED), result.count(UNCHANGED)) == ([], 1, AGENCIES - 1)
    update = entries.filter(action=LogEntry.Action.UPDATE).get()
    assert update.object_id == assessment.pk
    assert update.changes == {"indicator:1": [str(first.indicators[1]), "12.5"]}
    assert IndicatorScore.objects.get(assessment=assessment, indicator__number=1).score == Decimal("12.5")
    assessment.refresh_from_db()
    assert assessment.computed_total != first.total

    history = audit.assessment_history(assessment)
    newest = history[0]
    assert (newest.action, [(c.name, c.old, c.new) for c in newest.changes]) == (
        "changed",
        [("Indicator 1", str(first.indicators[1]), "12.5")],
    )
    created_changes = {c.name: (c.old, c.new) for c in history[1].changes}
    assert created_changes["O1 passed"] == ("", "Passed" if first.items["O1"] else "Not passed")


def test_bulk_import_command_line_entries_carry_the_source(frameworks, national, bulk):
    last = LogEntry.objects.order_by("pk").last().pk  # the frameworks' own entries
    with audit.command_context("import_ita"):
        itas_import(data=national, user=COMMAND_LINE, create_agencies=True)
    sources = {e.additional_data.get("source") for e in LogEntry.objects.filter(pk__gt=last)}
    assert sources == {"manage.py import_ita"}
    assert Assessment.objects.filter(created_by__isnull=False).count() == 0


def test_bulk_import_entries_read_on_the_audit_trail_page(client, frameworks, national, bulk, staff):
    itas_import(data=national, user=staff, create_agencies=True)
    first = national_agencies(1)[0]
    client.force_login(staff)
    with translation.override("th"):
        page = client.get(reverse("audit:list"), {"q": first.name})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{first.name} ITA 2565" in text
    assert str(first.indicators[1]) in text


def test_national_file_repeats_are_warned_twenty_times_then_counted():
    # the indicator sheet repeats the summary's indicator scores: 3 agencies × 10 rows
    reading = read_itas(national_workbook(3), year=2565)
    assert reading.errors == ()
    repeats = [(w.sheet, w.row, w.message) for w in reading.warnings]
    assert len(repeats) == 21
    assert repeats[0][:2] == ("indicators", 2)
    assert repeats[-1] == (
        "indicators",
        22,
        "10 more rows repeat values given before for their agency and year.",
    )


def test_bulk_import_keeps_backslashes_tabs_and_line_breaks_as_the_services_do(frameworks, settings, staff):
    # PostgreSQL streams the rows in COPY's text format, where these characters must be escaped.
    odd = "ไม่พบ\\ข้อมูล\tปี\nปัจจุบัน \\N “ปี 2565”"
    rows = list(national_rows(national_agencies(3)))
    rows = [(s, [*r[:6], odd]) if s == "oit" and r[4] == "ไม่มี" else (s, r) for s, r in rows]
    data = national_workbook(0, rows=rows)
    settings.ITAS_BULK_AGENCIES = 10**9
    assert itas_import(data=data, user=staff, create_agencies=True).errors == []
    by_services = snapshot()
    Organization.objects.all().delete()
    settings.ITAS_BULK_AGENCIES = 1
    result = itas_import(data=data, user=staff, create_agencies=True)
    assert (result.errors, result.written) == ([], True)
    assert snapshot() == by_services
    notes = set(DisclosureResult.objects.exclude(note="").values_list("note", flat=True))
    assert notes == {odd}


def test_bulk_import_row_saved_meanwhile_rolls_everything_back(frameworks, national, bulk, monkeypatch):
    """A result row of an agency saved by someone else between planning and writing (a unique row
    taken): the import stops with a Thai-translatable message and nothing of it stays."""
    from assessments import itas_bulk

    before = counts()
    original = itas_bulk.BulkWriter._rows

    def row_saved_meanwhile(self, audits):
        _agency, assessment, _changes = audits[0]
        item = assessment.framework.items.get(code="O1")
        DisclosureResult.objects.create(
            organization_id=assessment.organization_id, assessment_id=assessment.pk, item=item, passed=True
        )
        monkeypatch.setattr(itas_bulk.BulkWriter, "_rows", original)
        return original(self, audits)

    monkeypatch.setattr(itas_bulk.BulkWriter, "_rows", row_saved_meanwhile)
    result = itas_import(data=national, user=COMMAND_LINE, create_agencies=True)
    assert [e.message for e in result.errors] == [
        "A result of one of these agencies was saved at the same moment; import the file again."
    ]
    assert (result.written, counts()) == (False, before)


def test_bulk_import_of_question_scores_equals_the_per_row_services(frameworks, settings, staff):
    import io

    from openpyxl import Workbook

    agencies = national_agencies(3)
    wb = Workbook()
    sheets = {"summary": wb.active}
    sheets["summary"].title = "summary"
    for name, row in national_rows(agencies):
        if name not in sheets:
            sheets[name] = wb.create_sheet(name)
        sheets[name].append(row)
    questions = wb.create_sheet("questions")
    questions.append(["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "รหัสข้อคำถาม", "คะแนน (ร้อยละ)"])
    for n, agency in enumerate(agencies):
        for code, score in (("i1", 88.81 - n), ("i2", "75.5%"), ("e1", 70 + n)):
            questions.append([agency.code, agency.name, 2565, code, score])
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()

    def stored() -> dict:
        return {
            (code, item): score
            for code, item, score in QuestionScore.objects.values_list(
                "assessment__organization__itas_code", "item__code", "score"
            )
        }

    settings.ITAS_BULK_AGENCIES = 10**9
    assert itas_import(data=data, user=staff, create_agencies=True).errors == []
    by_services = (stored(), snapshot())
    assert len(by_services[0]) == 9
    Organization.objects.all().delete()
    settings.ITAS_BULK_AGENCIES = 1
    result = itas_import(data=data, user=staff, create_agencies=True)
    assert (result.errors, result.written) == ([], True)
    assert (stored(), snapshot()) == by_services
