"""Messy ITAS result files generated for the reader's tests (our own agencies and layouts).

Workbooks come from the measure corpus' helpers (``tests/measures/workbooks.py``); here are the rest:
CSV in three encodings, a password-protected container, a workbook with formulas, and the published
reference values (``tests/data/reference-results.json``) to put in rows.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from tests.measures.workbooks import ods, xlsx

from .ole_files import encrypted_xlsx

__all__ = ["REFERENCE", "SRIKHAM", "csv_bytes", "encrypted", "ods", "with_formulas", "xlsx"]

REFERENCE = {
    c["id"]: c
    for c in json.loads((Path(__file__).parent.parent / "data" / "reference-results.json").read_text())[
        "cases"
    ]
}
SRIKHAM = REFERENCE["srikham-2565"]


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str, *, delimiter: str = ",") -> bytes:
    """Rows as a CSV file in ``encoding`` ("utf-8", "utf-8-sig", "cp874")."""
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = str(value)
            if any(c in text for c in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def encrypted() -> bytes:
    """What Excel writes for a workbook saved with a password (``ole_files.encrypted_xlsx``)."""
    return encrypted_xlsx()


def with_formulas(rows: Sequence[Sequence[object]], title: str = "Sheet1") -> bytes:
    """An .xlsx whose cells may hold formulas (strings starting with "="), written by openpyxl: no
    value is saved for them, as with any program that does not compute."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def far_cell(rows: Sequence[Sequence[object]], row: int, value: object) -> bytes:
    """A table, and one more cell far below it (a sheet formatted or typed in down to ``row``)."""
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    ws.cell(row=row, column=1, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
