"""Reading one field of a measure from its cell: period, rounds, targets, steps, units, percent, status."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ita_portal.thai import ce_year, fiscal_year_bounds

from ..rounds import ROUND_MONTHS, fiscal_year_months
from .text import _BULLET, _digits, clean_text, squash

# --------------------------------------------------------------------------- fields

THAI_MONTHS = {
    1: ("มกราคม", "ม.ค."),
    2: ("กุมภาพันธ์", "ก.พ."),
    3: ("มีนาคม", "มี.ค."),
    4: ("เมษายน", "เม.ย."),
    5: ("พฤษภาคม", "พ.ค."),
    6: ("มิถุนายน", "มิ.ย."),
    7: ("กรกฎาคม", "ก.ค."),
    8: ("สิงหาคม", "ส.ค."),
    9: ("กันยายน", "ก.ย."),
    10: ("ตุลาคม", "ต.ค."),
    11: ("พฤศจิกายน", "พ.ย."),
    12: ("ธันวาคม", "ธ.ค."),
}
_MONTH_WORDS = sorted(
    ((squash(name), month) for month, names in THAI_MONTHS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)
_MONTH_RE = "|".join(re.escape(word) for word, _m in _MONTH_WORDS)
_MONTH_YEAR = re.compile(rf"({_MONTH_RE})(?:พ\.?ศ\.?)?([0-9]{{4}}|[0-9]{{2}})?")
_WHOLE_YEAR = re.compile(r"^(ตลอดปีงบประมาณ|ตลอดปี|ปีงบประมาณ|ทั้งปีงบประมาณ|ทั้งปี)(พ\.?ศ\.?)?([0-9]{4})?$")


_ISO_DATE = re.compile(r"((?:19|20|21)[0-9]{2})-([01][0-9])-[0-3][0-9](?:T[0-9:.]+)?")


def _be_year(text: str) -> int:
    year = int(text)
    return year + 2500 if year < 100 else year


def parse_period(text: str, fiscal_year: int) -> tuple[date, date] | None:
    """Start and end months of a period as people write it, or None when it cannot be read.

    "ต.ค. 64 - มี.ค. 65", "ต.ค. ๖๔ – มี.ค. ๖๕", "ตุลาคม 2564 – กันยายน 2565", "ตลอดปีงบประมาณ",
    "ปีงบประมาณ 2565" (the whole fiscal year), one month ("มี.ค. 65"); a month without a year is
    placed in the fiscal year (ต.ค.–ธ.ค. in its first calendar year).
    """
    flat = squash(_digits(text)).replace("พ.ศ.", "พ.ศ.")
    if not flat:
        return None
    iso = [date(int(y), int(m), 1) for y, m in _ISO_DATE.findall(flat)]
    if iso and len(iso) <= 2 and not _ISO_DATE.sub("", flat).strip("-–—~ถึง"):
        return iso[0], iso[-1]  # a cell Excel took for a date (Common-era, from the cell's value)
    whole = _WHOLE_YEAR.match(flat)
    if whole:
        year = int(whole.group(3)) if whole.group(3) else fiscal_year
        if not 2400 <= year <= 2700:
            return None
        return fiscal_year_months(year)
    found = list(_MONTH_YEAR.finditer(flat))
    if not found or len(found) > 2:
        return None
    rest = _MONTH_YEAR.sub("", flat)
    if re.sub(r"[-–—~ถึงจนตั้งแต่เดือน,.]", "", rest.replace("ถึง", "").replace("ตั้งแต่", "")):
        return None
    months = []
    fy_start, _end = fiscal_year_bounds(fiscal_year)
    for match in found:
        month = dict(_MONTH_WORDS)[match.group(1)]
        if match.group(2):
            ce = ce_year(_be_year(match.group(2)))
        else:
            ce = fy_start.year if month >= 10 else fy_start.year + 1
        if not 1900 <= ce <= 2200:
            return None
        months.append(date(ce, month, 1))
    start, end = months[0], months[-1]
    if len(found) == 2 and not found[0].group(2) and found[1].group(2) and start > end:
        start = start.replace(year=start.year - 1)  # "ต.ค. – มี.ค. 65": the start is in the year before
    return start, end


_ROUND = re.compile(r"(?:รอบ)?\s*([0-9]{1,2})\s*เดือน")
_ROUND_WORDS = re.compile(r"รอบ|เดือน|และ|,|/|ทุก|[0-9]|\s|、")


def parse_rounds(text: str) -> tuple[tuple[int, ...], bool]:
    """Rounds named in a cell ("รอบ 3 เดือน, รอบ 6 เดือน", "6 และ 12 เดือน") and whether the cell says
    nothing else (when it does, the caller keeps the whole text)."""
    flat = _digits(text)
    months: set[int] = set()
    for match in re.finditer(r"([0-9]{1,2})(?=\s*(?:,|และ|/|\s)*\s*(?:[0-9\s,/และ]*)เดือน)", flat):
        months.add(int(match.group(1)))
    rest = _ROUND_WORDS.sub("", flat)
    valid = tuple(sorted(m for m in months if m in ROUND_MONTHS))
    return valid, not rest and len(valid) == len(months) and bool(valid)


def title_round(text: str) -> int | None:
    """The round a title row names ("ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)")."""
    match = re.search(r"รอบ\s*([0-9]{1,2})\s*เดือน", _digits(text))
    if match and int(match.group(1)) in ROUND_MONTHS:
        return int(match.group(1))
    return None


TOOL_CODES = ("IIT", "EIT", "OIT")
_TOOL_WORDS = {"ภายใน": "IIT", "ภายนอก": "EIT", "เปิดเผยข้อมูลสาธารณะ": "OIT"}
_TARGET_TOKEN = re.compile(
    r"(?P<tool>\b(?:IIT|EIT|OIT)\b)|ตัวชี้วัดที่\s*(?P<ind>[0-9]{1,2})|(?P<item>\b[OIE][0-9]{1,3}\b)",
    re.IGNORECASE,
)


def parse_targets(text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...], str]:
    """Tool codes, indicator numbers and item codes in a cell ("IIT, ตัวชี้วัดที่ 4, O12, O13"), and
    the text left over once those and the separators are taken out."""
    flat = _digits(text)
    tools: list[str] = []
    indicators: list[int] = []
    items: list[str] = []
    for match in _TARGET_TOKEN.finditer(flat):
        if match.group("tool"):
            code = match.group("tool").upper()
            if code not in tools:
                tools.append(code)
        elif match.group("ind"):
            number = int(match.group("ind"))
            if number not in indicators:
                indicators.append(number)
        else:
            code = match.group("item").upper()
            if code not in items:
                items.append(code)
    rest = _TARGET_TOKEN.sub("", flat)
    rest = re.sub(r"[\s,/;、()\[\]\-–และ]+", " ", rest).strip()
    return tuple(tools), tuple(indicators), tuple(items), rest


def heading_context(text: str) -> tuple[str | None, int | None]:
    """The tool and indicator a group heading names ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)")."""
    flat = _digits(text)
    tool = None
    match = re.search(r"\b(IIT|EIT|OIT)\b", flat, re.IGNORECASE)
    if match:
        tool = match.group(1).upper()
    else:
        for word, code in _TOOL_WORDS.items():
            if "แบบวัด" in flat and word in flat:
                tool = code
                break
    ind = re.search(r"ตัวชี้วัดที่\s*([0-9]{1,2})", flat)
    return tool, int(ind.group(1)) if ind else None


