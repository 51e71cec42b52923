"""One rule for "published and computed results differ" (issue 7): the importer's discrepancy list and the
assessment page's result panel both use ``scoring.published_differs``."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments import scoring, selectors
from assessments.itas_import import itas_import
from assessments.models import Assessment, Role
from tests.conftest import make_member

from .test_itas_import import book, row, srikham  # noqa: F401  (fixture)

D = Decimal


@pytest.mark.parametrize(
    ("published_total", "computed_total", "published_band", "computed_band", "differs"),
    [
        (D("87.86"), D("87.86"), "A", "A", False),
        (D("87.87"), D("87.86"), "A", "A", False),  # 0.01 apart: within the tolerance
        (D("87.85"), D("87.86"), "A", "A", False),
        (D("87.88"), D("87.86"), "A", "A", True),  # 0.02 apart
        (D("87.84"), D("87.86"), "A", "A", True),
        (D("87.9"), D("87.90"), "A", "A", False),  # numbers, not text: "87.9" == "87.90"
        (D("87.86"), D("87.86"), "B", "A", True),  # the band differs
        (D("87.86"), D("87.86"), " A ", "A", False),
        (D("87.86"), D("87.86"), "", "A", False),  # no published band: nothing to compare
        (None, D("87.86"), "A", "A", False),
        (D("87.86"), None, "A", None, False),  # nothing computed yet
        (None, None, "B", "A", True),
        (D("85.00"), Fraction(16999, 200), "A", "A", False),  # 84.995 rounds half-up to 85.00
        (D("85.01"), Fraction(16997, 200), "A", "B", True),
    ],
)
def test_published_differs_rule(published_total, computed_total, published_band, computed_band, differs):
    answer = scoring.published_differs(published_total, computed_total, published_band, computed_band)
    assert answer == differs


@pytest.mark.parametrize(
    ("total", "band", "differs"),
    [("87.86", "A", False), ("87.87", "A", False), ("87.88", "A", True), ("87.86", "B", True)],
)
def test_import_summary_and_assessment_page_agree(client, frameworks, srikham, total, band, differs):  # noqa: F811
    staff = get_user_model().objects.create_user(username="staff", password="x", is_staff=True)
    result = itas_import(data=book(row(total=total, band=band)), user=staff)
    assert result.errors == []
    assert bool(result.discrepancies) == differs
    assessment = Assessment.objects.get()
    assert (assessment.computed_total, assessment.computed_band) == (D("87.86"), "A")
    panel = selectors.result_panel(assessment, selectors.assessment_result(assessment))
    assert panel["published_differs"] == differs
    viewer = make_member("viewer", assessment.organization, Role.EXECUTIVE)
    client.force_login(viewer)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert ("result-diff" in page) == differs
    assert ("ต่างจากผลที่ระบบคำนวณ" in page) == differs
