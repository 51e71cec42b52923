"""How a measure's period is written: the organization's digits, one month alone, nothing."""

from __future__ import annotations

from datetime import date

import pytest

from measures import services
from measures.display import period_for, period_text


@pytest.mark.parametrize(
    ("thai_digits", "expected"), [(True, "ต.ค. ๖๔ – มี.ค. ๖๕"), (False, "ต.ค. 64 – มี.ค. 65")]
)
def test_period_text_uses_the_measures_organization_digits(assessment, officer, org_a, thai_digits, expected):
    org_a.thai_digits = thai_digits
    org_a.save()
    measure = services.measure_create(
        assessment=assessment,
        title="มาตรการ",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        user=officer,
    )
    measure.organization.refresh_from_db()
    assert period_text(measure) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2022, 9, 1), None, "ก.ย. ๖๕"),
        (None, date(2022, 9, 1), "ก.ย. ๖๕"),
        (None, None, ""),
    ],
)
def test_period_for_one_end_or_none(org_a, start, end, expected):
    assert period_for(org_a, start, end) == expected


def test_new_organizations_write_thai_digits(org_a):
    assert org_a.thai_digits is True
