"""Which row is the header and what each column holds (issue 7 item 2).

A header is looked for in the first ``HEADER_SCAN_ROWS`` rows; each row is read alone and together with
the row above it (a two-line header: a tool or "ตัวชี้วัด" merged above IIT/EIT/OIT or indicator
numbers), and the reading that recognises the most columns wins. A header matching a known name in
full is *sure*; one that only starts with a known name is *unsure* (the mapping page asks the admin).

Fields (``ColumnGuess.field``):
``agency itas_code province district year total band tool indicator code score result url comment``,
``IIT EIT OIT`` (scale worked out later), ``IIT_weighted ...`` (a weight in the header),
``indicator:N`` (a column per indicator), ``item:O12`` (per O-item), ``question:I3`` (per question),
and ``ignore`` (a known column the reader does not use: running number, names of indicators, ...).

A header that ends in "(คำนวณ)" or "(computed)" is the portal's own computation beside a published
value (``assessments.itas_export`` writes them): it is ``ignore``, sure, never the published value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assessments.sheets import HEADER_SCAN_ROWS, column_letter, squash
from ita_portal.thai import arabic_digits

from .results import KIND_INDICATORS, KIND_ITEMS, KIND_QUESTIONS, KIND_SUMMARY, TOOLS, ColumnGuess

_TOOL = re.compile(
    r"(?:คะแนน(?:เครื่องมือ)?|score)?(iit|eit|oit)(?:คะแนน|score)?"
    r"(?:\((?:ร้อยละ|น้ำหนัก)?(\d+)%?\)|(ถ่วงน้ำหนัก|weighted|\(ถ่วงน้ำหนัก\)|\(weighted\))|(ดิบ|raw|\(raw\)|\((?:คะแนน)?เต็ม100\)))?"
)
_COMPUTED = re.compile(r".+\((?:คำนวณ|คำนวณโดยระบบ|computed)\)")
_INDICATOR_N = re.compile(r"(?:ตัวชี้วัด(?:ที่)?|indicator|ind\.?)(\d{1,2})")
_ITEM_N = re.compile(r"o(\d{1,2})")
_QUESTION_N = re.compile(r"([ie])(\d{1,2})")

#: (field, pattern over the squashed, lower-cased header), most specific first.
_NAMES: tuple[tuple[str, str], ...] = (
    ("itas_code", r"รหัสหน่วยงาน|รหัสitas|itascode|agencycode|รหัสอปท\.?|รหัสหน่วยงาน\(itas\)|code|รหัส"),
    (
        "agency",
        r"ชื่อหน่วยงาน|หน่วยงาน|ชื่อหน่วยงานภาครัฐ|หน่วยงานภาครัฐ|ชื่อองค์กรปกครองส่วนท้องถิ่น|"
        r"องค์กรปกครองส่วนท้องถิ่น|ชื่ออปท\.?|อปท\.?|agency|agencyname|organi[sz]ation|name|ชื่อ",
    ),
    ("province", r"จังหวัด|province"),
    ("district", r"อำเภอ|district"),
    ("year", r"ปีงบประมาณ(?:พ\.ศ\.?)?|ปีงบ|ปี(?:พ\.ศ\.?)?|พ\.ศ\.?|year|fiscalyear|ปีที่ประเมิน"),
    (
        "total",
        r"คะแนนรวม(?:ita)?|คะแนนita|ita|itascore|คะแนนผลการประเมิน(?:ita)?|ผลคะแนน(?:รวม)?|total|totalscore",
    ),
    ("band", r"ระดับ|ระดับผลการประเมิน|ระดับคะแนน|band|level|grade"),
    ("band_or_result", r"ผลการประเมิน|ผล|result"),
    ("tool", r"เครื่องมือ|tool|แบบวัด|เครื่องมือการประเมิน"),
    ("indicator", r"ตัวชี้วัด(?:ที่)?|indicator|ลำดับตัวชี้วัด|ตัวชี้วัดการประเมิน"),
    ("code", r"ข้อ(?:ที่)?|รหัสข้อ|item|oitem|รหัสข้อคำถาม|ข้อคำถามที่|question|questioncode"),
    ("result", r"ผลการตรวจ|ผลการตรวจสอบ|ผ่าน/ไม่ผ่าน|มี/ไม่มี|การเปิดเผย"),
    ("score", r"คะแนน|ร้อยละ|คะแนน\(ร้อยละ\)|คะแนนร้อยละ|score|percent|%"),
    ("url", r"url|ลิงก์|ลิงค์|link|ที่อยู่url|ที่อยู่เว็บไซต์|urlที่เผยแพร่|ที่อยู่"),
    ("comment", r"ความคิดเห็น|ข้อคิดเห็น|ข้อเสนอแนะ|comment|comments|หมายเหตุ|remark|ความเห็นผู้ตรวจ|ความเห็น"),
    (
        "ignore",
        r"ลำดับ|ลำดับที่|ที่|no\.?|#|ชื่อตัวชี้วัด|ข้อคำถาม|คำถาม|ชื่อข้อ|ข้อมูล|รายการ|ประเด็น|"
        r"รายละเอียด|ประเภท|ประเภทหน่วยงาน|type|indicatorname",
    ),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _NAMES)
_IDENTITY = {"agency", "itas_code"}


def header_key(text: str) -> str:
    """A header as it is matched: Thai digits Arabic, no spaces or line breaks, lower case."""
    if text.isascii():
        return "".join(text.split()).lower().rstrip(":*")
    return squash(arabic_digits(text)).lower().rstrip(":*")


def column_field(text: str) -> tuple[str | None, bool]:
    """(field, sure) a header names; (None, True) for an empty header, (None, False) for an unknown one."""
    key = header_key(text)
    if not key:
        return None, True
    if _COMPUTED.fullmatch(key):
        return "ignore", True
    for full in (True, False):
        found = _numbered(key, full)
        if found:
            return found, full
        for name, pattern in _COMPILED:
            if (pattern.fullmatch(key) if full else _prefix(pattern, key)) is not None:
                return name, full
    return None, False


def _prefix(pattern: re.Pattern[str], key: str) -> re.Match[str] | None:
    """A match at the start that leaves no letter of a longer word behind (no "code" in "codes")."""
    match = pattern.match(key)
    if match is None or match.end() < 2 or match.end() == len(key):
        return None
    return match if not key[match.end()].isascii() or not key[match.end()].isalnum() else None


def explicitly_raw(text: str) -> bool:
    """Whether a tool column's header itself says the scores are raw ("IIT (คะแนนเต็ม 100)", "EIT raw",
    "OIT (100)"): then the scale needs no guessing from the values."""
    tool = _TOOL.match(header_key(text))
    return bool(tool and (tool.group(4) or (tool.group(2) and int(tool.group(2)) == 100)))


def _numbered(key: str, full: bool) -> str | None:
    def tail(match: re.Match[str]) -> bool:
        rest = key[match.end() :]
        return rest == "" if full else (rest != "" and not rest[0].isdigit())

    tool = _TOOL.match(key)
    if tool and tail(tool):
        weight, weighted, raw = tool.group(2), tool.group(3), tool.group(4)
        code = tool.group(1).upper()
        if raw or (weight and int(weight) == 100):
            return code
        return f"{code}_weighted" if weighted or weight else code
    for pattern, make in (
        (_INDICATOR_N, lambda m: f"indicator:{int(m.group(1))}" if 1 <= int(m.group(1)) <= 10 else None),
        (_ITEM_N, lambda m: f"item:O{int(m.group(1))}" if int(m.group(1)) >= 1 else None),
        (
            _QUESTION_N,
            lambda m: f"question:{m.group(1).upper()}{int(m.group(2))}" if int(m.group(2)) else None,
        ),
    ):
        match = pattern.match(key)
        if match and tail(match):
            return make(match)
    return None


def _guesses(row: Sequence[str], above: Sequence[str] | None) -> list[ColumnGuess]:
    guesses: list[ColumnGuess] = []
    for index, text in enumerate(row):
        parent = above[index] if above is not None and index < len(above) else ""
        header = " ".join(text.split())
        alone = column_field(text)
        joined = (None, False)
        if parent.strip() and header_key(parent) != header_key(text):
            joined = column_field(parent + text)
        # a header sure alone wins; then one sure with the row above; then the unsure ones
        field, sure = next(
            (c for c in (alone, joined) if c[0] and c[1]),
            next((c for c in (alone, joined) if c[0]), (None, True)),
        )
        if (field, sure) == joined and field is not None and joined != alone:
            header = " / ".join(" ".join(t.split()) for t in (parent, text) if t.strip())
        guesses.append(ColumnGuess(column_letter(index), header, field, sure if field else True))
    return _unique(guesses)


def _unique(guesses: list[ColumnGuess]) -> list[ColumnGuess]:
    """A field named by two columns keeps the first (sure before unsure); the other becomes unsure-unused."""
    taken: dict[str, int] = {}
    result = list(guesses)
    for index, guess in sorted(enumerate(guesses), key=lambda pair: (not pair[1].sure, pair[0])):
        if guess.field is None or guess.field == "ignore":
            continue
        if guess.field in taken:
            result[index] = ColumnGuess(guess.column, guess.header, None, False)
        else:
            taken[guess.field] = index
    return result


def _score(guesses: Sequence[ColumnGuess]) -> float:
    fields = {g.field for g in guesses if g.field and g.field != "ignore"}
    if not fields & _IDENTITY and len(fields) < 3:
        return 0
    return sum(1 if g.sure else 0.5 for g in guesses if g.field and g.field != "ignore")


def detect_header(rows: Sequence[Sequence[str]]) -> tuple[int, list[ColumnGuess]] | None:
    """(index of the header row, its columns) or None: the best of the first rows, alone or with the row
    above; at least two known columns, one of them naming the agency (or three without one)."""
    best: tuple[float, int, list[ColumnGuess]] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(t.strip() for t in row):
            continue
        candidates = [_guesses(row, None)]
        if index > 0 and len({t for t in rows[index - 1] if t.strip()}) >= 2:
            candidates.append(_guesses(row, rows[index - 1]))
        for guesses in candidates:
            score = _score(guesses)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, index, guesses)
    return None if best is None else (best[1], best[2])


def detect_kind(fields: set[str], codes: Sequence[str]) -> str | None:
    """What a sheet holds, from its fields and the texts in its "code" column (O12 / I3 / E7)."""
    if "code" in fields:
        items = sum(1 for c in codes if re.fullmatch(r"o\d{1,2}", header_key(c)))
        questions = sum(1 for c in codes if re.fullmatch(r"[ie]\d{1,2}", header_key(c)))
        if items or questions:
            return KIND_ITEMS if items >= questions else KIND_QUESTIONS
    if "indicator" in fields and ("score" in fields or "total" in fields):
        return KIND_INDICATORS
    if fields & {*TOOLS, *(f"{t}_weighted" for t in TOOLS), "total", "band", "band_or_result"} or any(
        f.startswith("indicator:") for f in fields
    ):
        return KIND_SUMMARY
    if any(f.startswith("item:") for f in fields):
        return KIND_ITEMS
    if any(f.startswith("question:") for f in fields):
        return KIND_QUESTIONS
    return None


def settle(guesses: Sequence[ColumnGuess], kind: str | None) -> list[ColumnGuess]:
    """Fields that depend on the kind: "ผลการประเมิน" is an O-item's result on an O-item sheet and the
    band elsewhere; a lone "คะแนน" is the total of a summary sheet (unsure)."""
    fields = {g.field for g in guesses}
    settled = []
    for guess in guesses:
        field, sure = guess.field, guess.sure
        if field == "band_or_result":
            field = "result" if kind == KIND_ITEMS else "band"
            if field in fields:  # a column has that name already: this one is an extra
                field, sure = None, False
        elif field == "score" and kind == KIND_SUMMARY and "total" not in fields:
            field, sure = "total", False
        settled.append(ColumnGuess(guess.column, guess.header, field, sure))
    return settled
