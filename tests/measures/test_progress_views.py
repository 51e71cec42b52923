"""Progress pages: a round's report in versions with its evidence, my unit's work, and drafting
measures from templates for weak points. Roles: officers write, executives read, outsiders 404."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Membership, Unit
from measures import services
from measures.models import Evidence, Measure, ProgressReport

from ..conftest import PDF_BYTES

REPORT = {"result": "จัดอบรมแล้ว 2 ครั้ง", "outcome": "บุคลากรเข้าใจ", "suggestion": "", "percent": "50"}


@pytest.fixture
def measure_b(assessment_b, outsider):
    return services.measure_create(
        assessment=assessment_b, title="มาตรการของ อบต. อื่น", rounds=[6], user=outsider
    )


@pytest.fixture
def report_b(measure_b, outsider):
    return services.progress_report_save(
        round=measure_b.monitoring_rounds.get(),
        result="ลับ",
        outcome="",
        suggestion="",
        percent=10,
        user=outsider,
    )


def url(round) -> str:
    return f"/measures/work/round/{round.pk}/"


# --------------------------------------------------------------------------- a round's report


def test_round_page_shows_measure_and_round(client, officer, round6):
    client.force_login(officer)
    response = client.get(url(round6))
    assert response.status_code == 200
    assert response.context["round"] == round6
    assert response.context["current"] is None
    assert "มาตรการทดสอบ" in response.content.decode()


def test_round_save_twice_makes_version_two_and_keeps_version_one(client, officer, round6):
    client.force_login(officer)
    first = client.post(url(round6), REPORT)
    second = client.post(url(round6), {**REPORT, "result": "จัดอบรมแล้ว 3 ครั้ง", "percent": "75"})
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == url(round6)
    rows = list(
        ProgressReport.objects.filter(round=round6)
        .order_by("version")
        .values_list("version", "result", "percent", "is_current")
    )
    assert rows == [(1, "จัดอบรมแล้ว 2 ครั้ง", 50, False), (2, "จัดอบรมแล้ว 3 ครั้ง", 75, True)]
    page = client.get(url(round6))
    assert page.context["current"].version == 2
    assert [v.version for v in page.context["earlier"]] == [1]


def test_round_save_same_content_makes_no_new_version(client, officer, round6):
    client.force_login(officer)
    client.post(url(round6), REPORT)
    client.post(url(round6), REPORT)
    assert ProgressReport.objects.filter(round=round6).count() == 1


def test_round_save_invalid_percent_is_422_and_the_other_fields_are_saved(client, officer, round6):
    client.force_login(officer)
    response = client.post(url(round6), {**REPORT, "percent": "150"})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["percent"]
    assert response.context["form"]["percent"].value() == "150"
    saved = ProgressReport.objects.get(round=round6)
    assert (saved.result, saved.outcome, saved.percent) == ("จัดอบรมแล้ว 2 ครั้ง", "บุคลากรเข้าใจ", 0)


def test_round_locked_report_shows_read_only_and_correction_makes_new_version(client, officer, round6):
    report = services.progress_report_save(
        round=round6, result="ฉบับที่ใช้ในบันทึก", outcome="", suggestion="", percent=100, user=officer
    )
    services.progress_report_lock(report=report, user=officer)
    client.force_login(officer)
    page = client.get(url(round6))
    assert page.status_code == 200
    assert 'id="report-readonly"' in page.content.decode()
    assert 'id="evidence-file-form"' not in page.content.decode()
    client.post(url(round6), {**REPORT, "percent": "100"})
    report.refresh_from_db()
    assert (report.locked, report.is_current, report.result) == (True, False, "ฉบับที่ใช้ในบันทึก")
    assert ProgressReport.objects.get(round=round6, is_current=True).version == 2


def test_round_executive_reads_but_may_not_write(client, executive, round6):
    client.force_login(executive)
    assert client.get(url(round6)).status_code == 200
    assert client.post(url(round6), REPORT).status_code == 403
    assert client.post(f"{url(round6)}evidence/url/", {"url": "https://a.example/x"}).status_code == 403
    assert ProgressReport.objects.count() == 0


def test_round_outsider_gets_404(client, outsider, round6, report_b):
    client.force_login(outsider)
    assert client.get(url(round6)).status_code == 404
    assert client.post(url(round6), REPORT).status_code == 404
    assert ProgressReport.objects.filter(round=round6).count() == 0


def test_round_officer_of_a_gets_404_for_b(client, officer, report_b):
    client.force_login(officer)
    assert client.get(url(report_b.round)).status_code == 404


# --------------------------------------------------------------------------- evidence


def test_evidence_pdf_upload_is_attached(client, officer, round6, media):
    client.force_login(officer)
    client.post(url(round6), REPORT)
    upload = SimpleUploadedFile("รายงาน.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(f"{url(round6)}evidence/file/", {"file": upload})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "รายงาน.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    page = client.get(url(round6)).content.decode()
    assert f'href="/measures/evidence/{evidence.pk}/"' in page


def test_evidence_fake_pdf_is_refused_with_an_error(client, officer, round6, media):
    client.force_login(officer)
    client.post(url(round6), REPORT)
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(f"{url(round6)}evidence/file/", {"file": upload})
    assert response.status_code == 400
    assert list(response.context["file_form"].errors) == ["file"]
    assert Evidence.objects.count() == 0


def test_evidence_before_any_report_is_refused(client, officer, round6, media):
    client.force_login(officer)
    response = client.post(f"{url(round6)}evidence/url/", {"url": "https://a.example/x"})
    assert response.status_code == 400
    assert list(response.context["url_form"].errors) == ["url"]


def test_evidence_url_added_and_deleted(client, officer, round6):
    client.force_login(officer)
    client.post(url(round6), REPORT)
    assert client.post(f"{url(round6)}evidence/url/", {"url": "https://a.example/ภาพ"}).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.url == "https://a.example/ภาพ"
    response = client.post(f"/measures/work/evidence/{evidence.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, url(round6))
    assert Evidence.objects.count() == 0


def test_evidence_bad_url_is_refused(client, officer, round6):
    client.force_login(officer)
    client.post(url(round6), REPORT)
    response = client.post(f"{url(round6)}evidence/url/", {"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert Evidence.objects.count() == 0


def test_evidence_delete_by_executive_403_and_by_outsider_404(client, executive, outsider, round6, officer):
    services.progress_report_save(
        round=round6, result="x", outcome="", suggestion="", percent=1, user=officer
    )
    report = ProgressReport.objects.get()
    evidence = services.evidence_add_url(report=report, url="https://a.example/x", user=officer)
    client.force_login(executive)
    assert client.post(f"/measures/work/evidence/{evidence.pk}/delete/").status_code == 403
    client.force_login(outsider)
    assert client.post(f"/measures/work/evidence/{evidence.pk}/delete/").status_code == 404
    assert Evidence.objects.count() == 1


# --------------------------------------------------------------------------- my unit's work


def test_mine_lists_overdue_and_due_soon_rounds_of_my_organization(client, officer, measure, measure_b):
    today = timezone.localdate()
    r6, r12 = measure.monitoring_rounds.order_by("month")
    services.round_due_date_set(round=r6, due_date=today - timedelta(days=3), user=measure.created_by)
    services.round_due_date_set(round=r12, due_date=today + timedelta(days=10), user=measure.created_by)
    client.force_login(officer)
    response = client.get("/measures/work/")
    assert response.status_code == 200
    assert [r.pk for r in response.context["overdue"]] == [r6.pk]
    assert [r.pk for r in response.context["due_soon"]] == [r12.pk]
    assert f'href="{url(r6)}"' in response.content.decode()


def test_mine_puts_my_units_measures_first(client, officer, assessment, org_a):
    unit = Unit.objects.get(organization=org_a, name="กองคลัง")
    membership = Membership.objects.get(user=officer)
    membership.unit = unit
    membership.save()
    today = timezone.localdate()
    other = services.measure_create(assessment=assessment, title="ของกองช่าง", rounds=[6], user=officer)
    mine = services.measure_create(
        assessment=assessment, title="ของกองคลัง", units=[unit], rounds=[6], user=officer
    )
    services.round_due_date_set(round=other.monitoring_rounds.get(), due_date=today, user=officer)
    services.round_due_date_set(
        round=mine.monitoring_rounds.get(), due_date=today + timedelta(days=5), user=officer
    )
    client.force_login(officer)
    response = client.get("/measures/work/")
    assert [r.measure.title for r in response.context["due_soon"]] == ["ของกองคลัง", "ของกองช่าง"]


def test_mine_empty_state(client, outsider, assessment_b):
    client.force_login(outsider)
    response = client.get("/measures/work/")
    assert response.status_code == 200
    assert 'id="nothing-due"' in response.content.decode()


# --------------------------------------------------------------------------- draft from templates


@pytest.fixture
def failed_o7(assessment, officer):
    item = assessment.framework.items.get(code="O7")
    assessment_services.disclosure_result_set(
        assessment=assessment, item=item, passed=False, urls=[], note="", user=officer
    )
    return item


def test_draft_proposes_templates_for_failed_item_and_weak_indicator(client, officer, assessment, failed_o7):
    client.force_login(officer)
    response = client.get(f"/measures/work/draft/{assessment.pk}/")
    assert response.status_code == 200
    assert [d.item.code for d in response.context["failed"]] == ["O7"]
    assert [w["number"] for w in response.context["weak"]] == [2]  # 75.15 < 85; 88.81 is not
    proposals = {p.spec.code: p for p in response.context["proposals"]}
    assert proposals["social-media-open-data"].items == ["O7"]
    assert all(p.indicators == [2] or p.items for p in proposals.values())


def test_draft_threshold_query_param(client, officer, assessment):
    client.force_login(officer)
    response = client.get(f"/measures/work/draft/{assessment.pk}/?threshold=90")
    assert [w["number"] for w in response.context["weak"]] == [1, 2]


def test_draft_threshold_defaults_to_the_organizations_strength_threshold(client, officer, assessment):
    org = assessment.organization
    org.analysis_strength_min = Decimal("90.00")
    org.save()
    client.force_login(officer)
    response = client.get(f"/measures/work/draft/{assessment.pk}/")
    assert response.context["threshold"] == Decimal("90.00")
    assert [w["number"] for w in response.context["weak"]] == [1, 2]  # 88.81 < 90


def test_draft_post_creates_ticked_measures_and_redirects(client, officer, assessment, failed_o7):
    client.force_login(officer)
    response = client.post(
        f"/measures/work/draft/{assessment.pk}/", {"templates": ["social-media-open-data"]}
    )
    assert (response.status_code, response["Location"]) == (302, f"/measures/{assessment.pk}/")
    measure = Measure.objects.get(assessment=assessment)
    assert measure.template_code == "social-media-open-data"
    assert failed_o7 in measure.target_items.all()


def test_draft_post_nothing_ticked_is_an_error(client, officer, assessment, failed_o7):
    client.force_login(officer)
    response = client.post(f"/measures/work/draft/{assessment.pk}/", {"templates": ["not-a-template"]})
    assert response.status_code == 400
    assert Measure.objects.count() == 0


def test_draft_executive_403_outsider_404(client, executive, outsider, assessment, failed_o7, assessment_b):
    client.force_login(executive)
    assert client.get(f"/measures/work/draft/{assessment.pk}/").status_code == 200
    post = {"templates": ["social-media-open-data"]}
    assert client.post(f"/measures/work/draft/{assessment.pk}/", post).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/measures/work/draft/{assessment.pk}/").status_code == 404
    assert client.post(f"/measures/work/draft/{assessment.pk}/", post).status_code == 404
    assert Measure.objects.count() == 0


def test_mine_query_count_stays_flat(client, officer, assessment):
    today = timezone.localdate()

    def add_measure(n):
        m = services.measure_create(assessment=assessment, title=f"มาตรการ {n}", rounds=[6], user=officer)
        services.round_due_date_set(round=m.monitoring_rounds.get(), due_date=today, user=officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/measures/work/").status_code == 200
        return len(ctx)

    client.force_login(officer)
    add_measure(1)
    one = count()
    for n in range(2, 7):
        add_measure(n)
    assert count() == one


# --------------------------------------------------------------------------- the list's inline panel

HTMX = {"HTTP_HX_REQUEST": "true"}
PERCENT_ERROR = "กรุณาระบุเป็นจำนวนเต็มตั้งแต่ 0 ถึง 100"


def test_panel_htmx_get_answers_the_inline_panel_with_autosave_fields(client, officer, round6):
    services.progress_report_save(round=round6, result="ทำแล้ว", percent=30, user=officer)
    client.force_login(officer)
    response = client.get(url(round6), **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "progress/_panel.html"
    html = response.content.decode()
    assert html.count("data-autosave ") == 4
    assert f'id="r{round6.pk}-result"' in html
    assert f'hx-post="{url(round6)}evidence/file/" hx-encoding="multipart/form-data"' in html
    assert response.context["form"]["percent"].value() == 30
    assert "HX-Request" in response["Vary"]


def test_panel_autosave_carries_one_field_and_keeps_the_others(client, officer, round6):
    services.progress_report_save(round=round6, result="ทำแล้ว", outcome="ดีขึ้น", percent=30, user=officer)
    client.force_login(officer)
    response = client.post(url(round6), {"percent": "๘๐"}, **HTMX)
    assert response.status_code == 200
    current = ProgressReport.objects.get(round=round6, is_current=True)
    assert (current.result, current.outcome, current.percent) == ("ทำแล้ว", "ดีขึ้น", 80)
    html = response.content.decode()
    assert f'id="err-r{round6.pk}-percent"' in html
    assert f'id="err-r{round6.pk}-result"' not in html  # only the carried field is answered


def test_panel_autosave_answers_the_round_badge_and_row_status_out_of_band(client, officer, round6):
    client.force_login(officer)
    response = client.post(url(round6), {"result": "จัดประชุมแล้ว"}, **HTMX)
    html = response.content.decode()
    assert response.context["badge"].reported is True
    assert f"hx-swap-oob=\"outerHTML:[data-round-badge='{round6.pk}']\"" in html
    assert f"hx-swap-oob=\"outerHTML:[data-row-status='{round6.measure_id}']\"" in html
    assert f'id="r{round6.pk}-version" class="text-muted small" hx-swap-oob="true"' in html


def test_panel_autosave_bad_field_is_marked_and_the_others_saved(client, officer, round6):
    client.force_login(officer)
    response = client.post(url(round6), {"result": "ทำแล้ว", "percent": "150"}, **HTMX)
    assert response.status_code == 200  # htmx swaps the field states; the bad one is marked
    html = response.content.decode()
    assert (
        f'data-for="r{round6.pk}-percent" data-invalid="true" hx-swap-oob="true">{PERCENT_ERROR} </div>'
        in html
    )
    current = ProgressReport.objects.get(round=round6, is_current=True)
    assert (current.result, current.percent) == ("ทำแล้ว", 0)


def test_panel_partial_post_without_js_bad_field_is_422_and_the_others_saved(client, officer, round6):
    services.progress_report_save(round=round6, result="เดิม", outcome="ผลลัพธ์เดิม", percent=10, user=officer)
    client.force_login(officer)
    response = client.post(url(round6), {"result": "ใหม่", "percent": "๑๕๐"})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["percent"]
    current = ProgressReport.objects.get(round=round6, is_current=True)
    assert (current.result, current.outcome, current.percent) == ("ใหม่", "ผลลัพธ์เดิม", 10)


def test_panel_autosaves_of_one_officer_make_one_version(client, officer, round6):
    client.force_login(officer)
    for text in ("จัด", "จัดประชุม", "จัดประชุมแล้ว"):
        assert client.post(url(round6), {"result": text}, **HTMX).status_code == 200
    assert list(ProgressReport.objects.filter(round=round6).values_list("version", "result")) == [
        (1, "จัดประชุมแล้ว")
    ]


def test_panel_executive_reads_it_read_only_and_may_not_post(client, executive, officer, round6):
    services.progress_report_save(round=round6, result="ผลที่รายงาน", percent=30, user=officer)
    client.force_login(executive)
    response = client.get(url(round6), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ผลที่รายงาน" in html
    assert "data-autosave" not in html
    assert 'id="evidence-file-form' not in html
    assert client.post(url(round6), {"result": "แก้"}, **HTMX).status_code == 403
    link = {"url": "https://a.example/x"}
    assert client.post(f"{url(round6)}evidence/url/", link, **HTMX).status_code == 403
    assert ProgressReport.objects.get(round=round6).result == "ผลที่รายงาน"


def test_panel_outsider_gets_404_with_their_own_data_present(client, outsider, round6, report_b):
    client.force_login(outsider)
    assert client.get(url(round6), **HTMX).status_code == 404
    assert client.post(url(round6), {"result": "x"}, **HTMX).status_code == 404
    link = {"url": "https://a.example/x"}
    assert client.post(f"{url(round6)}evidence/url/", link, **HTMX).status_code == 404
    assert ProgressReport.objects.filter(round=round6).count() == 0


def test_panel_evidence_upload_and_delete_answer_the_panel(client, officer, round6, media):
    client.force_login(officer)
    client.post(url(round6), {"result": "ทำแล้ว"}, **HTMX)
    upload = SimpleUploadedFile("ภาพกิจกรรม.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(f"{url(round6)}evidence/file/", {"file": upload}, **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "progress/_panel.html"
    evidence = Evidence.objects.get()
    assert "ภาพกิจกรรม.pdf" in response.content.decode()
    response = client.post(f"/measures/work/evidence/{evidence.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "progress/_panel.html"
    assert Evidence.objects.count() == 0


def test_panel_evidence_error_is_shown_in_the_panel(client, officer, round6, media):
    client.force_login(officer)
    client.post(url(round6), {"result": "ทำแล้ว"}, **HTMX)
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"{url(round6)}evidence/file/", {"file": upload}, **HTMX)
    assert response.status_code == 200
    assert list(response.context["file_form"].errors) == ["file"]
    assert Evidence.objects.count() == 0


def test_round_pages_show_the_period_in_the_organizations_digits(client, officer, assessment, org_a):
    from datetime import date

    m = services.measure_create(
        assessment=assessment,
        title="มาตรการมีระยะเวลา",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        rounds=[6],
        user=officer,
    )
    round_ = m.monitoring_rounds.get()
    client.force_login(officer)
    assert "ต.ค. ๖๔ – มี.ค. ๖๕" in client.get(url(round_)).content.decode()
    org_a.thai_digits = False
    org_a.save()
    assert "ต.ค. 64 – มี.ค. 65" in client.get(url(round_)).content.decode()
    assert "ต.ค. 64 – ก.ย. 65" in client.get(f"/measures/work/draft/{assessment.pk}/").content.decode()


def test_panel_first_autosave_brings_the_evidence_forms_later_ones_leave_them(client, officer, round6):
    client.force_login(officer)
    first = client.post(url(round6), {"result": "เริ่ม"}, **HTMX).content.decode()
    later = client.post(url(round6), {"result": "เริ่มแล้ว"}, **HTMX).content.decode()
    assert f'<div id="r{round6.pk}-evidence" hx-swap-oob="true">' in first
    assert f'id="evidence-file-form-{round6.pk}"' in first
    assert f'id="r{round6.pk}-evidence"' not in later  # a chosen file is never cleared by a save