def _looks_like_heading(text: str) -> bool:
    tool, indicator = heading_context(text)
    return tool is not None or indicator is not None or bool(re.match(r"^[OIE][0-9]{1,3}\b", text.strip()))


def split_steps(text: str) -> tuple[str, ...]:
    """Steps one per line, bullets and numbering taken off; a line that does not start a bullet while
    others do continues the step above it. Bullets run together on one line ("- a  - b") are split."""
    text = clean_text(re.sub(r"\s{2,}(?=[-•●]\s)", "\n", text.replace("\r", "\n")))
    lines = text.split("\n") if text else []
    marked = [bool(_BULLET.match(line)) for line in lines]
    steps: list[str] = []
    for line, is_marked in zip(lines, marked, strict=True):
        body = _BULLET.sub("", line, count=1).strip() if is_marked else line.strip()
        if not body:
            continue
        if any(marked) and not is_marked and steps:
            steps[-1] = f"{steps[-1]} {body}"
        else:
            steps.append(body)
    return tuple(steps)


ALL_UNITS_WORDS = ("ทุกหน่วยงาน", "ทุกส่วนราชการ", "ทุกกอง", "ทุกสำนัก/กอง", "ทุกกอง/สำนัก", "ทุกหน่วย")


def split_responsible(text: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a cell says "all units", and the other names in it (one per line or comma)."""
    all_units = False
    names: list[str] = []
    for line in clean_text(text).split("\n"):
        for part in re.split(r"[,;、]", line):
            part = _BULLET.sub("", part, count=1).strip()
            if not part:
                continue
            if squash(part) in ALL_UNITS_WORDS:
                all_units = True
            else:
                names.append(part)
    return all_units, tuple(names)


# Parts of unit names people leave out or write another way (normalised: no spaces).
_UNIT_ALIASES = (("สำนักงานปลัด", "สำนักปลัด"), ("ฯ", ""))
_UNIT_SUFFIXES = (
    "องค์การบริหารส่วนตำบล",
    "องค์การบริหารส่วนจังหวัด",
    "เทศบาลตำบล",
    "เทศบาลเมือง",
    "เทศบาลนคร",
    "เทศบาล",
    "อบต.",
    "อบจ.",
    "อบต",
    "ทต.",
)


def unit_key(name: str) -> str:
    """A unit name normalised for matching: no spaces, "สำนักงานปลัด" = "สำนักปลัด", the
    organization's name after it left out ("สำนักปลัดเทศบาล", "สำนักปลัด อบต." -> "สำนักปลัด")."""
    key = squash(name)
    for old, new in _UNIT_ALIASES:
        key = key.replace(old, new)
    changed = True
    while changed:
        changed = False
        for suffix in _UNIT_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return key


def match_units(names: Iterable[str], units: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """Units (values of ``units``, keyed by unit name) named in ``names``, and the names that are none.

    A name matches a unit whose normalised name is the same, or the one unit whose name it begins
    (a shortened name, 4 characters at least). A name that is several units run together with spaces ("สำนักปลัด
    กองคลัง") is split where the pieces match; pieces that match nothing stay together as written.
    """
    keyed = {unit_key(name): unit for name, unit in units.items()}

    def find(text: str) -> Any | None:
        key = unit_key(text)
        if not key:
            return None
        if key in keyed:
            return keyed[key]
        near = [u for k, u in keyed.items() if len(key) >= 4 and k.startswith(key)]
        return near[0] if len(near) == 1 else None

    found: list[Any] = []
    unmatched: list[str] = []
    for name in names:
        unit = find(name)
        if unit is not None:
            if unit not in found:
                found.append(unit)
            continue
        words = name.split()
        pending: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                unit = find(" ".join(words[i:j]))
                if unit is not None:
                    break
            if unit is None:
                pending.append(words[i])
                i += 1
                continue
            if pending:
                unmatched.append(" ".join(pending))
                pending = []
            if unit not in found:
                found.append(unit)
            i = j
        if pending:
            unmatched.append(" ".join(pending))
    return found, unmatched


def parse_percent(value: Any) -> int | str | None:
    """0..100 from "60", "60%", "ร้อยละ 60", 0.6 (a cell formatted as percent); a str is an error."""
    if isinstance(value, bool):
        return _("expected a percentage from 0 to 100")
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return _("expected a percentage from 0 to 100")
        if 0 < number < 1:
            number *= 100
    else:
        text = squash(_digits(str(value))).replace("ร้อยละ", "").rstrip("%")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return _("expected a percentage from 0 to 100")
    if not 0 <= number <= 100:
        return _("expected a percentage from 0 to 100")
    return round(number)


def parse_number(text: str) -> int | None:
    flat = squash(_digits(text)).rstrip(".)")
    if flat.endswith(".0"):
        flat = flat[:-2]
    return int(flat) if re.fullmatch(r"[0-9]{1,4}", flat) and int(flat) > 0 else None


def status_labels() -> dict[str, str]:
    """Status words (no spaces) -> status value: the statuses' Thai labels and the usual synonyms."""
    from ..models import MeasureStatus  # the labels only; no query

    labels = {}
    for language in ("en", "th"):  # the file's words are Thai whatever language the reader runs in
        with translation.override(language):
            labels.update({squash(str(label)): value for value, label in MeasureStatus.choices})
    labels.update({squash(value): value for value in MeasureStatus.values})
    synonyms = {
        "ยังไม่ดำเนินการ": MeasureStatus.PLANNED,
        "วางแผน": MeasureStatus.PLANNED,
        "อยู่ระหว่างดำเนินการ": MeasureStatus.IN_PROGRESS,
        "กำลังดำเนินการ": MeasureStatus.IN_PROGRESS,
        "ดำเนินการแล้ว": MeasureStatus.DONE,
        "เสร็จสิ้น": MeasureStatus.DONE,
        "ดำเนินการแล้วเสร็จ": MeasureStatus.DONE,
        "แล้วเสร็จ": MeasureStatus.DONE,
        "ยกเลิก": MeasureStatus.CANCELLED,
    }
    labels.update(synonyms)
    return labels
