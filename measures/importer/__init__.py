"""Reading measure tables from spreadsheets: pure parsing, no database (STYLE.md §2 "Importers").

Agencies keep their measure plans as tables copied from Word (seeds 001-004): title rows above the
header, the header repeated before every measure (tables copied page by page), merged cells, several
lines or bullets in a cell, column names that differ a little, Thai digits, periods written in half
a dozen ways. ``parse_workbook`` turns such a workbook (.xlsx, .xls, .ods, read by python-calamine)
into frozen ``ParsedMeasure`` rows and a list of every problem with its place, (sheet, row as Excel
numbers it, column letter, message in Thai). Nothing in a cell is ever dropped: text that fits no
field is kept in the guideline, and the warning says so.

Conventions:

* a column the table does not have is ``None`` in every row: the stored value stays;
* an empty cell in a column the table has is ``None`` too (a blank cell never erases what is stored;
  an exported table re-imported leaves every measure as it is);
* what needs the database (matching units, targets of the year's framework, which measure a row is)
  is done by ``measures.import_services`` with the helpers here (``match_units``).

The package: ``results`` (``Problem``, ``ParsedMeasure``, ``ParsedWorkbook``), ``text`` (cleaning and
matching text), ``cells`` (a sheet's cells, merged regions and the header row), ``fields`` (one field
from its cell), ``sheet`` (a table's rows into measures). Everything other modules use is imported
from here, as before the split.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from assessments.sheets import HEADER_SCAN_ROWS, SheetError, is_workbook, read_workbook

from .cells import (
    COLUMN_NAMES,
    MAX_ROWS,
    MEASURE_COLUMNS,
    PROGRESS_COLUMNS,
    _grid,
    column_field,
)
from .fields import (
    ALL_UNITS_WORDS,
    THAI_MONTHS,
    TOOL_CODES,
    heading_context,
    match_units,
    parse_number,
    parse_percent,
    parse_period,
    parse_rounds,
    parse_targets,
    split_responsible,
    split_steps,
    status_labels,
    title_round,
    unit_key,
)
from .results import ParsedMeasure, ParsedWorkbook, Problem
from .sheet import MAX_CELL, _SheetParser
from .text import cell_text, clean_text, compare_text, squash

__all__ = [
    "ALL_UNITS_WORDS",
    "COLUMN_NAMES",
    "HEADER_SCAN_ROWS",
    "MAX_CELL",
    "MAX_ROWS",
    "MEASURE_COLUMNS",
    "PROGRESS_COLUMNS",
    "THAI_MONTHS",
    "TOOL_CODES",
    "ParsedMeasure",
    "ParsedWorkbook",
    "Problem",
    "cell_text",
    "clean_text",
    "column_field",
    "compare_text",
    "heading_context",
    "match_units",
    "parse_number",
    "parse_percent",
    "parse_period",
    "parse_rounds",
    "parse_targets",
    "parse_workbook",
    "split_responsible",
    "split_steps",
    "squash",
    "status_labels",
    "title_round",
    "unit_key",
]


def parse_workbook(data: bytes, *, fiscal_year: int) -> ParsedWorkbook:
    """Every measure of every sheet that has a measure table, and every problem with its place.

    Never raises on the content of the file: a file that is not a spreadsheet, has no sheet with a
    recognisable header or no measure at all gives errors.
    """
    errors: list[Problem] = []
    not_a_workbook = Problem("", 0, "", _("The file is not an Excel or OpenDocument spreadsheet."))
    if not is_workbook(data):
        return ParsedWorkbook((), (), (not_a_workbook,))
    try:
        book = read_workbook(data, max_rows=MAX_ROWS)
    except SheetError as error:  # a password says so; anything else is "not a spreadsheet", as before
        problem = Problem("", 0, "", error.message) if error.kind == SheetError.PASSWORD else not_a_workbook
        return ParsedWorkbook((), (), (problem,))
    names = list(book.sheet_names)
    labels = status_labels()
    measures: list[ParsedMeasure] = []
    warnings: list[Problem] = []
    round_month = None
    carried: set[str] = set()
    any_header = False
    for sheet in book.sheets:
        grid = _grid(sheet)
        parser = _SheetParser(grid, fiscal_year, labels)
        if not parser.parse():
            continue
        any_header = True
        measures.extend(parser.measures)
        warnings.extend(parser.warnings)
        errors.extend(parser.errors)
        carried |= set(parser.columns.values())
        if round_month is None:
            round_month = parser.round_month
    if not any_header:
        message = _(
            "No measure table found: no row among the first %(rows)s rows of a sheet has the column "
            "names (มาตรการ, ผู้รับผิดชอบ, ระยะเวลาดำเนินการ, ...)."
        ) % {"rows": HEADER_SCAN_ROWS}
        errors.append(Problem(names[0] if names else "", 0, "", message))
    elif not measures:
        errors.append(Problem(names[0], 0, "", _("The table has no measures.")))
    seen: dict[int, ParsedMeasure] = {}
    unique: list[ParsedMeasure] = []
    for measure in measures:
        if measure.number is None:
            unique.append(measure)
            continue
        if measure.number in seen:
            first = seen[measure.number]
            if _same_content(first, measure):
                continue  # a grouped table lists a measure under each of its tools, items or units
            errors.append(
                Problem(
                    measure.sheet,
                    measure.row,
                    measure.column("number"),
                    _("Measure number %(number)s appears twice (first in row %(row)s).")
                    % {"number": measure.number, "row": first.row},
                )
            )
        else:
            seen[measure.number] = measure
            unique.append(measure)
    return ParsedWorkbook(tuple(unique), tuple(warnings), tuple(errors), round_month, frozenset(carried))


def _same_content(a: ParsedMeasure, b: ParsedMeasure) -> bool:
    """The same measure read twice: everything equal but where it was read (and a heading's context)."""
    return replace(b, sheet=a.sheet, row=a.row, columns=a.columns, targets_context=a.targets_context) == a
