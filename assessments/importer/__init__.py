"""Reading ITAS results from spreadsheets: pure parsing, no database (STYLE.md §2 "Importers").

Admins start every agency with its earlier years: results downloaded from ITAS or retyped, one agency
per file or a whole country in one workbook, laid out differently every year (DOMAIN.md §8).
``read_itas`` reads such a file (.xlsx, .xls, .ods, .csv via ``assessments.sheets``) into:

* per sheet a ``SheetReading``: what the sheet holds (``KIND_*``), its header row, how each column was
  understood (``ColumnGuess`` with a *sure* flag for the mapping page), raw or weighted tool scores;
* per agency and year an ``AgencyYear`` joined over the sheets (by ITAS code, else by the agency's
  name key and province), every score an exact ``Decimal``;
* every problem as ``Problem(sheet, row, column, value, message)``: ``errors`` forbid writing anything,
  ``warnings`` do not.

It never raises on a file's content. What needs the database (which agency a name is, whether a
framework exists for the year, what is stored already) is the caller's: it passes the allowed bands
per year and the tool weights as data, a ``ColumnMapping`` per sheet to override detection, and matches
names with ``agencies.AgencyIndex``.

The package: ``results`` (the dataclasses), ``values`` (one cell), ``columns`` (header and kind),
``reader`` (one sheet's rows), ``agencies`` (names), and here the joining of sheets.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assessments.sheets import (
    EMPTY_STOP,
    MAX_COLUMNS,
    MAX_ROWS,
    Sheet,
    SheetError,
    Workbook,
    read_workbook,
)

from .agencies import name_key
from .reader import DEFAULT_WEIGHTS, Problems, Row, SheetReader, agency_key, shown
from .results import (
    KIND_INDICATORS,
    KIND_ITEMS,
    KIND_QUESTIONS,
    KIND_SUMMARY,
    KINDS,
    SCALE_RAW,
    SCALE_WEIGHTED,
    TOOLS,
    AgencyYear,
    ColumnGuess,
    ColumnMapping,
    Problem,
    Reading,
    SheetReading,
)
from .values import clear_memos

__all__ = [
    "DEFAULT_WEIGHTS",
    "KINDS",
    "KIND_INDICATORS",
    "KIND_ITEMS",
    "KIND_QUESTIONS",
    "KIND_SUMMARY",
    "SCALE_RAW",
    "SCALE_WEIGHTED",
    "AgencyYear",
    "ColumnGuess",
    "ColumnMapping",
    "Problem",
    "Reading",
    "SheetReading",
    "read_itas",
    "read_itas_workbook",
]


def read_itas(
    data: bytes,
    *,
    year: int | None = None,
    bands: Mapping[int, Collection[str]] | None = None,
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
    mappings: Mapping[str, ColumnMapping] | None = None,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    empty_stop: int = EMPTY_STOP,
) -> Reading:
    """Everything a file says about agencies' ITA results, and every problem (see the module doc).

    ``year``: the year the admin chose (Buddhist era); rows of another year are errors, and a file of
    several years without it is one. ``bands``: year -> the band codes of that year's scheme; a band
    of a year not in it is read as written. ``weights``: tool -> weight, to tell weighted tool scores.
    """
    try:
        book = read_workbook(data, max_rows=max_rows, max_columns=max_columns, empty_stop=empty_stop)
    except SheetError as error:
        return Reading("", "", (), (), (), (Problem("", 0, "", "", error.message),))
    sheets: list[Sheet | None] = list(book.sheets)
    fmt, encoding = book.format, book.encoding
    del book  # each sheet's cells are let go as soon as the sheet is read (a national file: 450,000 rows)
    return _read(sheets, fmt, encoding, year=year, bands=bands, weights=weights, mappings=mappings)


def read_itas_workbook(
    book: Workbook,
    *,
    year: int | None = None,
    bands: Mapping[int, Collection[str]] | None = None,
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
    mappings: Mapping[str, ColumnMapping] | None = None,
) -> Reading:
    """``read_itas`` of a workbook already read (by ``assessments.sheets.read_workbook``)."""
    return _read(
        list(book.sheets),
        book.format,
        book.encoding,
        year=year,
        bands=bands,
        weights=weights,
        mappings=mappings,
    )


def _read(
    sheets: list[Sheet | None],
    fmt: str,
    encoding: str,
    *,
    year: int | None,
    bands: Mapping[int, Collection[str]] | None,
    weights: Mapping[str, Decimal],
    mappings: Mapping[str, ColumnMapping] | None,
) -> Reading:
    """Read the sheets in order; each is dropped from ``sheets`` once read."""
    problems = Problems()
    readings: list[SheetReading] = []
    # Each sheet's rows are joined into agency-years as soon as the sheet is read, then dropped: a
    # national file's half a million rows are never all held at once (their problems are reported
    # after the file's own, as when every row was joined at the end).
    joiner = _Joiner(Problems())
    years: set[int] = set()
    any_rows = False
    first = sheets[0].name if sheets else ""
    for index, sheet in enumerate(sheets):
        if sheet is None:
            continue
        sheets[index] = None
        mapping = (mappings or {}).get(sheet.name)
        reader = SheetReader(
            sheet, year=year, bands=bands, weights=weights, mapping=mapping, problems=problems
        )
        result = reader.read()
        readings.append(result.reading)
        years.update(row.year for row in result.rows if row.year is not None)
        any_rows = any_rows or bool(result.rows)
        joiner.add(result.reading.kind or "", result.rows)
        del reader, result, sheet
    if not any(r.kind for r in readings):
        message = _(
            "No sheet holds a table of ITA results: no row among the first 20 rows of a sheet names the "
            "agency and its scores (ชื่อหน่วยงาน, IIT, EIT, OIT, คะแนนรวม, ...)."
        )
        problems.error(first, 0, "", "", message)
    elif not any_rows and not problems.errors:
        problems.error(first, 0, "", "", _("The table has no rows of results."))
    years = sorted(years)
    if year is None and len(years) > 1:
        message = _("The file holds results of several years (%(years)s): choose the year to import.") % {
            "years": ", ".join(str(y) for y in years)
        }
        problems.error(first, 0, "", "", message)
    records = joiner.finish()
    problems.errors.extend(joiner.problems.errors)
    problems.warnings.extend(joiner.problems.warnings)
    clear_memos()
    return Reading(
        fmt,
        encoding,
        tuple(readings),
        records,
        tuple(problems.warnings),
        tuple(problems.errors),
    )


#: Rows repeating values (e.g. a national file's indicator sheet beside its summary) are warned one
#: by one up to this many, then counted in one warning.
MAX_REPEAT_WARNINGS = 20
_DIFFERS = _lazy("The value differs from the one in row %(row)s of sheet “%(sheet)s” (%(value)s).")


@dataclass
class _Record:
    agency: str
    itas_code: str
    province: str
    year: int | None
    slots: dict[tuple[str, Any], tuple[Any, str, int]] = field(default_factory=dict)
    rows: list[tuple[str, int]] = field(default_factory=list)

    def freeze(self) -> AgencyYear:
        parts: dict[str, dict[Any, Any]] = {}
        for (slot, key), (value, _s, _r) in self.slots.items():
            group = parts.get(slot)
            if group is None:
                group = parts[slot] = {}
            group[key] = value

        def part(name: str) -> dict[Any, Any]:
            return parts.get(name, {})

        single = {slot: parts[slot][None] for slot in ("total", "band") if slot in parts}
        return AgencyYear(
            agency=self.agency,
            itas_code=self.itas_code,
            province=self.province,
            year=self.year,
            tools=part("tool"),
            weighted=part("weighted"),
            total=single.get("total"),
            band=single.get("band"),
            indicators=dict(sorted(part("indicator").items())),
            items=part("item"),
            item_urls=part("url"),
            item_comments=part("comment"),
            questions=part("question"),
            rows=tuple(self.rows),
        )


class _Joiner:
    """Agency-years from rows of every sheet; the same value twice is a warning, two values an error."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.records: dict[tuple[Any, ...], _Record] = {}
        self.repeats = 0
        self.more_repeats_at = ("", 0)  # where the first repeat not listed is (the count goes there)

    def add(self, kind: str, rows: list[Row]) -> None:
        for row in rows:
            key = (*agency_key(row), row.year)
            record = self.records.get(key)
            if record is None:
                record = self.records[key] = _Record(row.agency, row.itas_code, row.province, row.year)
            record.agency = record.agency or row.agency
            record.province = record.province or row.province
            record.rows.append((row.sheet, row.excel_row))
            self._put(record, row, _slots(kind, row, self.problems))

    def finish(self) -> tuple[AgencyYear, ...]:
        if self.repeats > MAX_REPEAT_WARNINGS:
            message = _("%(count)s more rows repeat values given before for their agency and year.") % {
                "count": self.repeats - MAX_REPEAT_WARNINGS
            }
            self.problems.warn(*self.more_repeats_at, "", "", message)
        self._merge_names()
        # frozen one by one, each record let go as soon as it is frozen
        return tuple(self.records.pop(key).freeze() for key in list(self.records))

    def _put(self, record: _Record, row: Row, slots: list[tuple[tuple[str, Any], Any, str]]) -> None:
        repeated = False
        for slot, value, letter in slots:
            if slot not in record.slots:
                record.slots[slot] = (value, row.sheet, row.excel_row)
                continue
            before, sheet, excel_row = record.slots[slot]
            if before == value:
                repeated = True
                continue
            message = _DIFFERS % {
                "row": excel_row,
                "sheet": sheet,
                "value": before,
            }
            text = shown(row.cells[_field_of(slot)]) if _field_of(slot) in row.cells else str(value)
            self.problems.error(row.sheet, row.excel_row, letter, text, message)
        if repeated:
            self.repeats += 1
            if self.repeats == MAX_REPEAT_WARNINGS + 1:
                self.more_repeats_at = (row.sheet, row.excel_row)
        if repeated and self.repeats <= MAX_REPEAT_WARNINGS:
            message = _("The row repeats values given before for this agency and year: counted once.")
            self.problems.warn(row.sheet, row.excel_row, "", "", message)

    def _merge_names(self) -> None:
        """A sheet without ITAS codes joins a sheet with them by the agency's name key and year."""
        by_name: dict[tuple[str, int | None], list[tuple[Any, ...]]] = {}
        for key, record in self.records.items():
            if key[0] == "code":
                by_name.setdefault((name_key(record.agency), record.year), []).append(key)
        for key in [k for k in self.records if k[0] == "name"]:
            targets = by_name.get((key[1], key[-1]), [])
            if len(targets) != 1:
                continue
            source, target = self.records.pop(key), self.records[targets[0]]
            target.rows.extend(source.rows)
            for slot, (value, sheet, excel_row) in source.slots.items():
                if slot in target.slots and target.slots[slot][0] != value:
                    message = _(
                        "The value differs from the one in row %(row)s of sheet “%(sheet)s” (%(value)s)."
                    ) % {
                        "row": target.slots[slot][2],
                        "sheet": target.slots[slot][1],
                        "value": target.slots[slot][0],
                    }
                    self.problems.error(sheet, excel_row, "", str(value), message)
                target.slots.setdefault(slot, (value, sheet, excel_row))


