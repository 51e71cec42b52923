"""PostgreSQL races: two requests at once never record a decision twice nor issue a number twice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from memos import services
from memos.models import Decision, Memo
from tests.conftest import raised, run_at_once

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_the_same_decision_posted_twice_at_once_records_one(memo, officer, head):
    services.memo_submit(memo=memo, user=officer)
    url = reverse("memos:decide", args=[memo.pk])
    data = {"step": 1, "revision": 1, "kind": "approve", "comment": "เห็นควรเสนอ"}

    def post(_index: int) -> int:
        client = Client()
        client.force_login(head)
        return client.post(url, data).status_code

    outcomes = run_at_once(post, 2)
    assert raised(outcomes) == []
    assert outcomes == [302, 302]
    assert Decision.objects.filter(memo=memo).count() == 1
    assert Memo.objects.get(pk=memo.pk).current_step == 2


@pytest.mark.django_db(transaction=True)
def test_submissions_at_once_get_different_numbers(org_a, unit, chain, officer, progress6):
    memos = [
        services.memo_create(
            organization=org_a,
            unit=unit,
            fiscal_year=2565,
            chain=chain,
            attachments=[progress6],
            user=officer,
        )
        for _ in range(4)
    ]

    def submit(index: int) -> int:
        return services.memo_submit(memo=memos[index], user=officer).number

    outcomes = run_at_once(submit, 4)
    assert raised(outcomes) == []
    assert sorted(outcomes) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_a_decision_and_a_chain_edit_at_once_never_leave_a_memo_waiting_for_nobody(
    memo, chain, org_a, org_admin, officer, head, executive, mayor
):
    """The executive approves step 2 (the memo would move to step 3) while the admin removes step 3:
    either the edit is refused (the memo waits at step 3) or it goes first and the approval is final."""
    services.memo_submit(memo=memo, user=officer)
    services.memo_decide(memo=memo, step=1, revision=1, kind="approve", user=head)
    two_steps = [("หัวหน้าสำนักปลัดเทศบาล", head), ("ปลัดเทศบาล", executive)]

    def work(index: int):
        if index == 0:
            return services.memo_decide(memo=memo, step=2, revision=1, kind="approve", user=executive)
        return services.chain_save(
            organization=org_a, name=chain.name, steps=two_steps, chain=chain, user=org_admin
        )

    for _attempt in range(3):
        outcomes = run_at_once(work, 2)
        fresh = Memo.objects.get(pk=memo.pk)
        steps = chain.steps.count()
        assert not isinstance(outcomes[0], BaseException)
        if isinstance(outcomes[1], BaseException):
            assert "steps" in outcomes[1].message_dict
            assert (fresh.status, fresh.current_step, steps) == ("pending", 3, 3)
        else:
            assert (fresh.status, fresh.current_step, steps) == ("approved", None, 2)
        # back to step 2 of a three-step chain for the next attempt
        three = [*two_steps, ("นายกเทศมนตรี", mayor)]
        Decision.objects.filter(memo=memo, step__gte=2).delete()
        Memo.objects.filter(pk=memo.pk).update(status="pending", current_step=2, final_pdf="")
        services.chain_save(organization=org_a, name=chain.name, steps=three, chain=chain, user=org_admin)
