"""The measure list's inline progress entry in a real browser: a round badge opens the panel under
its measure, each field saves itself, an evidence file uploads in place, nothing typed is lost."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from measures import services
from measures.models import Evidence, ProgressReport
from tests.conftest import PDF_BYTES

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture
def measure(assessment, officer):
    return services.measure_create(
        assessment=assessment,
        title="มาตรการประชุมชี้แจงแผน",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        rounds=[6, 12],
        user=officer,
    )


def all_sent(page: Page) -> None:
    page.wait_for_function(
        "() => { const s = window.itaAutosave.state(); return s.pending === 0 && s.inflight === 0; }"
    )


def open_panel(page: Page, round_pk: int) -> None:
    page.locator(f"[data-round-badge='{round_pk}']").click()
    expect(page.locator(f"#panel-r{round_pk} textarea[name=result]")).to_be_visible()


def test_officer_types_a_result_uploads_a_pdf_and_both_are_kept(
    live_server, page, page_log, media, officer, measure, tmp_path
):
    round6 = measure.monitoring_rounds.get(month=6)
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/measures/{measure.assessment_id}/")
    expect(page.locator(f"[data-round-badge='{round6.pk}']")).to_have_class(re.compile(r"text-bg-danger"))
    open_panel(page, round6.pk)

    page.locator(f"#r{round6.pk}-result").fill("จัดประชุมชี้แจงแล้ว 2 ครั้ง")
    expect(page.locator(f"#err-r{round6.pk}-result .text-success")).to_have_text(THAI)
    all_sent(page)
    # The round badge of the row turned "reported" without a reload.
    expect(page.locator(f"[data-round-badge='{round6.pk}']")).to_have_class(re.compile(r"text-bg-success"))

    pdf = tmp_path / "รายงานการประชุม.pdf"
    pdf.write_bytes(PDF_BYTES)
    panel = page.locator(f"#panel-r{round6.pk}")
    panel.locator("input[type=file]").set_input_files(str(pdf))
    panel.locator("form[hx-encoding] button[type=submit]").click()
    expect(page.locator(f"#panel-r{round6.pk} .evidence-list")).to_contain_text("รายงานการประชุม.pdf")

    page.reload()
    open_panel(page, round6.pk)
    expect(page.locator(f"#r{round6.pk}-result")).to_have_value("จัดประชุมชี้แจงแล้ว 2 ครั้ง")
    expect(page.locator(f"#panel-r{round6.pk} .evidence-list")).to_contain_text("รายงานการประชุม.pdf")
    report = ProgressReport.objects.get(round=round6, is_current=True)
    assert (report.version, report.result) == (1, "จัดประชุมชี้แจงแล้ว 2 ครั้ง")
    assert list(Evidence.objects.values_list("original_name", "content_type")) == [
        ("รายงานการประชุม.pdf", "application/pdf")
    ]
    assert page_log.errors == []
    assert csp_violations(page) == []


def test_evidence_removal_asks_first(live_server, page, media, officer, measure):
    round6 = measure.monitoring_rounds.get(month=6)
    report = services.progress_report_save(round=round6, result="ทำแล้ว", user=officer)
    services.evidence_add_url(report=report, url="https://a.example/ภาพกิจกรรม", user=officer)
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/measures/{measure.assessment_id}/")
    open_panel(page, round6.pk)
    remove = page.locator(f"#panel-r{round6.pk} .evidence-list button[type=submit]")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    remove.click()
    page.wait_for_timeout(300)
    assert Evidence.objects.count() == 1
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    remove.click()
    expect(page.locator(f"#panel-r{round6.pk} .evidence-list")).to_have_count(0)
    assert Evidence.objects.count() == 0
    assert len(asked) == 2 and THAI.search(asked[0])


def test_enter_in_the_percent_field_saves_it_and_stays_on_the_list(live_server, page, officer, measure):
    round6 = measure.monitoring_rounds.get(month=6)
    log_in(page, live_server, "officer")
    list_url = f"{live_server.url}/measures/{measure.assessment_id}/"
    page.goto(list_url)
    open_panel(page, round6.pk)
    page.locator(f"#r{round6.pk}-percent").fill("๖๐")
    page.locator(f"#r{round6.pk}-percent").press("Enter")
    expect(page.locator(f"#err-r{round6.pk}-percent .text-success")).to_have_text(THAI)
    assert page.url == list_url
    assert ProgressReport.objects.get(round=round6, is_current=True).percent == 60


def test_result_typed_then_a_link_clicked_at_once_is_saved(live_server, page, officer, measure):
    round6 = measure.monitoring_rounds.get(month=6)
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/measures/{measure.assessment_id}/")
    open_panel(page, round6.pk)
    page.locator(f"#r{round6.pk}-outcome").fill("บุคลากรเข้าใจแผนมากขึ้น")
    # No wait: the link is clicked while the save is still pending (the autosave delay is 900 ms).
    page.locator(f"#measure-{measure.pk} a[href='/measures/measure/{measure.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/measures/measure/{measure.pk}/$"))
    assert ProgressReport.objects.get(round=round6, is_current=True).outcome == "บุคลากรเข้าใจแผนมากขึ้น"


def test_bad_percent_is_marked_and_the_result_beside_it_is_saved(live_server, page, officer, measure):
    round6 = measure.monitoring_rounds.get(month=6)
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/measures/{measure.assessment_id}/")
    open_panel(page, round6.pk)
    page.locator(f"#r{round6.pk}-percent").fill("150")
    page.locator(f"#r{round6.pk}-result").fill("ดำเนินการครบทุกกอง")
    page.locator(f"#r{round6.pk}-suggestion").focus()  # blur flushes too
    expect(page.locator(f"#r{round6.pk}-percent")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(f"#err-r{round6.pk}-percent")).to_have_text(THAI)
    all_sent(page)
    report = ProgressReport.objects.get(round=round6, is_current=True)
    assert (report.result, report.percent) == ("ดำเนินการครบทุกกอง", 0)


def test_phone_list_is_stacked_and_the_panel_fits(live_server, browser, officer, measure):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH", is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    round6 = measure.monitoring_rounds.get(month=6)
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/measures/{measure.assessment_id}/")
    expect(page.locator("#measure-table thead")).to_be_hidden()
    open_panel(page, round6.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    table_box = page.locator("#measure-table").bounding_box()
    assert table_box is not None and table_box["width"] <= 390
    badge = page.locator(f"[data-round-badge='{round6.pk}']").bounding_box()
    assert badge is not None and badge["height"] >= 36  # a finger-sized tap target
    context.close()
