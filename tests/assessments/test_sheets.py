"""Shared spreadsheet reading: formats, encodings, caps, merged cells, formulas, unreadable files."""

from __future__ import annotations

import pytest
from django.utils import translation

from assessments.sheets import (
    SheetError,
    column_index,
    column_letter,
    decode_csv,
    find_header,
    grid_of,
    read_workbook,
)

from .itas_workbooks import csv_bytes, encrypted, far_cell, ods, with_formulas, xlsx


@pytest.fixture(autouse=True)
def thai():
    with translation.override("th"):
        yield


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")]
)
def test_sheets_column_letters_both_ways(index, letter):
    assert column_letter(index) == letter
    assert column_index(letter) == index


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_sheets_csv_encoding_is_detected(encoding):
    text, found = decode_csv("หน่วยงาน,คะแนน\r\nอบต.ศรีคำ,87.86\r\n".encode(encoding))
    assert (text, found) == ("หน่วยงาน,คะแนน\r\nอบต.ศรีคำ,87.86\r\n", encoding)


def test_sheets_ascii_csv_is_utf8():
    assert decode_csv(b"a,b\r\n1,2\r\n") == ("a,b\r\n1,2\r\n", "utf-8")


@pytest.mark.parametrize(
    "data",
    [
        "Café,80\n".encode("latin-1"),  # decodes as cp874 only into a tone mark after a Latin letter
        b"\xef\xbb\xbfname\xff,80\n",  # a BOM, then bytes that are not UTF-8
        b"\x80\x81\x82,80\n",  # no Thai at all
    ],
)
def test_sheets_csv_in_no_known_encoding_is_an_error(data):
    with pytest.raises(SheetError) as raised:
        decode_csv(data)
    assert raised.value.kind == SheetError.ENCODING


def test_sheets_csv_rows_are_padded_and_trailing_empty_rows_dropped():
    book = read_workbook(csv_bytes([["ก", "ข", "ค"], ["1"], [], ["2", "3"], [], []], "utf-8"))
    assert (book.format, book.encoding, book.sheet_names) == ("csv", "utf-8", ("CSV",))
    assert book.sheet("CSV").rows == (("ก", "ข", "ค"), ("1", "", ""), ("", "", ""), ("2", "3", ""))


def test_sheets_xlsx_values_sheets_by_name_and_merged_cells():
    data = xlsx([["หัวเรื่อง"], ["ก", "ข"], [1, 2.5]], merges=["A1:B1"], title="แรก", extra={"สอง": [["x"]]})
    book = read_workbook(data)
    assert (book.format, book.sheet_names) == ("xlsx", ("แรก", "สอง"))
    sheet = book.sheet("แรก")
    assert sheet.rows == (("หัวเรื่อง", ""), ("ก", "ข"), (1.0, 2.5))
    assert sheet.merged == (((0, 0), (0, 1)),)
    grid = grid_of(sheet)
    assert grid.rows == [["หัวเรื่อง", "หัวเรื่อง"], ["ก", "ข"], ["1", "2.5"]]
    assert (grid.origin[0][1], grid.origin[1][1]) == ((0, 0), (1, 1))
    with pytest.raises(KeyError):
        book.sheet("สาม")


def test_sheets_ods_is_read():
    book = read_workbook(ods([["ก", "ข"], ["1", "2"]], title="ผล"))
    assert (book.format, book.sheet_names, book.sheets[0].rows) == ("ods", ("ผล",), (("ก", "ข"), ("1", "2")))


def test_sheets_reading_stops_after_empty_rows_and_says_where_more_was():
    book = read_workbook(far_cell([["ก"], ["ข"]], 1_000_000, "ไกล"))
    sheet = book.sheets[0]
    assert (sheet.rows, sheet.stray_row, sheet.truncated) == ((("ก",), ("ข",)), 1_000_000, False)


def test_sheets_caps_on_rows_and_columns_mark_the_sheet_truncated():
    rows = [[f"r{r}c{c}" for c in range(5)] for r in range(10)]
    book = read_workbook(xlsx(rows), max_rows=4, max_columns=3)
    sheet = book.sheets[0]
    assert (len(sheet.rows), sheet.width, sheet.truncated) == (4, 3, True)
    assert sheet.rows[3] == ("r3c0", "r3c1", "r3c2")


def test_sheets_formulas_are_listed_with_their_cells():
    book = read_workbook(with_formulas([["ก", "ข", "รวม"], [1, 2, "=A2+B2"], [3, 4, "=SUM(A3:B3)"]]))
    assert book.sheets[0].formulas == (("C2", "=A2+B2"), ("C3", "=SUM(A3:B3)"))
    assert book.sheets[0].rows[1] == (1.0, 2.0, "")  # no value was saved for the formula


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"", SheetError.NOT_A_SPREADSHEET, "ไฟล์ว่างเปล่า"),
        (b"%PDF-1.7", SheetError.NOT_A_SPREADSHEET, "ไฟล์นี้ไม่ใช่ตารางคำนวณ Excel, OpenDocument หรือ CSV"),
        (b"\x89PNG\r\n", SheetError.NOT_A_SPREADSHEET, "ไฟล์นี้ไม่ใช่ตารางคำนวณ Excel, OpenDocument หรือ CSV"),
        (b"PK\x03\x04garbage", SheetError.DAMAGED, "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel หรือ OpenDocument"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage",
            SheetError.DAMAGED,
            "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel หรือ OpenDocument",
        ),
        (encrypted(), SheetError.PASSWORD, "ไฟล์นี้ตั้งรหัสผ่านไว้ กรุณาเปิดใน Excel แล้วเอารหัสผ่านออก จากนั้นอัปโหลดอีกครั้ง"),
    ],
)
def test_sheets_unreadable_files_raise_a_clear_error(data, kind, message):
    with pytest.raises(SheetError) as raised:
        read_workbook(data)
    assert (raised.value.kind, raised.value.message) == (kind, message)


def test_sheets_truncated_xlsx_is_damaged():
    data = xlsx([["ก"]])
    with pytest.raises(SheetError) as raised:
        read_workbook(data[: len(data) // 2])
    assert raised.value.kind == SheetError.DAMAGED


def test_sheets_find_header_looks_at_the_first_twenty_rows_only():
    rows = [[""]] * 20 + [["หัว"]]
    assert find_header(rows, lambda row: row[0] == "หัว") is None
    assert find_header(rows[1:], lambda row: row[0] == "หัว") == 19
