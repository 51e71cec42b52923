"""Memo pages: happy paths, other organizations 404, wrong role 403, autosave of one field, decisions,
the PDF, the Excel list, the chain page and the inbox count in the top bar."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from memos import services
from memos.attachments import key_of
from memos.models import Decision, Memo, MemoStatus


def login(client, user):
    client.force_login(user)
    return client


def test_memo_list_shows_the_year_and_hides_it_from_outsiders(client, memo, officer, outsider, assessment_b):
    response = login(client, officer).get(reverse("memos:list", args=[memo.organization_id]) + "?year=2565")
    assert response.status_code == 200
    assert memo.subject[:40] in response.content.decode()
    client.logout()
    response = login(client, outsider).get(reverse("memos:list", args=[memo.organization_id]))
    assert response.status_code == 404


def test_memo_list_queries_stay_flat(client, memo, officer, org_a, unit, chain, progress6):
    login(client, officer)
    url = reverse("memos:list", args=[org_a.pk]) + "?year=2565"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        services.memo_create(
            organization=org_a,
            unit=unit,
            fiscal_year=2565,
            chain=chain,
            attachments=[progress6],
            user=officer,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_create_drafts_a_memo_from_the_picked_report(client, officer, org_a, unit, chain, progress6):
    login(client, officer)
    url = reverse("memos:create", args=[org_a.pk]) + "?year=2565"
    page = client.get(url)
    assert key_of(progress6) in page.content.decode()
    response = client.post(url, {"unit": unit.pk, "chain": chain.pk, "attachments": [key_of(progress6)]})
    memo = Memo.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("memos:detail", args=[memo.pk])
    assert memo.attachments.get().round_months == 6


def test_create_is_for_writers(client, executive, org_a, chain, measures_reported):
    response = login(client, executive).get(reverse("memos:create", args=[org_a.pk]))
    assert response.status_code == 403


def test_autosave_changes_only_the_field_sent(client, officer, memo):
    login(client, officer)
    before = Memo.objects.get(pk=memo.pk)
    response = client.post(
        reverse("memos:save", args=[memo.pk]), {"facts": "ข้อเท็จจริงใหม่"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    after = Memo.objects.get(pk=memo.pk)
    assert after.facts == "ข้อเท็จจริงใหม่"
    assert (after.subject, after.background, after.proposal) == (
        before.subject,
        before.background,
        before.proposal,
    )


def test_decide_by_the_current_approver_and_403_out_of_turn(client, officer, head, mayor, memo):
    services.memo_submit(memo=memo, user=officer)
    data = {"step": 1, "revision": 1, "kind": "approve", "comment": ""}
    response = login(client, mayor).post(reverse("memos:decide", args=[memo.pk]), data)
    assert response.status_code == 403
    client.logout()
    response = login(client, head).post(reverse("memos:decide", args=[memo.pk]), data)
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.current_step == 2
    assert Decision.objects.get().approver_name == "จิตรา สายใจ"


def test_reject_without_reason_is_refused_with_a_message(client, officer, head, memo):
    services.memo_submit(memo=memo, user=officer)
    response = login(client, head).post(
        reverse("memos:decide", args=[memo.pk]), {"step": 1, "revision": 1, "kind": "reject", "comment": ""}
    )
    assert response.status_code == 422
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("name", ["memos:detail", "memos:pdf"])
def test_outsider_gets_404_on_the_memo_and_its_pdf(client, outsider, memo, assessment_b, name):
    response = login(client, outsider).get(reverse(name, args=[memo.pk]))
    assert response.status_code == 404


def test_draft_pdf_renders_on_request(client, officer, memo):
    response = login(client, officer).get(reverse("memos:pdf", args=[memo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_excel_list_keeps_text_as_text(client, officer, memo):
    services.memo_update(memo=memo, subject='=HYPERLINK("http://x")', user=officer)
    response = login(client, officer).get(
        reverse("memos:list-xlsx", args=[memo.organization_id]) + "?year=2565"
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    cell = ws.cell(row=2, column=5)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_chain_page_is_for_the_org_admin(client, org_admin, officer, org_a, head, mayor):
    response = login(client, officer).get(reverse("memos:chains", args=[org_a.pk]))
    assert response.status_code == 403
    client.logout()
    login(client, org_admin)
    response = client.post(
        reverse("memos:chains", args=[org_a.pk]),
        {
            "name": "สายสั้น",
            "is_active": "on",
            "title_0": "หัวหน้าสำนักปลัด",
            "user_0": head.pk,
            "title_1": "นายก",
            "user_1": mayor.pk,
        },
    )
    assert response.status_code == 302
    chain = org_a.approval_chains.get(name="สายสั้น")
    assert [(s.position_title, s.user) for s in chain.steps.order_by("order")] == [
        ("หัวหน้าสำนักปลัด", head),
        ("นายก", mayor),
    ]


def test_chain_page_of_another_organization_is_404(client, outsider, org_a, assessment_b):
    response = login(client, outsider).get(reverse("memos:chains", args=[org_a.pk]))
    assert response.status_code == 404


def test_inbox_count_shows_in_the_top_bar_for_the_current_approver_only(
    client, officer, head, executive, memo
):
    services.memo_submit(memo=memo, user=officer)
    page = login(client, head).get(reverse("memos:inbox")).content.decode()
    assert 'id="nav-inbox-count"' in page and memo.subject[:30] in page
    client.logout()
    page = login(client, executive).get(reverse("memos:inbox")).content.decode()
    assert 'id="nav-inbox-count"' not in page


def test_approved_memo_pdf_is_the_stored_file(client, officer, head, executive, mayor, memo, media, settings):
    from django.test import TestCase

    from .conftest import approve_all

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    memo = services.memo_submit(memo=memo, user=officer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        approve_all(memo, [head, executive, mayor])
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    login(client, officer)
    first = client.get(reverse("memos:pdf", args=[memo.pk])).content
    second = client.get(reverse("memos:pdf", args=[memo.pk])).content
    with memo.final_pdf.open("rb") as f:
        assert first == second == f.read()


def test_draft_attachments_can_be_changed_and_need_one(client, officer, memo, org_a):
    from memos.attachments import ReportSpec

    login(client, officer)
    url = reverse("memos:attachments", args=[memo.pk])
    measures = key_of(ReportSpec("measures", org_a.pk, 2565))
    client.post(
        url, {"attachments": [measures, key_of(ReportSpec("progress", org_a.pk, 2565, round_months=6))]}
    )
    assert [a.kind for a in memo.attachments.all()] == ["measures", "progress"]
    client.post(url, {})
    assert [a.kind for a in memo.attachments.all()] == ["measures", "progress"]


def test_attachments_of_a_submitted_memo_do_not_change(client, officer, memo, org_a):
    from memos.attachments import ReportSpec

    services.memo_submit(memo=memo, user=officer)
    login(client, officer)
    response = client.post(
        reverse("memos:attachments", args=[memo.pk]),
        {"attachments": [key_of(ReportSpec("measures", org_a.pk, 2565))]},
    )
    assert response.status_code == 302
    assert [a.kind for a in memo.attachments.all()] == ["progress"]


@pytest.mark.parametrize("name", ["memos:save", "memos:submit", "memos:cancel", "memos:attachments"])
def test_writes_are_403_for_an_executive_and_404_for_an_outsider(client, memo, executive, outsider, name):
    url = reverse(name, args=[memo.pk])
    assert login(client, executive).post(url, {"facts": "x"}).status_code == 403
    client.logout()
    assert login(client, outsider).post(url, {"facts": "x"}).status_code == 404
    memo.refresh_from_db()
    assert memo.status == MemoStatus.DRAFT and memo.facts != "x"


def test_decide_is_404_for_an_outsider(client, memo, officer, outsider):
    services.memo_submit(memo=memo, user=officer)
    response = login(client, outsider).post(
        reverse("memos:decide", args=[memo.pk]), {"step": 1, "revision": 1, "kind": "approve"}
    )
    assert response.status_code == 404
    assert Decision.objects.count() == 0


def test_chain_page_refuses_to_remove_the_step_a_memo_waits_at(
    client, org_admin, org_a, chain, memo, officer, head, executive, mayor
):
    services.memo_submit(memo=memo, user=officer)
    for user in (head, executive):
        memo.refresh_from_db()
        services.memo_decide(memo=memo, step=memo.current_step, revision=1, kind="approve", user=user)
    response = login(client, org_admin).post(
        reverse("memos:chain-edit", args=[org_a.pk, chain.pk]),
        {
            "name": chain.name,
            "is_active": "on",
            "title_0": "หัวหน้าสำนักปลัดเทศบาล",
            "user_0": head.pk,
            "title_1": "ปลัดเทศบาล",
            "user_1": executive.pk,
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "รอการพิจารณาอยู่ที่ขั้นที่การแก้ไขนี้ตัดออก" in text
    assert memo.document_number in text
    assert chain.steps.count() == 3
