"""Demo memos for the demo organization (called at the end of seed_demo).

The chain หัวหน้าสำนักปลัดเทศบาล (demo-head) → ปลัดเทศบาล (demo-executive) → นายกเทศมนตรี (demo-mayor),
and one memo carrying the 6-month progress report of 2565, approved by all three, with its final PDF
rendered. Idempotent: an organization that already has a chain or a memo keeps them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Membership, Organization

from . import services
from .attachments import spec_of
from .models import ApprovalChain, Decision, Memo, MemoRevision

CHAIN_NAME = "สายงานปกติ (สำนักปลัด → ปลัด → นายก)"
CHAIN = [
    ("หัวหน้าสำนักปลัดเทศบาล", "demo-head"),
    ("ปลัดเทศบาลตำบลหนองบัวงาม", "demo-executive"),
    ("นายกเทศมนตรีตำบลหนองบัวงาม", "demo-mayor"),
]
DEMO_YEAR = 2565
DEMO_ROUND = 6
DEMO_DATE = datetime.date(2022, 4, 21)


@transaction.atomic
def seed_demo_memos(organization: Organization) -> Memo | None:
    """Create the demo chain and the approved memo once; returns the memo."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[n for _t, n in CHAIN])}
    admin = Membership.objects.filter(organization=organization, role="admin").select_related("user").first()
    officer = Membership.objects.filter(organization=organization, role="officer").select_related(
        "user", "unit"
    )
    officer = officer.filter(user__username="demo-officer").first()
    if admin is None or officer is None or len(users) != len(CHAIN):
        return None
    chain = ApprovalChain.objects.filter(organization=organization).first() or services.chain_save(
        organization=organization,
        name=CHAIN_NAME,
        steps=[(title, users[name]) for title, name in CHAIN],
        user=admin.user,
    )
    existing = Memo.objects.filter(organization=organization).first()
    if existing is not None:
        return existing
    memo = services.memo_create(
        organization=organization,
        unit=officer.unit or organization.units.order_by("order").first(),
        fiscal_year=DEMO_YEAR,
        chain=chain,
        attachments=[spec_of(organization.pk, "progress", DEMO_YEAR, DEMO_ROUND, "")],
        user=officer.user,
    )
    memo = services.memo_update(memo=memo, date=DEMO_DATE, user=officer.user)
    memo = services.memo_submit(memo=memo, user=officer.user)
    for _title, name in CHAIN:
        memo.refresh_from_db()
        services.memo_decide(
            memo=memo, step=memo.current_step, revision=memo.revision, kind="approve", user=users[name]
        )
    # The demo reads as a memo of 2565: submitted on its date, each approver deciding on a later day
    # (the audit trail keeps the real times of the seeding).
    submitted = timezone.make_aware(datetime.datetime.combine(DEMO_DATE, datetime.time(9, 30)))
    MemoRevision.objects.filter(memo=memo).update(submitted_at=submitted)
    for day, pk in enumerate(memo.decisions.order_by("step").values_list("pk", flat=True), start=1):
        decided = submitted + datetime.timedelta(days=day, hours=day)
        Decision.objects.filter(pk=pk).update(decided_at=decided)
    return services.memo_final_pdf_render(memo_id=memo.pk)
