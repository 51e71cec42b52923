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
