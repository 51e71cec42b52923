"""Monitoring rounds as dates: due dates of FY2565, a leap February, the latest due round."""

from __future__ import annotations

from datetime import date

import pytest

from measures.rounds import fiscal_year_months, latest_due_round, round_due_date, round_period


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (3, date(2021, 12, 31)),
        (6, date(2022, 3, 31)),
        (9, date(2022, 6, 30)),
        (12, date(2022, 9, 30)),
    ],
)
def test_round_due_date_of_fiscal_year_2565(month, due):
    assert round_due_date(2565, month) == due


@pytest.mark.parametrize(("fiscal_year", "due"), [(2567, date(2024, 2, 29)), (2566, date(2023, 2, 28))])
def test_round_due_date_of_february_knows_leap_years(fiscal_year, due):
    assert round_due_date(fiscal_year, 5) == due


def test_round_due_date_refuses_a_month_outside_the_year():
    with pytest.raises(ValueError):
        round_due_date(2565, 13)


def test_round_period_starts_on_the_first_of_october_for_every_round():
    assert round_period(2565, 6) == (date(2021, 10, 1), date(2022, 3, 31))
    assert round_period(2565, 12) == (date(2021, 10, 1), date(2022, 9, 30))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 12, 30), None),
        (date(2021, 12, 31), 3),
        (date(2022, 3, 30), 3),
        (date(2022, 4, 1), 6),
        (date(2022, 9, 30), 12),
        (date(2024, 1, 1), 12),
    ],
)
def test_latest_due_round(today, expected):
    assert latest_due_round(2565, today) == expected


def test_latest_due_round_among_the_measures_rounds():
    assert latest_due_round(2565, date(2022, 7, 1), months=[6, 12]) == 6
    assert latest_due_round(2565, date(2022, 1, 1), months=[6, 12]) is None


def test_fiscal_year_months():
    assert fiscal_year_months(2565) == (date(2021, 10, 1), date(2022, 9, 1))
