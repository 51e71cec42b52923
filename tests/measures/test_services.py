"""Measure services: numbering under a lock, targets and units checked, report versions, locked
reports, evidence sniffing, measures from templates, roles and other organizations."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Max
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from assessments.access import get_for_user
from assessments.models import Assessment
from measures import selectors, services
from measures.models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport
from measures.template_file import SHIPPED_FILE, load_templates

from ..conftest import PDF_BYTES, raised, run_at_once

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def report(measure, officer, **content):
    values = {"result": "ดำเนินการแล้ว", "outcome": "", "suggestion": "", "percent": 50, **content}
    return services.progress_report_save(round=measure.monitoring_rounds.get(month=6), user=officer, **values)


# --------------------------------------------------------------------------- measures


def test_measure_create_numbers_in_order_and_makes_round_rows(assessment, officer):
    first = services.measure_create(assessment=assessment, title="หนึ่ง", rounds=[12, 6, 6], user=officer)
    second = services.measure_create(assessment=assessment, title="สอง", user=officer)
    assert (first.number, second.number) == (1, 2)
    assert first.rounds == [6, 12]
    assert list(first.monitoring_rounds.values_list("month", "due_date")) == [
        (6, date(2022, 3, 31)),
        (12, date(2022, 9, 30)),
    ]


def test_measure_create_after_a_deletion_takes_the_highest_plus_one(assessment, officer):
    ones = [services.measure_create(assessment=assessment, title=str(n), user=officer) for n in range(3)]
    services.measure_delete(measure=ones[0], user=officer)
    assert services.measure_create(assessment=assessment, title="ใหม่", user=officer).number == 4


def test_measure_create_with_targets_units_and_responsible(assessment, officer, org_a):
    fw = assessment.framework
    measure = services.measure_create(
        assessment=assessment,
        title="มาตรการ",
        steps=["  ขั้นที่ 1 ", "", "ขั้นที่ 2"],
        target_tools=fw.tools.filter(code="IIT"),
        target_indicators=fw.indicators.filter(number=4),
        target_items=fw.items.filter(code="O1"),
        units=org_a.units.filter(name="กองคลัง"),
        responsible=officer,
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        user=officer,
    )
    assert measure.steps == ["ขั้นที่ 1", "ขั้นที่ 2"]
    assert [t.code for t in measure.target_tools.all()] == ["IIT"]
    assert [i.number for i in measure.target_indicators.all()] == [4]
    assert [i.code for i in measure.target_items.all()] == ["O1"]
    assert [u.name for u in measure.units.all()] == ["กองคลัง"]
    assert measure.fiscal_year == 2565


def test_measure_create_refuses_targets_of_another_framework(assessment, officer, frameworks):
    other = frameworks[2566].items.filter(code="O1")
    with pytest.raises(ValidationError) as info:
        services.measure_create(assessment=assessment, title="x", target_items=other, user=officer)
    assert list(info.value.message_dict) == ["target_items"]
    assert Measure.objects.count() == 0


def test_measure_create_refuses_units_of_another_organization(assessment, officer, org_b):
    with pytest.raises(ValidationError) as info:
        services.measure_create(assessment=assessment, title="x", units=org_b.units.all(), user=officer)
    assert list(info.value.message_dict) == ["units"]


def test_measure_create_refuses_a_responsible_person_of_another_organization(assessment, officer, outsider):
    with pytest.raises(ValidationError) as info:
        services.measure_create(assessment=assessment, title="x", responsible=outsider, user=officer)
    assert list(info.value.message_dict) == ["responsible"]


def test_measure_create_refuses_all_units_with_a_list_of_units(assessment, officer, org_a):
    with pytest.raises(ValidationError):
        services.measure_create(
            assessment=assessment, title="x", all_units=True, units=org_a.units.all()[:1], user=officer
        )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2022, 3, 1), date(2021, 11, 1), "end_month"),
        (date(2022, 10, 1), date(2022, 11, 1), "start_month"),
        (date(2021, 10, 15), None, "start_month"),
    ],
)
def test_measure_create_refuses_a_bad_period(assessment, officer, start, end, field):
    with pytest.raises(ValidationError) as info:
        services.measure_create(
            assessment=assessment, title="x", start_month=start, end_month=end, user=officer
        )
    assert field in info.value.message_dict


def test_measure_create_refuses_rounds_other_than_3_6_9_12(assessment, officer):
    with pytest.raises(ValidationError):
        services.measure_create(assessment=assessment, title="x", rounds=[5], user=officer)


def test_measure_update_changes_only_the_given_fields(measure, officer):
    services.measure_update(measure=measure, guideline="แนวทางใหม่", user=officer)
    updated = services.measure_update(measure=measure, status=MeasureStatus.IN_PROGRESS, user=officer)
    assert (updated.title, updated.guideline, updated.status) == ("มาตรการทดสอบ", "แนวทางใหม่", "in_progress")
    assert updated.rounds == [6, 12]


def test_measure_update_to_a_taken_number_is_refused(assessment, measure, officer):
    services.measure_create(assessment=assessment, title="สอง", user=officer)
    with pytest.raises(ValidationError) as info:
        services.measure_update(measure=measure, number=2, user=officer)
    assert list(info.value.message_dict) == ["number"]


def test_measure_update_refuses_unknown_fields(measure, officer):
    with pytest.raises(TypeError):
        services.measure_update(measure=measure, organization=None, user=officer)


def test_measure_rounds_set_adds_and_removes_round_rows(measure, officer):
    services.measure_rounds_set(measure=measure, months=[3, 12], user=officer)
    measure.refresh_from_db()
    assert measure.rounds == [3, 12]
    assert list(measure.monitoring_rounds.values_list("month", flat=True)) == [3, 12]


def test_measure_rounds_set_refuses_to_remove_a_reported_round(measure, officer):
    report(measure, officer)
    with pytest.raises(ValidationError):
        services.measure_rounds_set(measure=measure, months=[12], user=officer)
    assert list(measure.monitoring_rounds.values_list("month", flat=True)) == [6, 12]


def test_round_due_date_set(measure, officer):
    r = measure.monitoring_rounds.get(month=6)
    services.round_due_date_set(round=r, due_date=date(2022, 3, 15), user=officer)
    r.refresh_from_db()
    assert r.due_date == date(2022, 3, 15)


def test_measure_delete_refused_once_a_report_is_locked(measure, officer):
    services.progress_report_lock(report=report(measure, officer), user=officer)
    with pytest.raises(ValidationError):
        services.measure_delete(measure=measure, user=officer)
    assert Measure.objects.filter(pk=measure.pk).exists()


# --------------------------------------------------------------------------- reports


def test_report_versions_keep_the_earlier_ones(measure, officer):
    first = report(measure, officer, percent=30)
    same = report(measure, officer, percent=30)
    second = report(measure, officer, percent=60)
    assert (first.version, same.pk, second.version) == (1, first.pk, 2)
    rows = list(
        ProgressReport.objects.filter(measure=measure).values_list("version", "percent", "is_current")
    )
    assert sorted(rows) == [(1, 30, False), (2, 60, True)]


def test_locked_report_is_read_only_and_a_correction_is_a_new_version(measure, officer, media):
    first = report(measure, officer, percent=30)
    services.evidence_add_url(report=first, url="https://a.example/doc", user=officer)
    locked = services.progress_report_lock(report=first, user=officer)
    with pytest.raises(ValidationError):
        services.evidence_add_url(report=locked, url="https://a.example/other", user=officer)
    with pytest.raises(ValidationError):
        services.evidence_delete(evidence=locked.evidence.get(), user=officer)
    correction = report(measure, officer, percent=40)
    locked.refresh_from_db()
    assert (locked.percent, locked.locked, locked.is_current) == (30, True, False)
    assert (correction.version, correction.locked) == (2, False)
    assert list(correction.evidence.values_list("url", flat=True)) == ["https://a.example/doc"]


def test_report_partial_save_keeps_the_fields_not_given(measure, officer, org_admin):
    report(measure, officer, result="ทำแล้ว", outcome="ดีขึ้น", percent=40)
    round6 = measure.monitoring_rounds.get(month=6)
    saved = services.progress_report_save(round=round6, suggestion="ควรทำต่อ", user=org_admin)
    assert (saved.version, saved.result, saved.outcome, saved.suggestion, saved.percent) == (
        2,
        "ทำแล้ว",
        "ดีขึ้น",
        "ควรทำต่อ",
        40,
    )


def test_report_first_partial_save_starts_from_empty_values(measure, officer):
    round6 = measure.monitoring_rounds.get(month=6)
    saved = services.progress_report_save(round=round6, percent=20, autosave=True, user=officer)
    assert (saved.version, saved.result, saved.outcome, saved.suggestion, saved.percent) == (
        1,
        "",
        "",
        "",
        20,
    )


def autosave(measure, user, **fields):
    round6 = measure.monitoring_rounds.get(month=6)
    return services.progress_report_save(round=round6, autosave=True, user=user, **fields)


def test_report_autosaves_of_one_user_update_their_recent_version(measure, officer):
    first = autosave(measure, officer, result="จัด")
    second = autosave(measure, officer, result="จัดอบรม")
    third = autosave(measure, officer, percent=30)
    assert (second.pk, third.pk) == (first.pk, first.pk)
    rows = list(ProgressReport.objects.filter(measure=measure).values_list("version", "result", "percent"))
    assert rows == [(1, "จัดอบรม", 30)]


def test_report_autosave_update_is_audited_with_old_and_new_values(measure, officer):
    from auditlog.models import LogEntry

    first = autosave(measure, officer, result="จัด")
    autosave(measure, officer, result="จัดอบรม")
    entry = LogEntry.objects.get_for_object(first).order_by("pk").last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["result"] == ["จัด", "จัดอบรม"]


def test_report_autosave_of_another_user_makes_a_new_version(measure, officer, org_admin):
    autosave(measure, officer, result="จัดอบรม")
    other = autosave(measure, org_admin, outcome="ดีขึ้น")
    assert (other.version, other.result, other.outcome, other.reported_by) == (2, "จัดอบรม", "ดีขึ้น", org_admin)


def test_report_autosave_after_the_window_makes_a_new_version(measure, officer):
    first = autosave(measure, officer, result="จัดอบรม")
    ProgressReport.objects.filter(pk=first.pk).update(
        reported_at=first.reported_at - services.AUTOSAVE_WINDOW - timedelta(seconds=1)
    )
    later = autosave(measure, officer, result="จัดอบรม 2 ครั้ง")
    assert later.version == 2
    first.refresh_from_db()
    assert (first.result, first.is_current) == ("จัดอบรม", False)


def test_report_autosave_never_changes_a_locked_version(measure, officer):
    first = autosave(measure, officer, result="ฉบับที่ใช้ในบันทึก")
    services.progress_report_lock(report=first, user=officer)
    correction = autosave(measure, officer, result="ฉบับแก้ไข")
    first.refresh_from_db()
    assert (first.result, first.locked, first.is_current) == ("ฉบับที่ใช้ในบันทึก", True, False)
    assert (correction.version, correction.result) == (2, "ฉบับแก้ไข")


def test_report_explicit_save_always_makes_a_new_version(measure, officer):
    autosave(measure, officer, result="ร่าง")
    saved = report(measure, officer, result="ฉบับสมบูรณ์")
    assert saved.version == 2


def test_report_autosave_of_the_same_value_changes_nothing(measure, officer):
    first = autosave(measure, officer, result="จัดอบรม")
    again = autosave(measure, officer, result=" จัดอบรม ")
    assert (again.pk, again.reported_at) == (first.pk, first.reported_at)


def test_report_percent_over_100_is_refused(measure, officer):
    with pytest.raises(ValidationError):
        report(measure, officer, percent=101)
    assert ProgressReport.objects.count() == 0


# --------------------------------------------------------------------------- evidence


def test_evidence_pdf_is_accepted_and_stored_under_a_generated_name(measure, officer, media, org_a):
    upload = SimpleUploadedFile("รายงาน ผล.pdf", PDF_BYTES, content_type="text/plain")
    item = services.evidence_add_file(report=report(measure, officer), upload=upload, user=officer)
    assert (item.original_name, item.content_type, item.size) == (
        "รายงาน ผล.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert item.file.name.startswith(f"evidence/{org_a.pk}/")
    assert item.file.name.endswith(".pdf")
    assert "รายงาน" not in item.file.name
    assert (media / item.file.name).read_bytes() == PDF_BYTES


def test_evidence_office_document_is_recognised_from_its_content(measure, officer, media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    upload = SimpleUploadedFile("plan.bin", buffer.getvalue())
    item = services.evidence_add_file(report=report(measure, officer), upload=upload, user=officer)
    assert item.file.name.endswith(".docx")


@pytest.mark.parametrize(
    "content",
    [EXE_BYTES, b"PK\x03\x04not really a zip", b"<html>hello</html>"],
    ids=["exe", "broken-zip", "html"],
)
def test_evidence_of_another_type_renamed_pdf_is_refused(measure, officer, media, content):
    upload = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        services.evidence_add_file(report=report(measure, officer), upload=upload, user=officer)
    assert info.value.code == "file_type"
    assert Evidence.objects.count() == 0
    assert not any(media.rglob("*.pdf"))


def test_evidence_over_the_size_limit_is_refused(measure, officer, media, settings):
    settings.MEASURES_EVIDENCE_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 100)
    with pytest.raises(ValidationError) as info:
        services.evidence_add_file(report=report(measure, officer), upload=upload, user=officer)
    assert info.value.code == "too_large"


@pytest.mark.parametrize(
    "url", ["ftp://a.example/x", "javascript:alert(1)", "https://a.example/" + "x" * 500]
)
def test_evidence_url_must_be_http_or_https_and_short(measure, officer, url):
    with pytest.raises(ValidationError):
        services.evidence_add_url(report=report(measure, officer), url=url, user=officer)


def test_evidence_delete_keeps_the_file_an_earlier_version_uses(measure, officer, media):
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    first = report(measure, officer, percent=10)
    item = services.evidence_add_file(report=first, upload=upload, user=officer)
    second = report(measure, officer, percent=20)
    with pytest.raises(ValidationError):  # an earlier version's evidence stays as it was
        services.evidence_delete(evidence=item, user=officer)
    services.evidence_delete(evidence=second.evidence.get(), user=officer)
    assert (media / item.file.name).exists()
    assert list(Evidence.objects.values_list("report__version", flat=True)) == [1]


# --------------------------------------------------------------------------- templates


def test_measures_from_templates_fill_targets_and_list_what_is_missing(assessment, officer, org_a):
    result = services.measures_from_templates(
        assessment=assessment,
        template_codes=["asset-borrowing-rules", "personal-data-protection"],
        user=officer,
    )
    first, second = result.measures
    assert (first.number, first.template_code) == (1, "asset-borrowing-rules")
    assert [i.number for i in first.target_indicators.all()] == [4]
    assert sorted(i.concept for i in first.target_items.all()) == [
        "iit_asset_borrow_ease",
        "iit_asset_borrow_proper",
        "iit_asset_outsider_use",
    ]
    assert first.rounds == list(load_templates(SHIPPED_FILE)[11].rounds)
    assert (first.start_month, first.end_month) == (date(2021, 10, 1), date(2022, 9, 1))
    # personal_data_protection_policy is an item of 2566 onward, not of 2565
    assert (
        services.Unmapped("personal-data-protection", "concept", "personal_data_protection_policy")
        in result.unmapped
    )
    assert second.target_items.count() == 0


def test_measures_from_templates_match_unit_kinds_and_list_the_unmatched(assessment, officer, org_a):
    result = services.measures_from_templates(
        assessment=assessment, template_codes=["anti-bribery-internal"], user=officer
    )
    (measure,) = result.measures
    assert [u.name for u in measure.units.all()] == ["สำนักปลัด"]
    assert services.Unmapped("anti-bribery-internal", "unit_kind", "personnel") in result.unmapped


def test_measures_from_templates_refuses_an_unknown_template(assessment, officer):
    with pytest.raises(ValidationError):
        services.measures_from_templates(assessment=assessment, template_codes=["no-such"], user=officer)
    assert Measure.objects.count() == 0


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "write",
    [
        lambda m, u: services.measure_create(assessment=m.assessment, title="x", user=u),
        lambda m, u: services.measure_update(measure=m, title="y", user=u),
        lambda m, u: services.measure_delete(measure=m, user=u),
        lambda m, u: services.measure_rounds_set(measure=m, months=[3], user=u),
        lambda m, u: report(m, u),
        lambda m, u: services.measures_from_templates(
            assessment=m.assessment, template_codes=["e-service"], user=u
        ),
    ],
    ids=["create", "update", "delete", "rounds", "report", "templates"],
)
@pytest.mark.parametrize("who", ["executive", "outsider"])
def test_writes_refused_to_executives_and_other_organizations(request, measure, write, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        write(measure, user)


def test_org_admin_may_write(measure, org_admin):
    assert services.measure_update(measure=measure, title="ใหม่", user=org_admin).title == "ใหม่"


def test_outsider_gets_404_on_every_model_with_their_own_data_present(
    measure, officer, outsider, assessment_b
):
    services.measure_create(assessment=assessment_b, title="ของ B", rounds=[6], user=outsider)
    r = report(measure, officer)
    item = services.evidence_add_url(report=r, url="https://a.example", user=officer)
    for model, obj in [
        (Measure, measure),
        (MonitoringRound, r.round),
        (ProgressReport, r),
        (Evidence, item),
    ]:
        with pytest.raises(Http404):
            get_for_user(model.objects, outsider, pk=obj.pk)
        assert get_for_user(model.objects, officer, pk=obj.pk) == obj


def test_executive_reads_but_may_not_write(measure, executive):
    assert get_for_user(Measure.objects, executive, pk=measure.pk) == measure
    with pytest.raises(PermissionDenied):
        get_for_user(Measure.objects, executive, write=True, pk=measure.pk)


# --------------------------------------------------------------------------- selectors


def make_measures(assessment, officer, count: int) -> None:
    for n in range(count):
        m = services.measure_create(assessment=assessment, title=f"ม {n}", rounds=[3, 6, 9, 12], user=officer)
        report(m, officer)


def list_queries(user, assessment) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = list(selectors.measures_for_user(user, assessment))
        for m in rows:
            _ = [m.responsible, list(m.units.all()), list(m.target_items.all())]
            for r in m.monitoring_rounds.all():
                _ = [rep.percent for rep in r.current_reports]  # evidence is read by the round panel only
    return len(ctx.captured_queries)


def test_measure_list_query_count_is_flat(assessment, officer):
    make_measures(assessment, officer, 1)
    one = list_queries(officer, assessment)
    make_measures(assessment, officer, 19)
    assert list_queries(officer, assessment) == one


def test_measure_list_of_another_organization_is_empty(measure, outsider):
    assert list(selectors.measures_for_user(outsider, measure.assessment)) == []


def test_overdue_and_due_soon_rounds(measure, officer, outsider):
    report(measure, officer)  # the 6-month round is reported
    assert [r.month for r in selectors.overdue_rounds(officer, date(2022, 10, 1))] == [12]
    assert list(selectors.overdue_rounds(officer, date(2022, 9, 30))) == []
    assert [r.month for r in selectors.rounds_due_soon(officer, date(2022, 9, 16))] == [12]
    assert list(selectors.rounds_due_soon(officer, date(2022, 9, 15))) == []
    assert list(selectors.overdue_rounds(outsider, date(2023, 1, 1))) == []


def test_cancelled_measures_are_never_overdue(measure, officer):
    services.measure_update(measure=measure, status=MeasureStatus.CANCELLED, user=officer)
    assert list(selectors.overdue_rounds(officer, date(2023, 1, 1))) == []


# --------------------------------------------------------------------------- PostgreSQL races


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_eight_simultaneous_creates_get_numbers_1_to_8(transactional_db, frameworks, org_a, officer):
    from assessments import services as assessment_services

    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)

    def work(n: int):
        return services.measure_create(
            assessment=Assessment.objects.get(pk=fresh.pk), title=f"ม {n}", user=officer
        )

    assert raised(run_at_once(work, 8)) == []
    assert sorted(Measure.objects.filter(assessment=fresh).values_list("number", flat=True)) == list(
        range(1, 9)
    )
    assert Measure.objects.aggregate(n=Max("number"))["n"] == 8


def _at_once(work_items) -> list[BaseException]:
    """Each of ``work_items`` in its own thread, released together; the exceptions they raised."""
    return raised(run_at_once(lambda n: work_items[n](), len(work_items)))


@pytest.fixture
def committed_round(transactional_db, frameworks, org_a, officer):
    from assessments import services as assessment_services

    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    m = services.measure_create(assessment=fresh, title="มาตรการ", rounds=[6], user=officer)
    return m.monitoring_rounds.get()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_two_users_autosaving_different_fields_at_once_both_keep_them(committed_round, officer, org_admin):
    def save(user, **fields):
        return lambda: services.progress_report_save(
            round=MonitoringRound.objects.get(pk=committed_round.pk), autosave=True, user=user, **fields
        )

    errors = _at_once([save(officer, result="ผลจากเจ้าหน้าที่"), save(org_admin, outcome="ผลลัพธ์จากผู้ดูแล")])
    assert errors == []
    current = ProgressReport.objects.get(round=committed_round, is_current=True)
    assert (current.result, current.outcome) == ("ผลจากเจ้าหน้าที่", "ผลลัพธ์จากผู้ดูแล")
    assert ProgressReport.objects.filter(round=committed_round, version=1).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_two_first_autosaves_at_once_make_one_version_1_row(committed_round, officer):
    from django.test import Client

    def post(data):
        def work():
            client = Client()
            client.force_login(officer)
            response = client.post(
                f"/measures/work/round/{committed_round.pk}/", data, HTTP_HX_REQUEST="true"
            )
            assert response.status_code == 200, response.status_code

        return work

    errors = _at_once([post({"result": "ผลการดำเนินการ"}), post({"percent": "40"})])
    assert errors == []
    rows = list(
        ProgressReport.objects.filter(round=committed_round).values_list("version", "result", "percent")
    )
    assert rows == [(1, "ผลการดำเนินการ", 40)]


# --------------------------------------------------------------------------- demo


def test_seed_demo_adds_measures_with_reports_and_an_overdue_round_once(db):
    from assessments.demo import seed_demo

    seed_demo()
    seed_demo()
    measures = Measure.objects.filter(organization__itas_code="DEMO-5401", assessment__fiscal_year=2565)
    assert measures.count() == 7
    assert list(measures.order_by("number").values_list("number", flat=True)) == list(range(1, 8))
    assert MonitoringRound.objects.filter(measure__in=measures).count() == 14
    reports = ProgressReport.objects.filter(measure__in=measures)
    assert sorted(reports.values_list("version", "is_current")) == [
        (1, False),
        (1, True),
        (1, True),
        (1, True),
        (2, True),
    ]
    officer = get_user_model().objects.get(username="demo-officer")
    overdue = selectors.overdue_rounds(officer, date(2023, 1, 1))
    assert overdue.filter(month=6).count() == 3
    assert Evidence.objects.filter(report__measure__in=measures, report__is_current=True).count() == 1


# --------------------------------------------------------------------------- audit


def test_writes_are_audited_with_organization_assessment_and_label(measure, officer, org_a):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    r = report(measure, officer)
    services.evidence_add_url(report=r, url="https://a.example", user=officer)

    def data(model) -> list[dict]:
        ct = ContentType.objects.get_for_model(model)
        return [e.additional_data for e in LogEntry.objects.filter(content_type=ct).order_by("pk")]

    with translation.override("th"):
        label = translation.gettext("Measure no. %(number)s") % {"number": 1}
    ids = {"organization": org_a.pk, "assessment": measure.assessment_id}
    assert data(Measure)[0] == {**ids, "label": label}
    assert [d["label"] for d in data(MonitoringRound)] != []
    assert all(
        {**d, **ids} == d for model in (MonitoringRound, ProgressReport, Evidence) for d in data(model)
    )
    assert data(ProgressReport)[-1]["measure"] == measure.pk
    assert data(Evidence)[0]["report"] == r.pk
