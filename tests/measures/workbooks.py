"""Messy measure workbooks generated for the importer's tests (the seeds' layouts, in our own words)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook

Row = Sequence[object]


def xlsx(rows: Sequence[Row], *, merges: Sequence[str] = (), title: str = "Sheet1", extra=None) -> bytes:
    """A workbook of one sheet (``rows`` from A1), the given merged ranges, optionally more sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    for name, more in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ods(rows: Sequence[Sequence[str]], *, title: str = "Sheet1") -> bytes:
    """A minimal OpenDocument spreadsheet written by hand (no office suite on the test machine)."""
    body = []
    for row in rows:
        cells = "".join(
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(v))}</text:p></table:table-cell>"
            if v != ""
            else "<table:table-cell/>"
            for v in row
        )
        body.append(f"<table:table-row>{cells}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(title)}">'
        f"{''.join(body)}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )  # first, stored
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


EXPORT_HEADER = [
    "ลำดับ",
    "มาตรการ",
    "ตัวชี้วัด/ข้อที่มุ่งแก้ไข",
    "แนวทางปฏิบัติ",
    "ขั้นตอนหรือวิธีการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลาดำเนินการ",
    "การกำกับติดตาม",
    "ผลการดำเนินการ",
    "ผลลัพธ์",
    "ข้อเสนอแนะ",
    "ร้อยละความสำเร็จ",
    "สถานะ",
]

SEED_002_HEADER = [
    "มาตรการ/ แนวทาง",
    "วิธีการดำเนินการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลา ดำเนินการ",
    "ผลการ ดำเนินการ",
    "ข้อเสนอแนะ",
]
SEED_004_HEADER = ["มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "ระยะเวลา การดำเนินการ", "การติดตามผล"]


def exported_style(rows: Sequence[Row], *, round_title: str = "") -> bytes:
    """The exporter's layout: title rows, the 13-column header, one row per measure."""
    titles = [["เทศบาลตำบลทดสอบ"], ["มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2565"]]
    if round_title:
        titles.append([round_title])
    merges = [f"A{i}:M{i}" for i in range(1, len(titles) + 1)]
    return xlsx([*titles, EXPORT_HEADER, *rows], merges=merges, title="มาตรการ")
