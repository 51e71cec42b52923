"""What the parser gives: measures as the table has them, and problems with their place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem at its place: the sheet's name, the row as Excel numbers it, the column letter."""

    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ParsedMeasure:
    """One measure as the table gives it. ``None`` = not given (no such column, or an empty cell)."""

    sheet: str
    row: int  # first Excel row of the measure
    columns: Mapping[str, str]  # field -> column letter, for problems found later
    number: int | None
    title: str
    tools: tuple[str, ...] | None = None  # tool codes (IIT, EIT, OIT)
    indicators: tuple[int, ...] | None = None
    items: tuple[str, ...] | None = None  # item codes (O12, I3, ...)
    guideline: str | None = None
    kept: tuple[str, ...] = ()  # text that fits no field, added to the guideline ("label: text")
    targets_context: bool = False  # targets taken from a group heading: added, never replacing
    steps: tuple[str, ...] | None = None
    all_units: bool | None = None
    responsible: tuple[str, ...] | None = None  # names as written (units or other parties)
    start_month: date | None = None
    end_month: date | None = None
    period_given: bool = False
    rounds: tuple[int, ...] | None = None
    outcome: str | None = None  # expected outcome (ตัวชี้วัดความสำเร็จ)
    status: str | None = None
    result: str | None = None  # progress report of the import's round
    report_outcome: str | None = None
    suggestion: str | None = None
    percent: int | None = None

    @property
    def targets_given(self) -> bool:
        return self.tools is not None or self.indicators is not None or self.items is not None

    @property
    def has_progress(self) -> bool:
        return any(v is not None for v in (self.result, self.report_outcome, self.suggestion, self.percent))

    def column(self, name: str) -> str:
        return self.columns.get(name, self.columns.get("title", "A"))


@dataclass(frozen=True)
class ParsedWorkbook:
    measures: tuple[ParsedMeasure, ...]
    problems: tuple[Problem, ...]  # warnings: the rows still import
    errors: tuple[Problem, ...]  # the file cannot be imported as it is
    round_month: int | None = None  # a round named in a title row ("รอบ 6 เดือน")
    carried: frozenset[str] = frozenset()  # fields some sheet has a column for
