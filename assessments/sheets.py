"""Reading spreadsheets for every importer: .xlsx, .xls, .ods through python-calamine, .csv decoded.

Pure: no database, no request. python-calamine reads workbooks several times faster than openpyxl
and also reads the old binary .xls and .ods (issue 7 item 2); openpyxl stays the writer.

What this module guarantees to its callers (the ITAS importer, the measure importer):

* a file is read into a :class:`Workbook` of :class:`Sheet` s, or :class:`SheetError` is raised with a
  translated message (not a spreadsheet, corrupt, password-protected, an undecodable text file);
* rows are lists of cell values as calamine gives them (``str``, ``float``, ``int``, ``bool``, dates;
  empty cells ``""``), every row as wide as the widest; ``Sheet.first_row`` is the Excel number of
  ``rows[0]`` so a message can name the row the way Excel shows it (``column_letter`` names columns);
* reading stops after ``empty_stop`` consecutive empty rows, at ``max_rows`` rows and ``max_columns``
  columns, and the sheet says so (``truncated``): a sheet formatted down to row 1,048,576 costs nothing;
* a .csv is UTF-8, UTF-8 with a BOM, or TIS-620/cp874 — detected, never guessed silently: a file that
  decodes in none of them (or only as cp874 without a single Thai letter) is an error;
* cells holding formulas in an .xlsx are listed (``Sheet.formulas``): their values are Excel's saved
  results, or empty when the file was written by a program that does not compute them.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, PasswordError

HEADER_SCAN_ROWS = 20
MAX_ROWS = 1_000_000
MAX_COLUMNS = 300
EMPTY_STOP = 1_000
MAX_FORMULAS = 1_000

FORMAT_XLSX = "xlsx"
FORMAT_XLS = "xls"
FORMAT_ODS = "ods"
FORMAT_CSV = "csv"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_THAI_CONSONANT = re.compile("[\u0e01-\u0e2e]")
# A Thai vowel or tone mark right after a Latin letter or digit: bytes of another code page read as cp874.
_STRAY_MARK = re.compile("[A-Za-z0-9][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


class SheetError(Exception):
    """The file cannot be read as a spreadsheet; ``message`` is translated, for the person who sent it."""

    PASSWORD = "password"
    DAMAGED = "damaged"
    NOT_A_SPREADSHEET = "not-a-spreadsheet"
    ENCODING = "encoding"

    def __init__(self, message: str, kind: str = DAMAGED) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def _password_error() -> SheetError:
    return SheetError(
        _("The file is protected by a password. Remove the password in Excel and upload it again."),
        SheetError.PASSWORD,
    )


# --------------------------------------------------------------------------- cells and columns


def column_letter(index: int) -> str:
    """Excel's letter of a 0-based column index: 0 -> "A", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int:
    """0-based index of an Excel column letter: "A" -> 0, "AA" -> 26."""
    index = 0
    for char in letter.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def cell_text(value: Any) -> str:
    """A cell value as text: 5.0 -> "5", dates as ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def squash(value: str) -> str:
    """No spaces and no zero-width marks at all, for matching names broken by spaces."""
    return re.sub(r"\s+", "", _ZERO_WIDTH.sub("", value))


def strip_zero_width(value: str) -> str:
    return _ZERO_WIDTH.sub("", value)


def is_empty(row: Iterable[Any]) -> bool:
    """No cell holds more than spaces. Strings are tested directly (``cell_text`` only for the
    others): reading a sheet of half a million rows calls this once a row."""
    for value in row:
        if value.__class__ is str:
            if value and not value.isspace():
                return False
        elif cell_text(value).strip():
            return False
    return True


# --------------------------------------------------------------------------- sheets and grids


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells from A1 (rows padded to one width), cut as the module docstring says."""

    name: str
    rows: tuple[tuple[Any, ...], ...]
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()  # ((r0, c0), (r1, c1)), 0-based
    first_row: int = 1  # Excel number of rows[0]
    truncated: bool = False  # rows or columns beyond the caps were not read
    formulas: tuple[tuple[str, str], ...] = ()  # (cell reference "C4", formula text)
    stray_row: int = 0  # Excel row of the first cell not read after ``empty_stop`` empty rows, or 0

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def excel_row(self, index: int) -> int:
        return self.first_row + index


@dataclass(frozen=True)
class Workbook:
    sheets: tuple[Sheet, ...]
    format: str  # FORMAT_*
    encoding: str = ""  # of a .csv: "utf-8", "utf-8-sig" or "cp874"

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sheets)

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


class _Origins:
    """``origin[r][c]``: the cell a value came from (itself, or the top-left cell of its merged region)."""

    def __init__(self, filled: dict[tuple[int, int], tuple[int, int]]) -> None:
        self.filled = filled

    def __getitem__(self, row: int) -> _OriginRow:
        return _OriginRow(self.filled, row)