def _field_of(slot: tuple[str, Any]) -> str:
    name, key = slot
    return {"tool": key, "weighted": f"{key}_weighted", "total": "total", "band": "band"}.get(name, "score")


@functools.cache  # a handful of field names, asked once per cell of half a million rows
def _slot_of(name: str) -> tuple[str, Any] | None:
    """The slot a parsed field fills by itself (a wide column), or None (a long row's own fields)."""
    if name in TOOLS:
        return ("tool", name)
    if name.endswith("_weighted"):
        return ("weighted", name.removesuffix("_weighted"))
    if name in ("total", "band"):
        return (name, None)
    if name.startswith(("indicator:", "item:", "question:")):
        group, _sep, key = name.partition(":")
        return (group, int(key) if group == "indicator" else key)
    return None


def _slots(kind: str, row: Row, problems: Problems) -> list[tuple[tuple[str, Any], Any, str]]:
    """(slot, value, column letter) a row fills: ("tool", "IIT"), ("indicator", 3), ("item", "O12"), ..."""
    values, cells, letters = row.values, row.cells, row.letters
    slots: list[tuple[tuple[str, Any], Any, str]] = []

    def letter(name: str) -> str:
        return letters.get(name, "") if name in cells else ""

    for name, value in values.items():
        slot = _slot_of(name)
        if slot is not None:
            slots.append((slot, value, letter(name)))
    if kind == KIND_INDICATORS and "indicator" in values:
        score = values.get("score", values.get("total"))
        if score is not None:
            slots.append((("indicator", values["indicator"]), score, letter("score") or letter("total")))
        elif "score" not in cells and "total" not in cells:
            problems.error(row.sheet, row.excel_row, letter("indicator"), "", _("The row gives no score."))
    if kind in (KIND_ITEMS, KIND_QUESTIONS) and "code" in values:
        code = values["code"]
        if kind == KIND_ITEMS:
            if "result" in values:
                slots.append((("item", code), values["result"], letter("result") or letter("score")))
            elif "result" not in cells and "score" not in cells and not {"url", "comment"} & set(values):
                # a row with a URL or a note but an empty result is "not entered" (the stored result
                # stays); a row with nothing at all is an error
                problems.error(row.sheet, row.excel_row, letter("code"), code, _("The row gives no result."))
            for name in ("url", "comment"):
                if name in values:
                    slots.append(((name, code), values[name], letter(name)))
        elif "score" in values:
            slots.append((("question", code), values["score"], letter("score")))
        elif "score" not in cells:
            problems.error(row.sheet, row.excel_row, letter("code"), code, _("The row gives no score."))
    return slots
