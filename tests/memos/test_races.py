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