class _OriginRow:
    def __init__(self, filled: dict[tuple[int, int], tuple[int, int]], row: int) -> None:
        self.filled, self.row = filled, row

    def __getitem__(self, col: int) -> tuple[int, int]:
        return self.filled.get((self.row, col), (self.row, col))


@dataclass
class Grid:
    """A sheet's cells as text (``rows``) and as read (``raw``), merged regions filled from their
    top-left cell; ``origin[r][c]`` names the cell a value came from, so a merged cell read on several
    rows can count once."""

    name: str
    rows: list[list[str]]
    raw: list[list[Any]]
    first_row: int = 1  # Excel number of rows[0]
    first_col: int = 0
    filled: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def origin(self) -> _Origins:
        return _Origins(self.filled)


def grid_of(sheet: Sheet) -> Grid:
    """A :class:`Grid` of a sheet: text of every cell, merged regions filled."""
    raw = [list(r) for r in sheet.rows]
    rows = [[cell_text(v) for v in r] for r in raw]
    width = sheet.width
    filled: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= width:
            continue
        value, raw_value = rows[r0][c0], raw[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if (r, c) != (r0, c0) and rows[r][c] == "":
                    rows[r][c] = value
                    raw[r][c] = raw_value
                    filled[(r, c)] = (r0, c0)
    return Grid(sheet.name, rows, raw, sheet.first_row, 0, filled)


def filled_rows(sheet: Sheet) -> list[Sequence[Any]]:
    """The sheet's rows of values with merged regions filled from their top-left cell (rows a merged
    region does not touch are the sheet's own tuples, not copies: a large sheet is not doubled)."""
    rows: list[Sequence[Any]] = list(sheet.rows)
    width = sheet.width
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 >= len(rows) or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r] if isinstance(rows[r], list) else list(rows[r])
            for c in range(c0, min(c1, width - 1) + 1):
                if (r, c) != (r0, c0) and cell_text(row[c]) == "":
                    row[c] = value
            rows[r] = row
    return rows


def find_header(rows: Sequence[Sequence[str]], is_header: Callable[[Sequence[str]], bool]) -> int | None:
    """Index of the first of the first ``HEADER_SCAN_ROWS`` rows that ``is_header`` accepts."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if is_header(row):
            return index
    return None


def _cut(
    rows: Iterable[Sequence[Any]], *, max_rows: int, max_columns: int, empty_stop: int
) -> tuple[list[tuple[Any, ...]], bool, int]:
    """Rows until ``empty_stop`` empty ones in a row or ``max_rows``; trailing empty rows dropped.

    After a stop on empty rows the rest is only looked at, never kept: the third value is the Excel
    row of the first cell found there (0 when none), so the caller can say it was not read.
    """
    kept: list[tuple[Any, ...]] = []
    truncated = False
    empty_run = 0
    stray = 0
    rows = iter(rows)
    for row in rows:
        if len(kept) + empty_run >= max_rows:
            truncated = True
            break
        if len(row) > max_columns and any(cell_text(v).strip() for v in row[max_columns:]):
            truncated = True
        values = list(row[:max_columns])
        if is_empty(values):
            empty_run += 1
            if empty_run >= empty_stop:
                stray = _first_filled(rows, len(kept) + empty_run, max_rows)
                break
            continue
        kept.extend(() for _ in range(empty_run))
        empty_run = 0
        kept.append(tuple(values))  # one copy per row: a large sheet is not held twice
    width = max((len(r) for r in kept), default=0)
    return [r if len(r) == width else r + ("",) * (width - len(r)) for r in kept], truncated, stray


def _first_filled(rows: Iterable[Sequence[Any]], start: int, max_rows: int) -> int:
    for index, row in enumerate(rows, start=start):
        if index >= max_rows:
            return 0
        if any(row) and not is_empty(row):  # any(): a row of "" is skipped at C speed
            return index + 1
    return 0


# --------------------------------------------------------------------------- reading files


def sheet_from_calamine(
    sheet: Any,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    empty_stop: int = EMPTY_STOP,
    formulas: Sequence[tuple[str, str]] = (),
) -> Sheet:
    """A calamine sheet as a :class:`Sheet` from A1 (calamine starts at the first used cell)."""
    start_row, start_col = sheet.start if sheet.height else (0, 0)
    lead = [""] * start_col

    def rows() -> Iterable[Sequence[Any]]:
        yield from ([] for _ in range(start_row))
        for row in sheet.iter_rows():
            yield lead + list(row) if start_col else row

    kept, truncated, stray = _cut(rows(), max_rows=max_rows, max_columns=max_columns, empty_stop=empty_stop)
    merged = tuple(getattr(sheet, "merged_cell_ranges", None) or ())
    return Sheet(sheet.name, tuple(kept), merged, 1, truncated, tuple(formulas), stray)


def read_workbook(
    data: bytes,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    empty_stop: int = EMPTY_STOP,
) -> Workbook:
    """Every sheet of a workbook or .csv file; :class:`SheetError` when it cannot be read."""
    caps = {"max_rows": max_rows, "max_columns": max_columns, "empty_stop": empty_stop}
    if not data:
        raise SheetError(_("The file is empty."), SheetError.NOT_A_SPREADSHEET)
    if data.startswith(_OLE_MAGIC) and _is_encrypted_ooxml(data):
        raise _password_error()
    if data.startswith(_OLE_MAGIC) or data.startswith(_ZIP_MAGIC):
        return _read_calamine(data, caps)
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise SheetError(
            _("The file is not an Excel, OpenDocument or CSV spreadsheet."), SheetError.NOT_A_SPREADSHEET
        )
    return _read_csv(data, caps)


def is_workbook(data: bytes) -> bool:
    """Whether the bytes start like an .xlsx/.ods (a zip) or an .xls (an OLE container)."""
    return data.startswith(_OLE_MAGIC) or data.startswith(_ZIP_MAGIC)


def _is_encrypted_ooxml(data: bytes) -> bool:
    """An .xlsx saved with a password is an OLE container holding an "EncryptedPackage" stream."""
    return "EncryptedPackage".encode("utf-16-le") in data[:65536]


#: The BOF record of an .xls workbook's globals (BIFF8), then where a FILEPASS record would start:
#: MS-XLS puts FILEPASS, when the file is encrypted, right after that BOF.
_XLS_GLOBALS_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"
_XLS_FILEPASS = b"\x2f\x00"


def _is_encrypted_xls(data: bytes) -> bool:
    """An .xls saved with a password to open: a FILEPASS record follows the globals' BOF."""
    at = data.find(_XLS_GLOBALS_BOF, 0, 1 << 20)
    return at >= 0 and data[at + 20 : at + 22] == _XLS_FILEPASS


