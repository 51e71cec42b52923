"""The fiscal-year timeline (ต.ค. → ก.ย.) of a year's measures: where each bar and round marker goes.

Pure layout over the list's rows (``display.MeasureRow``): month columns are numbered 1..12 from
October, and the page places bars and markers with CSS classes (``tl-start-N``, ``tl-span-N``,
``tl-at-N`` in static/css/timeline.css), because the strict Content-Security-Policy allows no
``style`` attribute. A period reaching outside the year is clamped to it and marked as continuing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ita_portal.thai import format_date

from .display import MeasureRow, RoundBadge
from .models import MeasureStatus
from .rounds import fiscal_year_months, month_start

MONTHS = 12

BAR_STATE = {
    MeasureStatus.PLANNED: "is-planned",
    MeasureStatus.IN_PROGRESS: "is-active",
    MeasureStatus.DONE: "is-done",
    MeasureStatus.CANCELLED: "is-cancelled",
}


@dataclass(frozen=True)
class MonthColumn:
    index: int  # 1 = October
    first_day: date
    label: str  # "ต.ค. 64"
    is_today: bool


@dataclass(frozen=True)
class Marker:
    badge: RoundBadge
    column: int
    state: str  # "reported", "overdue" or "due"


@dataclass(frozen=True)
class Bar:
    row: MeasureRow
    start: int | None  # None: the measure has no period
    span: int
    before: bool  # starts before the fiscal year
    after: bool  # continues past the fiscal year
    markers: list[Marker]

    @property
    def state(self) -> str:
        return BAR_STATE.get(self.row.measure.status, "is-planned")


def column_of(day: date, fiscal_year: int) -> int:
    """Month column of a day, 1 (October) .. 12 (September); <1 or >12 outside the year."""
    first, _last = fiscal_year_months(fiscal_year)
    return (day.year - first.year) * 12 + day.month - first.month + 1


def _clamp(column: int) -> int:
    return min(max(column, 1), MONTHS)


def months(fiscal_year: int, today: date, *, digits: str = "arabic") -> list[MonthColumn]:
    """The twelve columns ต.ค. 64 … ก.ย. 65, today's month flagged."""
    first, _last = fiscal_year_months(fiscal_year)
    columns = []
    for index in range(1, MONTHS + 1):
        offset = first.month - 1 + index - 1
        day = date(first.year + offset // 12, offset % 12 + 1, 1)
        label = format_date(day, "month", digits=digits)
        columns.append(MonthColumn(index, day, label, day == month_start(today)))
    return columns


def _marker(badge: RoundBadge, fiscal_year: int) -> Marker:
    state = "reported" if badge.reported else "overdue" if badge.overdue else "due"
    return Marker(badge, _clamp(column_of(badge.due_date, fiscal_year)), state)


def bar(row: MeasureRow, fiscal_year: int) -> Bar:
    """A measure's bar from its start to its end month, clamped to the year, with its rounds."""
    measure = row.measure
    markers = [_marker(b, fiscal_year) for b in row.rounds]
    start_day = measure.start_month or measure.end_month
    end_day = measure.end_month or measure.start_month
    if start_day is None or end_day is None:
        return Bar(row, None, 0, False, False, markers)
    start, end = column_of(start_day, fiscal_year), column_of(end_day, fiscal_year)
    if end < 1 or start > MONTHS:  # wholly outside the year: a marker at the nearer edge
        edge = 1 if end < 1 else MONTHS
        return Bar(row, edge, 1, end < 1, start > MONTHS, markers)
    first, last = _clamp(start), _clamp(end)
    return Bar(row, first, last - first + 1, start < 1, end > MONTHS, markers)
