"""Concurrent writes on PostgreSQL, with real threads: nothing lost, no 500, stored result exact.

Each thread has its own database connection and its own test client; a barrier releases them at
once. SQLite serialises whole-database writes and has no row locks, so these run on PostgreSQL only
(CI runs the suite on both).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import scoring, selectors, services
from assessments.models import Assessment, DisclosureResult, IndicatorScore

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]

HTMX = {"HTTP_HX_REQUEST": "true"}
THREADS = 8


def run_at_once(user, requests: list[Callable[[Client], int]]) -> list[int]:
    """Run each request function in its own thread, released together; return the status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)
    errors: list[BaseException] = []

    def work(index: int, request: Callable[[Client], int]) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            statuses[index] = request(client)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return statuses


@pytest.fixture
def fresh(transactional_db, frameworks, org_a, officer):
    """Organization A's 2565 assessment, committed (other threads must see it), nothing entered."""
    return services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)


def post(path: str, data: dict) -> Callable[[Client], int]:
    return lambda client: client.post(path, data, **HTMX).status_code


def test_eight_saves_of_different_indicators_all_survive(fresh, officer):
    path = reverse("assessments:indicators-update", args=[fresh.pk])
    statuses = run_at_once(officer, [post(path, {f"ind_{n}": f"{80 + n}.25"}) for n in range(1, 9)])
    assert statuses == [200] * 8
    stored = dict(IndicatorScore.objects.filter(assessment=fresh).values_list("indicator__number", "score"))
    assert stored == {n: Decimal(f"{80 + n}.25") for n in range(1, 9)}
    fresh.refresh_from_db()
    assert fresh.computed_result == selectors.assessment_result(fresh).as_dict()


def test_simultaneous_first_saves_of_one_indicator_give_one_row_and_no_error(fresh, officer):
    path = reverse("assessments:indicators-update", args=[fresh.pk])
    statuses = run_at_once(officer, [post(path, {"ind_3": f"7{n}.00"}) for n in range(THREADS)])
    assert statuses == [200] * THREADS
    assert IndicatorScore.objects.filter(assessment=fresh, indicator__number=3).count() == 1


def test_simultaneous_starts_of_one_year_give_one_assessment_and_no_error(
    transactional_db, frameworks, org_a, officer
):
    path = reverse("assessments:create")
    data = {"organization": org_a.pk, "fiscal_year": 2565}
    statuses = run_at_once(officer, [lambda c: c.post(path, data).status_code for _ in range(THREADS)])
    assert all(status < 500 for status in statuses), statuses
    assert sorted(statuses) == [302] + [400] * (THREADS - 1)
    assert Assessment.objects.filter(organization=org_a, fiscal_year=2565).count() == 1


def test_concurrent_item_saves_leave_a_stored_total_equal_to_a_fresh_computation(fresh, officer):
    services.indicator_scores_set(
        assessment=fresh, scores={n: Decimal("85.00") for n in range(1, 9)}, user=officer
    )
    services.disclosures_mark_passed(assessment=fresh, user=officer)
    codes = ["O1", "O5", "O9", "O12", "O20", "O28", "O36", "O40", "O41", "O43"]
    statuses = run_at_once(
        officer,
        [
            post(reverse("assessments:disclosure-update", args=[fresh.pk, code]), {"result": "fail"})
            for code in codes
        ],
    )
    assert statuses == [200] * len(codes)
    assert set(
        DisclosureResult.objects.filter(assessment=fresh, passed=False).values_list("item__code", flat=True)
    ) == set(codes)
    fresh.refresh_from_db()
    result = selectors.assessment_result(fresh)
    assert fresh.computed_total == scoring.round2(result.total)
    assert fresh.computed_result == result.as_dict()
    listed = selectors.assessments_for_user(officer).get(pk=fresh.pk)
    assert listed.computed_total == scoring.round2(result.total)


def test_note_and_result_saved_at_once_on_one_row_are_both_kept(fresh, officer):
    path = reverse("assessments:disclosure-update", args=[fresh.pk, "O7"])
    statuses = run_at_once(
        officer,
        [
            post(path, {"result": "pass"}),
            post(path, {"note": "เผยแพร่แล้ว"}),
            post(path, {"urls": "https://x.example/o7"}),
        ],
    )
    assert statuses == [200, 200, 200]
    row = DisclosureResult.objects.get(assessment=fresh, item__code="O7")
    assert (row.passed, row.note, row.urls) == (True, "เผยแพร่แล้ว", ["https://x.example/o7"])
