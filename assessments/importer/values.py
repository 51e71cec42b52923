"""One cell's value: scores as ``Decimal`` (Thai digits, "%", text), years, O-item results, bands.

Each parser returns the value or raises ``ValueError`` with a translated message; an empty cell (or
"-") is ``None``. Nothing here knows about rows or sheets.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Collection
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from assessments.sheets import cell_text, strip_zero_width
from ita_portal.thai import BE_OFFSET, arabic_digits

#: Years an ITA result can belong to (Buddhist era): the assessment started in 2557.
FIRST_YEAR = 2557
LAST_YEAR = 2600

_EMPTY = {"", "-", "–", "—", "n/a", "na", "null", "none", "ไม่มีข้อมูล"}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THAI_DIGIT = re.compile("[๐-๙]")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(\d{4})(?!\d)")

_PASSED = {"มี", "ผ่าน", "100", "1", "✓", "✔", "☑", "yes", "y", "true", "pass", "passed", "/", "ใช่"}
_FAILED = {"ไม่มี", "ไม่ผ่าน", "0", "✗", "✘", "×", "x", "☒", "no", "n", "false", "fail", "failed", "ไม่ใช่"}


#: Entries kept per memoised parser: a national file repeats the same few thousand cell values
#: (agency names and codes on every row, "มี"/"ไม่มี", O-codes, two-decimal scores) half a million times.
MEMO_SIZE = 50_000
_MEMOS: list[dict] = []


def memo(fn: Callable) -> Callable:
    """Remember ``fn``'s answer per (type, value, arguments): a pure parser of one cell. Errors are not
    remembered (they carry a translated message); ``clear_memos`` empties every table (after a file)."""
    cache: dict = {}
    _MEMOS.append(cache)

    @functools.wraps(fn)
    def wrapper(value: Any, *args: Any, **kwargs: Any) -> Any:
        key = (value.__class__, value, *args, *kwargs.items()) if args or kwargs else (value.__class__, value)
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value
            return fn(value, *args, **kwargs)
        result = fn(value, *args, **kwargs)
        if len(cache) < MEMO_SIZE:
            cache[key] = result
        return result

    return wrapper


def clear_memos() -> None:
    for cache in _MEMOS:
        cache.clear()


def text_of(value: Any) -> str:
    """A cell as text with Thai digits made Arabic, zero-width marks removed, spaces trimmed."""
    text = value if type(value) is str else cell_text(value)
    if not text.isascii():
        text = strip_zero_width(text)
        if _THAI_DIGIT.search(text):
            text = arabic_digits(text)
    return text.strip()


def is_blank(value: Any) -> bool:
    if value.__class__ is str:
        if value.isascii():
            text = value.strip()
            return len(text) <= 4 and text.lower() in _EMPTY  # the ASCII words of _EMPTY are short
        return _blank_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return isinstance(value, float) and (math.isnan(value) or math.isinf(value))
    return value is None or value == "" or text_of(value).lower() in _EMPTY


@memo
def _blank_text(value: str) -> bool:
    return text_of(value).lower() in _EMPTY


def parse_decimal(value: Any) -> Decimal | None:
    """A number as ``Decimal``: 80.89, "80.89", "๘๐.๘๙", "80.89 %", " 1,234.5 ", "80,89"."""
    if isinstance(value, bool):
        raise ValueError(_("Not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(_("Not a number."))
        if value.is_integer():
            return Decimal(int(value))
        return Decimal(repr(value))  # the shortest text that reads back as the same float: 80.89
    if isinstance(value, datetime | date):
        raise ValueError(_("A date where a number is expected."))
    text = text_of(value)
    if text.lower() in _EMPTY:
        return None
    text = re.sub(r"\s+", "", text).removesuffix("%").removeprefix("%")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text and re.match(r"^[+-]?\d+,\d{1,2}$", text):
        text = text.replace(",", ".")  # a decimal comma
    if not _NUMBER.match(text):
        raise ValueError(_("Not a number."))
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(_("Not a number.")) from None


def parse_score(value: Any, *, top: Decimal = Decimal(100)) -> Decimal | None:
    """A score between 0 and ``top`` (100, or a tool's weight)."""
    number = parse_decimal(value)
    if number is not None and not (0 <= number <= top):
        raise ValueError(_("The score must be between 0 and %(top)s.") % {"top": top})
    return number


def parse_year(value: Any) -> int | None:
    """A Buddhist-era year: 2565, "๒๕๖๕", "ปีงบประมาณ พ.ศ. 2565", 2022 (Christian era), "65"."""
    if isinstance(value, datetime | date):
        return value.year + BE_OFFSET
    number: int | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            number = int(value)
    else:
        text = text_of(value)
        if text.lower() in _EMPTY:
            return None
        if re.fullmatch(r"\d{2}", text):
            number = 2500 + int(text)
        else:
            found = _YEAR_IN_TEXT.findall(text)
            if len(set(found)) == 1:
                number = int(found[0])
    if number is None:
        raise ValueError(_("Not a year."))
    if number < 2400:
        number += BE_OFFSET
    if not (FIRST_YEAR <= number <= LAST_YEAR):
        raise ValueError(
            _("Unknown year %(year)s: ITA results exist from %(first)s on.")
            % {
                "year": number,
                "first": FIRST_YEAR,
            }
        )
    return number


def year_in_text(text: str) -> int | None:
    """A year named in a title ("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕"), if it names exactly one."""
    text = arabic_digits(text)
    years = set()
    for found in _YEAR_IN_TEXT.findall(text):
        number = int(found)
        number = number + BE_OFFSET if number < 2400 else number
        if FIRST_YEAR <= number <= LAST_YEAR:
            years.add(number)
    return years.pop() if len(years) == 1 else None


def parse_item_result(value: Any) -> bool | None:
    """An O-item's result: มี/ไม่มี, ผ่าน/ไม่ผ่าน, 100/0, ✓/✗ -> True/False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (100, 1):
            return True
        if value == 0:
            return False
        raise ValueError(_("An O-item's result is 100 or 0 (มี/ไม่มี, ผ่าน/ไม่ผ่าน)."))
    text = text_of(value)
    key = re.sub(r"\s+", "", text).lower().removesuffix("%")
    if key in _EMPTY and key != "ไม่มีข้อมูล":
        return None
    if key in _PASSED:
        return True
    if key in _FAILED:
        return False
    raise ValueError(_("An O-item's result is 100 or 0 (มี/ไม่มี, ผ่าน/ไม่ผ่าน)."))


def parse_band(value: Any, allowed: Collection[str] | None) -> str | None:
    """A band ("AA", "A", ..., "aa", "ระดับ A", "A (85.00-94.99)"): one of ``allowed`` when given."""
    text = text_of(value)
    if text.lower() in _EMPTY:
        return None
    key = re.sub(r"\s+", "", text).upper().removeprefix("ระดับ")
    match = re.match(r"^([A-Z]{1,2}\+?)(?![A-Z])", key)
    band = match.group(1) if match else key
    if allowed is not None:
        by_key = {b.upper(): b for b in allowed}
        if band not in by_key:
            raise ValueError(
                _("“%(band)s” is not a band of this year (%(bands)s).")
                % {"band": text, "bands": ", ".join(allowed)}
            )
        return by_key[band]
    if not match:
        raise ValueError(_("“%(band)s” is not a band.") % {"band": text})
    return band
