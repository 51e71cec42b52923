"""Rows of ITAS sheets into agency-years, every problem collected with its place (issue 7 items 2-3)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from assessments.sheets import HEADER_SCAN_ROWS, Sheet, cell_text, column_index, column_letter, filled_rows

from .agencies import clean_name, name_key, normalise_province
from .columns import detect_header, detect_kind, explicitly_raw, header_key, settle
from .results import (
    KIND_ITEMS,
    KIND_SUMMARY,
    SCALE_RAW,
    SCALE_WEIGHTED,
    TOOLS,
    ColumnGuess,
    ColumnMapping,
    Problem,
    SheetReading,
)
from .values import (
    is_blank,
    memo,
    parse_band,
    parse_decimal,
    parse_item_result,
    parse_score,
    parse_year,
    text_of,
    year_in_text,
)

DEFAULT_WEIGHTS: Mapping[str, Decimal] = {"IIT": Decimal(30), "EIT": Decimal(30), "OIT": Decimal(40)}
TOLERANCE = Decimal("0.02")  # published values are rounded to two decimals
MAX_FORMULA_PROBLEMS = 20
_TOTAL_WORDS = {"รวม", "รวมทั้งสิ้น", "เฉลี่ย", "ค่าเฉลี่ย", "คะแนนเฉลี่ย", "สรุป", "total", "average", "mean"}
_INFINITE = (float("inf"), float("-inf"))
_MISSING = object()
PARSED_PER_COLUMN = 100_000
_VALUE_FIELDS = {"total", "band", "score", "result", *TOOLS, *(f"{t}_weighted" for t in TOOLS)}


@dataclass(slots=True)
class Row:
    """One data row as read, and where it sits."""

    sheet: str
    excel_row: int
    cells: dict[str, Any]  # field -> value as read (the non-blank cells)
    letters: dict[str, str]  # field -> column letter: the sheet's one dict, shared by its rows
    agency: str = ""
    itas_code: str = ""
    province: str = ""
    year: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # parsed, by field


@dataclass
class SheetRows:
    reading: SheetReading
    rows: list[Row]


class SheetReader:
    """Reads one sheet: header and columns (or the caller's mapping), kind, scale, parsed rows."""

    def __init__(
        self,
        sheet: Sheet,
        *,
        year: int | None,
        bands: Mapping[int, Collection[str]] | None,
        weights: Mapping[str, Decimal],
        mapping: ColumnMapping | None,
        problems: Problems,
    ) -> None:
        self.sheet, self.year, self.bands, self.weights = sheet, year, bands, weights
        self.mapping, self.problems = mapping, problems
        self.values = filled_rows(sheet)
        self._texts: dict[int, list[str]] = {}
        self._parsed: dict[str, dict] = {}
        self._years: dict[tuple[type, Any], int | None] = {}
        self.letters: dict[str, str] = {}

    def text(self, index: int) -> list[str]:
        """Row ``index`` as texts (only the rows looked at as headers, titles or codes are converted)."""
        if index not in self._texts:
            self._texts[index] = [cell_text(v) for v in self.values[index]]
        return self._texts[index]

    def texts(self, start: int, stop: int) -> list[list[str]]:
        return [self.text(i) for i in range(max(start, 0), min(stop, len(self.values)))]

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.problems.error(self.sheet.name, row, column, value, message)

    def warn(self, row: int, column: str, value: str, message: str) -> None:
        self.problems.warn(self.sheet.name, row, column, value, message)

    # ------------------------------------------------------------------ columns

    def _columns(self) -> tuple[int, list[ColumnGuess]] | None:
        if self.mapping is None:
            return detect_header(self.texts(0, HEADER_SCAN_ROWS))
        index = self.mapping.header_row - self.sheet.first_row
        header = self.text(index) if 0 <= index < len(self.values) else []
        guesses = []
        for col in range(self.sheet.width):
            letter = column_letter(col)
            text = " ".join(header[col].split()) if col < len(header) else ""
            guesses.append(ColumnGuess(letter, text, self.mapping.columns.get(letter), True))
        return index, guesses

    def read(self) -> SheetRows:
        name = self.sheet.name
        found = self._columns()
        if found is None:
            self.warn(0, "", "", _("No table of ITA results on this sheet: it is skipped."))
            return SheetRows(SheetReading(name, None, 0), [])
        header, guesses = found
        by_field = {g.field: column_index(g.column) for g in guesses if g.field and g.field != "ignore"}
        codes = (
            [r[by_field["code"]] for r in self.texts(header + 1, header + 201)] if "code" in by_field else []
        )
        kind = (self.mapping.kind if self.mapping else None) or detect_kind(set(by_field), codes)
        guesses = guesses if self.mapping else settle(guesses, kind)
        header_row = self.sheet.excel_row(header)
        if kind is None:
            message = _("The columns of this sheet are not those of an ITA result table: it is skipped.")
            self.warn(header_row, "", "", message)
            return SheetRows(SheetReading(name, None, header_row, tuple(guesses)), [])
        if not {"agency", "itas_code"} & {g.field for g in guesses}:
            self.error(header_row, "", "", _("No column names the agency (ชื่อหน่วยงาน or รหัสหน่วยงาน)."))
        self._check_sheet(header)
        sheet_year = self._sheet_year(header)
        rows = self._rows(header, guesses, kind, sheet_year)
        scale, sure = SCALE_RAW, True
        if kind == KIND_SUMMARY:
            scale, sure, guesses = self._scale(rows, guesses)
        for row in rows:
            self._values(row, kind)
        reading = SheetReading(
            name, kind, header_row, tuple(guesses), scale if kind == KIND_SUMMARY else None, sure, len(rows)
        )
        return SheetRows(reading, rows)

    def _check_sheet(self, header: int) -> None:
        if self.sheet.truncated:
            self.error(0, "", "", _("The sheet is too large: only its first rows and columns were read."))
        if self.sheet.stray_row:
            message = _("Rows after a long run of empty rows were not read (from row %(row)s on).") % {
                "row": self.sheet.stray_row
            }
            self.warn(self.sheet.stray_row, "", "", message)
        after = [
            (ref, formula)
            for ref, formula in self.sheet.formulas
            if int(re.sub(r"\D", "", ref) or 0) > self.sheet.excel_row(header)
        ]
        for ref, formula in after[:MAX_FORMULA_PROBLEMS]:
            letters, digits = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
            message = _("The cell holds a formula: paste the sheet as values only, then upload it again.")
            self.error(int(digits), letters, formula, message)
        if len(after) > MAX_FORMULA_PROBLEMS:
            more = len(after) - MAX_FORMULA_PROBLEMS
            self.error(0, "", "", _("%(count)s more cells hold formulas.") % {"count": more})

    def _sheet_year(self, header: int) -> int | None:
        """A year named in the title rows above the header, else in the sheet's name."""
        titles = " ".join(dict.fromkeys(t for row in self.texts(0, header) for t in row if t.strip()))
        return year_in_text(titles) or year_in_text(self.sheet.name)

    # ------------------------------------------------------------------ rows

    def _rows(self, header: int, guesses: list[ColumnGuess], kind: str, sheet_year: int | None) -> list[Row]:
        used = [
            (g.field, column_index(g.column), g.column) for g in guesses if g.field and g.field != "ignore"
        ]
        header_texts = {clean_name(t) for t in self.text(header) if t.strip()}
        rows: list[Row] = []
        year_missing = False
        # Cells repeat (an agency's name and code on each of its rows): texts are worked out once.
        blank: dict[str, bool] = {}
        letters = self.letters = {f: letter for f, _c, letter in used}
        columns = [(f, c) for f, c, _letter in used]
        names: dict[Any, str] = {}
        codes: dict[Any, str] = {}
        first_row, sheet_name = self.sheet.first_row, self.sheet.name
        for index in range(header + 1, len(self.values)):
            raw = self.values[index]
            excel_row = first_row + index
            cells = {}
            for f, c in columns:
                value = raw[c]
                kind_of = value.__class__
                if kind_of is float:
                    if value != value or value in _INFINITE:
                        continue
                elif kind_of is str:
                    empty = blank.get(value)
                    if empty is None:
                        empty = is_blank(value)
                        if len(blank) < PARSED_PER_COLUMN:
                            blank[value] = empty
                    if empty:
                        continue
                elif kind_of is not int and is_blank(value):
                    continue
                cells[f] = value
            if not cells:
                continue
            row = Row(sheet_name, excel_row, cells, letters)
            if "agency" in cells:
                value = cells["agency"]
                row.agency = names.get(value) or names.setdefault(value, _name(value))
            if "itas_code" in cells:
                value = cells["itas_code"]
                row.itas_code = codes.get(value) or codes.setdefault(value, text_of(value))
            if "province" in cells:
                value = cells["province"]
                row.province = names.get(value) or names.setdefault(value, _name(value))
            if (row.agency or row.itas_code) in header_texts:
                continue  # the header repeated (a table printed page by page)
            if not row.agency and not row.itas_code:
                if not (set(cells) & _VALUE_FIELDS or _wide(cells)):
                    continue  # a note or a heading between the rows
                self.error(excel_row, "", "", _("The row has scores but no agency."))
                continue
            if _total_word(row.agency):
                continue  # a total or average row under the table
            row.year = self._year(row, sheet_year)
            if row.year is None and "year" in row.cells:
                continue  # a year not read or not the one chosen: the error is given, the row left out
            year_missing = year_missing or row.year is None
            rows.append(row)
        if year_missing and self.year is None:
            message = _("No year: the sheet has no year column and its title names none. Choose the year.")
            self.error(0, "", "", message)
        return rows

    def _year(self, row: Row, sheet_year: int | None) -> int | None:
        if "year" not in row.cells:
            return self.year or sheet_year
        value, letter = row.cells["year"], row.letters["year"]
        try:
            key = (value.__class__, value)
            year = self._years.get(key, _MISSING)
            if year is _MISSING:
                year = self._years[key] = parse_year(value)
        except ValueError as error:
            self.error(row.excel_row, letter, shown(value), str(error))
            return None
        if self.year is not None and year is not None and year != self.year:
            message = _("The row is for year %(row)s but the import is for year %(year)s.") % {
                "row": year,
                "year": self.year,
            }
            self.error(row.excel_row, letter, shown(value), message)
            return None
        return year or self.year or sheet_year

    # ------------------------------------------------------------------ scale and values

    def _scale(self, rows: list[Row], guesses: list[ColumnGuess]) -> tuple[str, bool, list[ColumnGuess]]:
        """Raw (0-100) or weighted (0-30/0-30/0-40) plain IIT/EIT/OIT columns: from the values."""
        plain = [t for t in TOOLS if any(g.field == t and not explicitly_raw(g.header) for g in guesses)]
        if not plain:
            weighted_only = any(g.field and g.field.endswith("_weighted") for g in guesses)
            return (SCALE_WEIGHTED if weighted_only else SCALE_RAW), True, guesses
        if self.mapping is not None and self.mapping.scale:
            scale, sure = self.mapping.scale, True
        else:
            scale, sure = self._scale_of(rows, plain)
        if scale == SCALE_WEIGHTED:
            guesses = [
                ColumnGuess(g.column, g.header, f"{g.field}_weighted", g.sure and sure)
                if g.field in plain
                else g
                for g in guesses
            ]
            for tool in plain:
                if tool in self.letters:
                    self.letters[f"{tool}_weighted"] = self.letters[tool]
            for row in rows:
                for tool in plain:
                    if tool in row.cells:
                        row.cells[f"{tool}_weighted"] = row.cells.pop(tool)
        return scale, sure, guesses

    def _scale_of(self, rows: list[Row], plain: list[str]) -> tuple[str, bool]:
        numbers: list[dict[str, Decimal]] = []
        for row in rows:
            found: dict[str, Decimal] = {}
            for name in [*plain, "total"]:
                try:
                    value = parse_decimal(row.cells[name]) if name in row.cells else None
                except ValueError:
                    value = None
                if value is not None:
                    found[name] = value
            numbers.append(found)
        if any(n.get(t, Decimal(0)) > self.weights[t] for n in numbers for t in plain):
            return SCALE_RAW, True
        complete = [n for n in numbers if all(t in n for t in TOOLS) and "total" in n]
        if complete:
            if all(abs(sum(n[t] for t in TOOLS) - n["total"]) <= TOLERANCE for n in complete):
                return SCALE_WEIGHTED, True
            if all(
                abs(sum(n[t] * self.weights[t] / 100 for t in TOOLS) - n["total"]) <= TOLERANCE
                for n in complete
            ):
                return SCALE_RAW, True
        return SCALE_WEIGHTED, False

    def _values(self, row: Row, kind: str) -> None:
        allowed = self.bands.get(row.year) if self.bands is not None and row.year is not None else None
        parsed_by_field = self._parsed
        values = row.values
        for name, value in row.cells.items():
            # A column repeats a few thousand distinct values over half a million rows (names,
            # "มี"/"ไม่มี", O-codes, two-decimal scores): each is parsed once per column.
            key = (value.__class__, value, row.year) if name == "band" else (value.__class__, value)
            parsed_here = parsed_by_field.get(name)
            if parsed_here is None:
                parsed_here = parsed_by_field[name] = {}
            parsed = parsed_here.get(key, _MISSING)
            if parsed is _MISSING:
                try:
                    parsed = self._value(name, value, kind, allowed)
                except ValueError as error:
                    self.error(row.excel_row, row.letters[name], shown(value), str(error))
                    continue
                except TypeError:  # pragma: no cover - every cell value calamine gives is hashable
                    parsed = self._value(name, value, kind, allowed)
                if len(parsed_here) < PARSED_PER_COLUMN:
                    parsed_here[key] = parsed
            if parsed is not None:
                values[name] = parsed
        if kind == KIND_ITEMS and "code" in row.cells and "result" not in row.values and "score" in row.cells:
            value, letter = row.cells["score"], row.letters["score"]
            row.values.pop("score", None)
            try:
                result = parse_item_result(value)
            except ValueError as error:
                self.error(row.excel_row, letter, shown(value), str(error))
            else:
                if result is not None:
                    row.values["result"] = result

    def _value(self, name: str, value: Any, kind: str, allowed: Collection[str] | None) -> Any:
        if name in TOOLS or name in ("total", "score") or name.startswith(("indicator:", "question:")):
            return parse_score(value)
        if name.endswith("_weighted"):
            return parse_score(value, top=self.weights[name.removesuffix("_weighted")])
        if name == "band":
            return parse_band(value, allowed)
        if name == "result" or name.startswith("item:"):
            return parse_item_result(value)
        if name == "indicator":
            return _indicator_number(value)
        if name == "code":
            return _code(value, kind)
        if name in ("url", "comment", "tool"):
            return cell_text(value).strip() or None
        return None


class Problems:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, sheet: str, row: int, column: str, value: str, message: str) -> None:
        self.errors.append(Problem(sheet, row, column, value, message))

    def warn(self, sheet: str, row: int, column: str, value: str, message: str) -> None:
        self.warnings.append(Problem(sheet, row, column, value, message))


