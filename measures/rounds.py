"""Monitoring rounds as date arithmetic: pure functions, no database (DOMAIN.md §6).

A round is named by the months of the fiscal year it covers: the fiscal year starts on 1 October,
so round 3 ends 31 December, round 6 on 31 March (the ต.ค.–มี.ค. six-month report), round 9 on
30 June and round 12 on 30 September. A round's due date is the last day of its period.

Reports are cumulative: every round's period starts on 1 October of the fiscal year (the six-month
report covers ต.ค.–มี.ค., the twelve-month one the whole year), which is how the seeds' tables and
the O-items' six-month and annual reports are written.

Fiscal years are Buddhist-era years and go through ``ita_portal.thai``; nothing here adds 543.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from ita_portal.thai import fiscal_year_bounds

ROUND_MONTHS = (3, 6, 9, 12)


def _month_end(start: date, months: int) -> date:
    """Last day of the ``months``-th month counted from ``start``'s month (1 = that month)."""
    index = start.month - 1 + months - 1
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def round_due_date(fiscal_year: int, month: int) -> date:
    """Last day of the ``month``-th month of a fiscal year: (2565, 6) -> 2022-03-31.

    Any month 1..12 is accepted (a due date may be asked for a month that is not a round).
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month of the fiscal year must be 1..12, not {month!r}")
    return _month_end(fiscal_year_bounds(fiscal_year)[0], month)


def round_period(fiscal_year: int, month: int) -> tuple[date, date]:
    """The period a round's report covers: from 1 October (cumulative) to the round's due date."""
    return fiscal_year_bounds(fiscal_year)[0], round_due_date(fiscal_year, month)


def latest_due_round(fiscal_year: int, today: date, months: Iterable[int] = ROUND_MONTHS) -> int | None:
    """The last round (of ``months``) whose due date is on or before ``today``; None if none is yet.

    The default round of an imported result column: the most recent one that should be reported.
    """
    due = [m for m in months if round_due_date(fiscal_year, m) <= today]
    return max(due) if due else None


def month_start(day: date) -> date:
    """The first day of ``day``'s month: how measures store their start and end months."""
    return day.replace(day=1)


def fiscal_year_months(fiscal_year: int) -> tuple[date, date]:
    """First days of the first and last months of a fiscal year: (2565) -> (2021-10-01, 2022-09-01)."""
    start, end = fiscal_year_bounds(fiscal_year)
    return start, month_start(end)
