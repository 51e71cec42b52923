"""Issue 8's acceptance path in a real browser, on the demo data set: demo-officer writes a memo for the
6-month progress report and submits it; demo-head approves; demo-executive returns it with a comment; the
officer edits and resubmits; all three approve; the final PDF downloads, the same bytes twice; the
outsider gets 404 on the memo and its PDF; demo-mayor gets 403 acting out of turn."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.models import Organization
from memos.models import Decision, Memo, MemoStatus

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser


def all_sent(page: Page) -> None:
    page.wait_for_function(
        "() => { const s = window.itaAutosave.state(); return s.pending === 0 && s.inflight === 0; }"
    )


def as_user(browser: Browser, live_server, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before submit and decide
    log_in(page, live_server, username, DEMO_PASSWORD)
    return page


def decide(page: Page, live_server, memo: Memo, kind: str, comment: str = "") -> None:
    page.goto(f"{live_server.url}{reverse('memos:detail', args=[memo.pk])}")
    page.check(f"#decision input[name=kind][value={kind}]")
    if comment:
        page.fill("#decision textarea[name=comment]", comment)
    page.locator("#decision-submit").click()
    expect(page.locator(".alert-success")).to_be_visible()


@pytest.fixture
def demo(frameworks, media, settings) -> Organization:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_demo()
    return Organization.objects.get(itas_code="DEMO-5401")


def test_memo_climbs_the_chain_is_returned_resubmitted_and_approved(
    live_server, browser: Browser, page: Page, page_log, demo
):
    before = set(Memo.objects.values_list("pk", flat=True))
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "demo-officer", DEMO_PASSWORD)

    # 1. The officer drafts a memo for the 6-month progress report and submits it.
    page.goto(f"{live_server.url}{reverse('memos:list', args=[demo.pk])}?year=2565")
    page.locator("#memo-new").click()
    page.select_option("#id_unit", label="กองยุทธศาสตร์และงบประมาณ")
    page.locator("input[name=attachments][value='progress:2565:6:']").check()
    page.locator("#memo-create-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/memos/\d+/$"))
    memo = Memo.objects.exclude(pk__in=before).get()
    assert "รอบ 6 เดือน" in memo.subject
    page.fill("#memo-facts", "ข้อเท็จจริงฉบับแรก")
    all_sent(page)
    page.locator("#memo-submit").click()
    expect(page.locator("#memo-number")).to_have_text("ขก 54001/ยผ/002")
    memo.refresh_from_db()
    assert (memo.status, memo.facts, memo.current_step) == (MemoStatus.PENDING, "ข้อเท็จจริงฉบับแรก", 1)

    # 2. demo-head sees it in the top bar and approves.
    head = as_user(browser, live_server, "demo-head")
    expect(head.locator("#nav-inbox-count")).to_have_text("1")
    decide(head, live_server, memo, "approve")

    # 3. demo-mayor acting out of turn (the executive's step) gets 403.
    mayor = as_user(browser, live_server, "demo-mayor")
    mayor.goto(f"{live_server.url}{reverse('memos:detail', args=[memo.pk])}")
    expect(mayor.locator("#decision")).to_have_count(0)
    token = next(c["value"] for c in mayor.context.cookies() if c["name"] == "csrftoken")
    out_of_turn = mayor.request.post(
        f"{live_server.url}{reverse('memos:decide', args=[memo.pk])}",
        form={"step": "2", "revision": "1", "kind": "approve", "comment": ""},
        headers={"X-CSRFToken": token, "Referer": live_server.url},
    )
    assert out_of_turn.status == 403

    # 4. demo-executive returns it with a comment.
    executive = as_user(browser, live_server, "demo-executive")
    decide(executive, live_server, memo, "return", "ขอให้ระบุจำนวนมาตรการที่ยังไม่รายงาน")
    memo.refresh_from_db()
    assert memo.status == MemoStatus.RETURNED

    # 5. The officer sees the comment on the timeline, edits and resubmits: revision 2, same number.
    page.goto(f"{live_server.url}{reverse('memos:detail', args=[memo.pk])}")
    expect(page.locator("#memo-timeline")).to_contain_text("ขอให้ระบุจำนวนมาตรการที่ยังไม่รายงาน")
    page.fill("#memo-facts", "ข้อเท็จจริงที่แก้ไขแล้ว")
    all_sent(page)
    page.locator("#memo-submit").click()
    expect(page.locator("#memo-timeline [data-revision='2']")).to_have_count(1)
    memo.refresh_from_db()
    assert (memo.revision, memo.document_number, memo.facts) == (2, "ขก 54001/ยผ/002", "ข้อเท็จจริงที่แก้ไขแล้ว")

    # 6. All three approve; the final PDF is rendered once.
    decide(head, live_server, memo, "approve")
    decide(executive, live_server, memo, "approve")
    decide(mayor, live_server, memo, "approve")
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED and memo.final_pdf_sha256
    assert list(Decision.objects.filter(memo=memo).values_list("revision__number", "step", "kind")) == [
        (1, 1, "approve"),
        (1, 2, "return"),
        (2, 1, "approve"),
        (2, 2, "approve"),
        (2, 3, "approve"),
    ]

    # 7. The final PDF downloads, and again gives the same bytes.
    pdf_url = f"{live_server.url}{reverse('memos:pdf', args=[memo.pk])}"
    page.goto(f"{live_server.url}{reverse('memos:detail', args=[memo.pk])}")
    with page.expect_download() as first:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            pdf_url,
        )
    first_bytes = open(first.value.path(), "rb").read()
    second = page.request.get(pdf_url)
    assert second.status == 200 and second.headers["content-type"] == "application/pdf"
    assert first_bytes == second.body()
    with memo.final_pdf.open("rb") as f:
        assert first_bytes == f.read()
    assert page_log.errors == []
    assert csp_violations(page) == []

    # 8. The outsider gets 404 on the memo and on its PDF.
    outsider = as_user(browser, live_server, "demo-outsider")
    detail = outsider.goto(f"{live_server.url}{reverse('memos:detail', args=[memo.pk])}")
    assert detail is not None and detail.status == 404
    assert outsider.request.get(pdf_url).status == 404
    for p in (head, mayor, executive, outsider):
        p.context.close()
