"""What the ITAS reader gives: frozen dataclasses, like ``assessments.scoring`` (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: What a sheet holds (issue 7 item 3).
KIND_SUMMARY = "summary"  # (a) one row per agency: IIT/EIT/OIT, total, band, maybe indicators 1-10
KIND_INDICATORS = "indicators"  # (b) one row per agency x indicator
KIND_ITEMS = "items"  # (c) one row per agency x O-item (or one column per O-item)
KIND_QUESTIONS = "questions"  # (d) one row per agency x IIT/EIT question (or one column per question)
KINDS = (KIND_SUMMARY, KIND_INDICATORS, KIND_ITEMS, KIND_QUESTIONS)

SCALE_RAW = "raw"  # tool scores 0-100
SCALE_WEIGHTED = "weighted"  # tool scores 0-30 / 0-30 / 0-40 (the weights)

TOOLS = ("IIT", "EIT", "OIT")


@dataclass(frozen=True)
class Problem:
    """One problem at its place: sheet name, row as Excel numbers it (0: the whole sheet or file),
    column letter ("" when none), the cell's value as text, and the message in the user's language."""

    sheet: str
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class ColumnGuess:
    """How one column was understood: ``field`` None = not used (an extra column); ``sure`` False =
    the header only resembles a known name, or the scale was worked out from the values: ask the admin."""

    column: str  # letter
    header: str  # as written (two-line headers joined by " / ")
    field: str | None
    sure: bool = True


@dataclass(frozen=True)
class ColumnMapping:
    """A mapping the caller imposes on a sheet (a saved mapping, or the admin's choice on the mapping
    page): the Excel row of the header, column letter -> field, and optionally the sheet's kind."""

    header_row: int
    columns: Mapping[str, str]
    kind: str | None = None
    scale: str | None = None


@dataclass(frozen=True)
class SheetReading:
    name: str
    kind: str | None  # None: not an ITAS table (the sheet is skipped)
    header_row: int  # Excel row of the (last) header row; 0 when none was found
    columns: tuple[ColumnGuess, ...] = ()
    scale: str | None = None  # of the IIT/EIT/OIT columns of a summary sheet
    scale_sure: bool = True
    rows: int = 0  # data rows read

    @property
    def mapping(self) -> ColumnMapping:
        """The mapping as detected, to be saved or corrected and passed back."""
        used = {g.column: g.field for g in self.columns if g.field}
        return ColumnMapping(self.header_row, used, self.kind, self.scale)

    @property
    def unsure(self) -> tuple[str, ...]:
        """Letters of the columns the admin should confirm."""
        return tuple(g.column for g in self.columns if g.field and not g.sure)


@dataclass(frozen=True)
class AgencyYear:
    """Everything the file says about one agency in one year, joined over the sheets. Scores are
    ``Decimal`` exactly as written; a value the file does not give is absent (``None`` or no key)."""

    agency: str  # name as first written
    itas_code: str
    province: str
    year: int | None  # Buddhist era
    tools: Mapping[str, Decimal] = field(default_factory=dict)  # raw 0-100, by tool code
    weighted: Mapping[str, Decimal] = field(default_factory=dict)  # weighted, by tool code
    total: Decimal | None = None
    band: str | None = None
    indicators: Mapping[int, Decimal] = field(default_factory=dict)
    items: Mapping[str, bool] = field(default_factory=dict)  # "O12" -> passed
    item_urls: Mapping[str, str] = field(default_factory=dict)
    item_comments: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, Decimal] = field(default_factory=dict)  # "I3" / "E7" -> score in %
    rows: tuple[tuple[str, int], ...] = ()  # (sheet, Excel row) the values came from


@dataclass(frozen=True)
class Reading:
    format: str
    encoding: str
    sheets: tuple[SheetReading, ...]
    records: tuple[AgencyYear, ...]
    warnings: tuple[Problem, ...]  # the rows still import
    errors: tuple[Problem, ...]  # nothing may be written while there is one

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.records if r.year is not None}))