def shown(value: Any) -> str:
    """A cell's value for a message: its text, at most 200 characters."""
    text = cell_text(value).strip()
    return text if len(text) <= 200 else text[:199] + "…"


@memo
def _name(value: Any) -> str:
    return clean_name(cell_text(value))


@memo
def _total_word(name: str) -> bool:
    return header_key(name) in _TOTAL_WORDS


def _wide(cells: Mapping[str, object]) -> set[str]:
    return {f for f in cells if f.startswith(("indicator:", "item:", "question:"))}


@memo
def _indicator_number(value: Any) -> int:
    text = text_of(value)
    match = re.match(r"^(?:ตัวชี้วัด(?:ที่)?|indicator)?\s*(\d{1,2})(?!\d)(?:\.(?!\d)|\s|$)", text, re.IGNORECASE)
    if match and 1 <= int(match.group(1)) <= 10:
        return int(match.group(1))
    raise ValueError(_("Not an indicator number (1 to 10)."))


@memo
def _code(value: Any, kind: str) -> str:
    key = header_key(text_of(value))
    pattern = r"(o)(\d{1,2})" if kind == KIND_ITEMS else r"([ie])(\d{1,2})"
    match = re.fullmatch(pattern, key)
    if match and int(match.group(2)) >= 1:
        return f"{match.group(1).upper()}{int(match.group(2))}"
    if kind == KIND_ITEMS:
        raise ValueError(_("Not an O-item code (O1 to O43)."))
    raise ValueError(_("Not a question code (I1, E1, ...)."))


def agency_key(row: Row) -> tuple[str, ...]:
    if row.itas_code:
        return ("code", row.itas_code)
    return ("name", name_key(row.agency), normalise_province(row.province))
