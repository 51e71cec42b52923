"""Old-format files built byte by byte for the import corpus (no .xls writer and no msoffcrypto are
installed): an OLE compound file (MS-CFB, version 3), an Excel 97-2003 workbook in it (BIFF8, MS-XLS:
the records a reader needs and nothing more), the same with a FILEPASS record (an .xls saved with a
password), and an .xlsx saved with a password (an OLE container with "EncryptionInfo" and
"EncryptedPackage" streams, as Excel writes it; their contents here are not a real cipher).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MINI_CUTOFF = 4096


def _directory_entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
    encoded = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, object type, colour (black)
        + struct.pack("<III", NO_STREAM, right, child)  # left sibling, right sibling, child
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def cfb(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file holding ``streams`` (each padded to the mini-stream cutoff, so every stream
    lives in regular sectors: readers stop at the end of their records)."""
    padded = {name: data.ljust(MINI_CUTOFF, b"\x00") for name, data in streams.items()}
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    sector = 2  # 0: the FAT, 1: the directory
    for data in padded.values():
        count = -(-len(data) // SECTOR)
        chains.append((sector, count))
        sector += count
    if sector > SECTOR // 4:
        raise ValueError("one FAT sector is enough for the corpus' small files")
    fat = [FAT_SECTOR, END]
    for first, count in chains:
        fat += [first + i + 1 for i in range(count - 1)] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    names = list(padded)
    entries = [_directory_entry("Root Entry", 5, END, 0, child=1 if names else NO_STREAM, right=NO_STREAM)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM  # a chain of right siblings
        entries.append(_directory_entry(name, 2, chains[index - 1][0], len(padded[name]), NO_STREAM, right))
    while len(entries) % 4:
        entries.append(_directory_entry("", 0, 0, 0, NO_STREAM, NO_STREAM))
    if len(entries) > 4:
        raise ValueError("one directory sector is enough for the corpus' small files")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # minor, major, byte order, shifts
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, MINI_CUTOFF, END, 0, END, 0)
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", FREE) * 108
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    for data in padded.values():
        body += data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\x00")
    return header + body


# --------------------------------------------------------------------------- BIFF8


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(dt: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, length_bytes: int = 2) -> bytes:
    """XLUnicodeString (2-byte length) or ShortXLUnicodeString (1-byte length), always UTF-16."""
    head = struct.pack("<H" if length_bytes == 2 else "<B", len(text))
    return head + b"\x01" + text.encode("utf-16-le")


_FONT = _record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _unicode("Arial", 1))
# 16 style XFs and one cell XF (index 15), all with the General number format
_XF = b"".join(
    _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)) for _ in range(15)
)
_XF += _record(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
CELL_XF = 15


def xls(rows: Sequence[Sequence[object]], title: str = "Sheet1", *, password: bool = False) -> bytes:
    """An Excel 97-2003 workbook (.xls) of one sheet: text and numbers; ``password`` adds a FILEPASS
    record (RC4 header), what Excel writes for a workbook saved with a password to open."""
    strings: list[str] = []
    index: dict[str, int] = {}
    cells = b""
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, CELL_XF, float(value)))
            else:
                text = str(value)
                if text not in index:
                    index[text] = len(strings)
                    strings.append(text)
                cells += _record(0x00FD, struct.pack("<HHHI", r, c, CELL_XF, index[text]))
    sheet = (
        _bof(0x0010)
        + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + cells
        + _record(0x000A)
    )
    sst = _record(
        0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(_unicode(s) for s in strings)
    )
    filepass = _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48) if password else b""

    def globals_(offset: int) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _unicode(title, 1))
        return (
            _bof(0x0005)
            + filepass
            + _record(0x0042, struct.pack("<H", 1200))  # code page: UTF-16
            + _FONT * 5
            + _XF
            + boundsheet
            + sst
            + _record(0x000A)
        )

    workbook = globals_(len(globals_(0)))
    return cfb({"Workbook": workbook + sheet})


def encrypted_xlsx() -> bytes:
    """An .xlsx saved with a password: the OLE container with the two streams Excel writes."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return cfb({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 4096) + b"\x5a" * 64})
