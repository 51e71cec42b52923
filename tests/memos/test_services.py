"""Memo services: numbering, submission, decisions, returns and revisions, cancel, final freeze."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import Role
from measures.models import ProgressReport
from memos import services
from memos.models import Decision, DocumentCounter, Memo, MemoStatus
from tests.conftest import make_member

from .conftest import approve_all


def test_memo_create_drafts_text_from_the_progress_report(memo):
    assert memo.status == MemoStatus.DRAFT
    assert memo.number is None
    assert memo.salutation == "นายกเทศมนตรี"
    assert memo.subject == (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2565 "
        "รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)"
    )
    assert "มาตรการรายงานผลแล้ว 2 จาก 2 มาตรการ" in memo.facts
    assert memo.author_name == "เยาวภา ใจงาม"
    assert memo.author_position == "นักวิเคราะห์นโยบายและแผน"


def test_submit_allocates_numbers_per_unit_per_year(memo, org_a, unit, chain, officer, progress6):
    services.memo_submit(memo=memo, user=officer)
    second = services.memo_create(
        organization=org_a, unit=unit, fiscal_year=2565, chain=chain, attachments=[progress6], user=officer
    )
    services.memo_submit(memo=second, user=officer)
    other_unit = org_a.units.get(name="กองคลัง")
    third = services.memo_create(
        organization=org_a,
        unit=other_unit,
        fiscal_year=2565,
        chain=chain,
        attachments=[progress6],
        user=officer,
    )
    services.memo_submit(memo=third, user=officer)
    next_year = services.memo_create(
        organization=org_a, unit=unit, fiscal_year=2566, chain=chain, attachments=[progress6], user=officer
    )
    services.memo_submit(memo=next_year, user=officer)
    numbers = [
        (m.unit.name, m.fiscal_year, m.number, m.document_number)
        for m in Memo.objects.order_by("pk").select_related("unit")
    ]
    assert numbers == [
        ("สำนักปลัด", 2565, 1, "ขก 54001/001"),
        ("สำนักปลัด", 2565, 2, "ขก 54001/002"),
        ("กองคลัง", 2565, 1, "001"),
        ("สำนักปลัด", 2566, 1, "ขก 54001/001"),
    ]


def test_cancelled_and_deleted_numbers_are_never_reused(memo, org_a, unit, chain, officer, progress6):
    services.memo_submit(memo=memo, user=officer)
    services.memo_cancel(memo=memo, user=officer)
    second = services.memo_create(
        organization=org_a, unit=unit, fiscal_year=2565, chain=chain, attachments=[progress6], user=officer
    )
    services.memo_submit(memo=second, user=officer)
    Memo.objects.filter(pk=second.pk).delete()
    third = services.memo_create(
        organization=org_a, unit=unit, fiscal_year=2565, chain=chain, attachments=[progress6], user=officer
    )
    third = services.memo_submit(memo=third, user=officer)
    memo.refresh_from_db()
    assert (memo.status, memo.number) == (MemoStatus.CANCELLED, 1)
    assert third.number == 3
    assert DocumentCounter.objects.get(unit=unit, fiscal_year=2565).last_number == 3


def test_submit_freezes_the_attached_report(memo, officer, measures_reported):
    memo = services.memo_submit(memo=memo, user=officer)
    frozen = memo.revisions.get().attachments.get()
    assert "เผยแพร่ครบ" in frozen.html
    assert len(frozen.sha256) == 64
    from measures import services as measure_services

    measure_services.progress_report_save(
        round=measures_reported[0].monitoring_rounds.get(month=6), result="แก้ไขภายหลัง", user=officer
    )
    frozen.refresh_from_db()
    assert "แก้ไขภายหลัง" not in frozen.html


def test_only_the_current_approver_decides(memo, officer, head, executive, mayor):
    memo = services.memo_submit(memo=memo, user=officer)
    for user in (mayor, executive, officer):
        with pytest.raises(PermissionDenied):
            services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=user)
    services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    memo.refresh_from_db()
    assert memo.current_step == 2
    with pytest.raises(PermissionDenied):
        services.memo_decide(memo=memo, step=2, revision=1, kind="approve", user=mayor)


def test_the_same_decision_twice_records_one(memo, officer, head):
    memo = services.memo_submit(memo=memo, user=officer)
    first = services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    again = services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    assert first.pk == again.pk
    assert Decision.objects.count() == 1


def test_reject_needs_a_reason_and_ends_the_memo(memo, officer, head):
    memo = services.memo_submit(memo=memo, user=officer)
    with pytest.raises(ValidationError):
        services.memo_decide(memo=memo, step=1, revision=1, kind="reject", comment=" ", user=head)
    services.memo_decide(memo=memo, step=1, revision=1, kind="reject", comment="ข้อมูลไม่ครบ", user=head)
    memo.refresh_from_db()
    assert (memo.status, memo.number, memo.current_step) == (MemoStatus.REJECTED, 1, None)
    with pytest.raises(ValidationError):
        services.memo_submit(memo=memo, user=officer)


def test_return_then_resubmit_makes_a_new_revision_with_the_history(memo, officer, head, executive, mayor):
    memo = services.memo_submit(memo=memo, user=officer)
    services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    services.memo_decide(memo=memo, step=2, revision=1, kind="return", comment="แก้ข้อเท็จจริง", user=executive)
    memo.refresh_from_db()
    assert memo.status == MemoStatus.RETURNED
    services.memo_update(memo=memo, facts="ข้อเท็จจริงที่แก้แล้ว", user=officer)
    memo = services.memo_submit(memo=memo, user=officer)
    assert (memo.revision, memo.number, memo.current_step) == (2, 1, 1)
    memo = approve_all(memo, [head, executive, mayor])
    assert memo.status == MemoStatus.APPROVED
    assert [r.facts for r in memo.revisions.order_by("number")][1] == "ข้อเท็จจริงที่แก้แล้ว"
    history = [
        (d.revision.number, d.step, d.kind) for d in memo.decisions.order_by("revision__number", "step")
    ]
    assert history == [
        (1, 1, "approve"),
        (1, 2, "return"),
        (2, 1, "approve"),
        (2, 2, "approve"),
        (2, 3, "approve"),
    ]


def test_decision_keeps_name_and_position_as_of_that_moment(memo, officer, head, org_a):
    memo = services.memo_submit(memo=memo, user=officer)
    decision = services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    head.memberships.filter(organization=org_a).update(position_title="ตำแหน่งใหม่")
    head.first_name = "ชื่อใหม่"
    head.save()
    decision.refresh_from_db()
    assert (decision.approver_name, decision.approver_position) == ("จิตรา สายใจ", "หัวหน้าสำนักปลัดเทศบาล")


def test_final_approval_locks_the_progress_reports_and_renders_once(
    memo, officer, head, executive, mayor, media, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    memo = services.memo_submit(memo=memo, user=officer)
    ids = memo.revisions.get().attachments.get().progress_report_ids
    with_commit = approve_all  # decisions commit inside the test transaction: run on_commit by hand
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        memo = with_commit(memo, [head, executive, mayor])
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    assert set(ProgressReport.objects.filter(pk__in=ids).values_list("locked", flat=True)) == {True}
    assert memo.final_pdf_sha256
    first = memo.final_pdf.read()
    again = services.memo_final_pdf_render(memo_id=memo.pk)
    assert again.final_pdf.name == memo.final_pdf.name
    with again.final_pdf.open("rb") as f:
        assert f.read() == first
    import hashlib

    assert hashlib.sha256(first).hexdigest() == memo.final_pdf_sha256


def test_writes_need_a_writer(memo, executive, outsider):
    with pytest.raises(PermissionDenied):
        services.memo_submit(memo=memo, user=executive)
    with pytest.raises(PermissionDenied):
        services.memo_update(memo=memo, subject="x", user=outsider)


def test_chain_configuration_is_for_the_org_admin(org_a, officer, head):
    with pytest.raises(PermissionDenied):
        services.chain_save(organization=org_a, name="x", steps=[("หัวหน้า", head)], user=officer)


def test_a_step_where_a_memo_waits_cannot_be_removed(
    memo, chain, org_a, org_admin, officer, head, executive, mayor
):
    services.memo_submit(memo=memo, user=officer)
    memo = approve_all(memo, [head, executive])  # now waiting for the mayor at step 3
    assert memo.current_step == 3
    two_steps = [("หัวหน้าสำนักปลัดเทศบาล", head), ("ปลัดเทศบาล", executive)]
    with pytest.raises(ValidationError) as caught:
        services.chain_save(organization=org_a, name=chain.name, steps=two_steps, chain=chain, user=org_admin)
    assert memo.document_number in caught.value.message_dict["steps"][0]
    assert chain.steps.count() == 3

    # Another holder of the position receives what waits there.
    deputy = make_member("deputy", org_a, Role.EXECUTIVE, "รองนายกเทศมนตรี")
    steps = [*two_steps, ("นายกเทศมนตรี", deputy)]
    services.chain_save(organization=org_a, name=chain.name, steps=steps, chain=chain, user=org_admin)
    assert services.current_step(memo).user == deputy
    with pytest.raises(PermissionDenied):
        services.memo_decide(memo=memo, step=3, revision=memo.revision, kind="approve", user=mayor)
    memo = approve_all(memo, [deputy])
    assert memo.status == MemoStatus.APPROVED

    # Once the memo is decided, the step can go.
    services.chain_save(organization=org_a, name=chain.name, steps=two_steps, chain=chain, user=org_admin)
    assert chain.steps.count() == 2