def _read_calamine(data: bytes, caps: dict[str, int]) -> Workbook:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except PasswordError:
        raise _password_error() from None
    except Exception:  # calamine raises several kinds (CalamineError, ZipError, XmlError, ...)
        if _is_encrypted_xls(data):  # calamine tries only Excel's default password
            raise _password_error() from None
        raise SheetError(_("The file is damaged or is not an Excel or OpenDocument spreadsheet.")) from None
    kind = FORMAT_XLS if data.startswith(_OLE_MAGIC) else FORMAT_XLSX
    formulas: dict[str, list[tuple[str, str]]] = {}
    if kind == FORMAT_XLSX:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "content.xml" in archive.namelist():
                    kind = FORMAT_ODS
                else:
                    formulas = _xlsx_formulas(archive)
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
            formulas = {}
    sheets = []
    for index, name in enumerate(names):
        try:
            sheet = book.get_sheet_by_index(index)
            sheets.append(sheet_from_calamine(sheet, formulas=formulas.get(name, ()), **caps))
        except PasswordError:
            raise _password_error() from None
        except Exception:
            raise SheetError(
                _("The sheet “%(sheet)s” cannot be read: the file is damaged.") % {"sheet": name}
            ) from None
    return Workbook(tuple(sheets), kind)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xlsx_formulas(archive: zipfile.ZipFile) -> dict[str, list[tuple[str, str]]]:
    """Sheet name -> [(cell, formula)] of an .xlsx, at most ``MAX_FORMULAS`` per sheet.

    A sheet's XML is scanned for ``<f`` first, so a large sheet without formulas is never parsed.
    """
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    found: dict[str, list[tuple[str, str]]] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if path not in archive.namelist() or not _has_formula(archive, path):
            continue
        cells: list[tuple[str, str]] = []
        with archive.open(path) as stream:
            for _event, element in ElementTree.iterparse(stream):
                if element.tag == f"{_NS_MAIN}c":
                    formula = element.find(f"{_NS_MAIN}f")
                    if formula is not None and len(cells) < MAX_FORMULAS:
                        cells.append((element.get("r", ""), "=" + (formula.text or "")))
                    element.clear()
        found[sheet.get("name", "")] = cells
    return found


def _has_formula(archive: zipfile.ZipFile, path: str) -> bool:
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                return True
            tail = chunk[-3:]
    return False


CSV_ENCODINGS = ("utf-8-sig", "utf-8", "cp874")


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file: UTF-8 with a BOM, UTF-8, or TIS-620/cp874 holding Thai letters."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            message = _("The CSV file is not valid UTF-8 although it starts as UTF-8.")
            raise SheetError(message, SheetError.ENCODING) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        text = ""
    if text and _THAI_CONSONANT.search(text) and not _STRAY_MARK.search(text):
        return text, "cp874"
    message = _("The CSV file cannot be decoded: save it as “CSV UTF-8” or TIS-620 and upload it again.")
    raise SheetError(message, SheetError.ENCODING)


def _read_csv(data: bytes, caps: dict[str, int]) -> Workbook:
    text, encoding = decode_csv(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        kept, truncated, stray = _cut(reader, **caps)
    except csv.Error:
        raise SheetError(_("The CSV file is damaged and cannot be read.")) from None
    return Workbook((Sheet("CSV", tuple(kept), (), 1, truncated, (), stray),), FORMAT_CSV, encoding)
