"""seed_demo's memos: the chain demo-head → demo-executive → demo-mayor and one memo they all approved,
its final PDF stored with its SHA-256; a second run adds nothing."""

from __future__ import annotations

import hashlib

from assessments.demo import seed_demo
from memos.models import ApprovalChain, Decision, Memo, MemoStatus


def test_seed_demo_adds_the_chain_and_an_approved_memo(frameworks, media):
    seed_demo()
    seed_demo()
    chain = ApprovalChain.objects.get()
    assert [(s.user.username, s.position_title) for s in chain.steps.order_by("order")] == [
        ("demo-head", "หัวหน้าสำนักปลัดเทศบาล"),
        ("demo-executive", "ปลัดเทศบาลตำบลหนองบัวงาม"),
        ("demo-mayor", "นายกเทศมนตรีตำบลหนองบัวงาม"),
    ]
    memo = Memo.objects.get()
    assert memo.status == MemoStatus.APPROVED
    assert memo.document_number == "ขก 54001/ยผ/001"
    assert list(Decision.objects.order_by("step").values_list("approver__username", "kind")) == [
        ("demo-head", "approve"),
        ("demo-executive", "approve"),
        ("demo-mayor", "approve"),
    ]
    with memo.final_pdf.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == memo.final_pdf_sha256


def test_the_demo_memo_reads_as_one_of_2565(frameworks, media):
    """Dated in April 2022 (B.E. 2565), submitted that day, each approver deciding on a later day of the
    same fiscal year."""
    import datetime

    from django.utils import timezone

    from memos.models import MemoRevision

    seed_demo()
    memo = Memo.objects.get()
    submitted = timezone.localtime(MemoRevision.objects.get(memo=memo).submitted_at)
    decided = [
        timezone.localtime(d) for d in Decision.objects.order_by("step").values_list("decided_at", flat=True)
    ]
    assert memo.date == submitted.date() == datetime.date(2022, 4, 21)
    assert (
        submitted < decided[0] < decided[1] < decided[2] < timezone.make_aware(datetime.datetime(2022, 10, 1))
    )
