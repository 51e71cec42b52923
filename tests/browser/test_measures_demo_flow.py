"""Issue 6's acceptance path in a real browser, on the demo data set: demo-officer drafts measures
from the weak points of the demo assessment, reports the 6-month round of one with an evidence file,
and sees it done in the list and on the timeline; the outsider gets 404 on that measure and its file."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.models import Assessment
from measures.models import Evidence, Measure, MeasureStatus, ProgressReport
from tests.conftest import PDF_BYTES

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

THAI = re.compile(r"[\u0E00-\u0E7F]")


def all_sent(page: Page) -> None:
    page.wait_for_function(
        "() => { const s = window.itaAutosave.state(); return s.pending === 0 && s.inflight === 0; }"
    )


@pytest.fixture
def demo(frameworks) -> Assessment:
    seed_demo()
    return Assessment.objects.get(organization__itas_code="DEMO-5401", fiscal_year=2565)


def test_demo_officer_drafts_reports_with_evidence_and_sees_it_done_outsider_gets_404(
    live_server, browser: Browser, page: Page, page_log, media, demo, tmp_path
):
    before = set(Measure.objects.filter(assessment=demo).values_list("pk", flat=True))
    log_in(page, live_server, "demo-officer", DEMO_PASSWORD)

    # 1. Draft measures for the weak points: the proposals not yet in the plan come ticked.
    page.goto(f"{live_server.url}{reverse('progress:draft', args=[demo.pk])}")
    expect(page.locator("#weak-indicators li").first).to_be_visible()
    ticked = page.locator("#proposals input[name=templates]:checked").count()
    assert ticked > 0
    page.locator("#proposals button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('measures:list', args=[demo.pk])}")
    created = list(Measure.objects.filter(assessment=demo).exclude(pk__in=before).order_by("number"))
    assert len(created) == ticked
    assert all(m.target_indicators.exists() or m.target_items.exists() for m in created)
    measure = next(m for m in created if 6 in m.rounds)
    round6 = measure.monitoring_rounds.get(month=6)

    # 2. Report the 6-month round inline, with an evidence file.
    badge = page.locator(f"[data-round-badge='{round6.pk}']").first
    expect(badge).to_have_class(re.compile(r"text-bg-danger"))  # 2565 is long past: overdue
    badge.click()
    page.locator(f"#r{round6.pk}-result").fill("จัดอบรมบุคลากรครบทุกกองแล้ว")
    page.locator(f"#r{round6.pk}-percent").fill("100")
    expect(page.locator(f"#err-r{round6.pk}-percent .text-success")).to_have_text(THAI)
    all_sent(page)
    expect(badge).to_have_class(re.compile(r"text-bg-success"))
    pdf = tmp_path / "หลักฐานการอบรม.pdf"
    pdf.write_bytes(PDF_BYTES)
    panel = page.locator(f"#panel-r{round6.pk}")
    panel.locator("input[type=file]").set_input_files(str(pdf))
    panel.locator("form[hx-encoding] button[type=submit]").click()
    expect(panel.locator(".evidence-list")).to_contain_text("หลักฐานการอบรม.pdf")
    report = ProgressReport.objects.get(round=round6, is_current=True)
    assert (report.result, report.percent) == ("จัดอบรมบุคลากรครบทุกกองแล้ว", 100)
    evidence = Evidence.objects.get(report=report)

    # 3. Mark the measure done on its form, then see it done in the list and on the timeline.
    page.goto(f"{live_server.url}{reverse('measures:edit', args=[measure.pk])}")
    page.select_option("#id_status", MeasureStatus.DONE)
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/measures/measure/{measure.pk}/$"))
    with translation.override("th"):
        done_label = str(MeasureStatus.DONE.label)
    page.goto(f"{live_server.url}{reverse('measures:list', args=[demo.pk])}")
    row = page.locator(f"#measure-{measure.pk}")
    expect(row.locator(f"[data-row-status='{measure.pk}']")).to_contain_text(done_label)
    expect(row.locator(f"[data-round-badge='{round6.pk}']")).to_have_class(re.compile(r"text-bg-success"))
    page.goto(f"{live_server.url}{reverse('measures:timeline', args=[demo.pk])}")
    bar = page.locator(f"#tl-measure-{measure.pk}")
    expect(bar).to_have_class(re.compile(r"\bis-done\b"))
    expect(bar.locator(".tl-round.is-reported.tl-at-6")).to_have_count(1)
    evidence_url = f"{live_server.url}{reverse('measures:evidence', args=[evidence.pk])}"
    assert page.request.get(evidence_url).status == 200
    assert page_log.errors == []
    assert csp_violations(page) == []

    # 4. The outsider (another organization) gets 404 on the measure and on its evidence file.
    context = browser.new_context(locale="th-TH")
    outsider = context.new_page()
    log_in(outsider, live_server, "demo-outsider", DEMO_PASSWORD)
    detail = outsider.goto(f"{live_server.url}{reverse('measures:detail', args=[measure.pk])}")
    assert detail is not None and detail.status == 404
    assert outsider.request.get(evidence_url).status == 404
    context.close()
