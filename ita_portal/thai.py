"""Buddhist-era dates, Thai fiscal years and Thai digits: the one place that knows about them.

Nobody else writes ``+ 543``. Formatting goes through pythainlp (DOMAIN.md §1):

* พ.ศ. = ค.ศ. + 543;
* ปีงบประมาณ 2565 runs 1 October 2021 to 30 September 2022, named by the Buddhist-era year of its end;
* formal documents write dates as "๒๑ เมษายน ๒๕๖๕" and short periods as "ต.ค. ๖๔".
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime

BE_OFFSET = 543
FISCAL_YEAR_START_MONTH = 10


def be_year(ce_year: int) -> int:
    """Buddhist-era year of a Common-era year: 2022 -> 2565."""
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    """Common-era year of a Buddhist-era year: 2565 -> 2022."""
    return be - BE_OFFSET


def fiscal_year_of(day: date) -> int:
    """Buddhist-era fiscal year a day belongs to: 1 Oct 2021 -> 2565."""
    year = day.year + 1 if day.month >= FISCAL_YEAR_START_MONTH else day.year
    return be_year(year)


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a Buddhist-era fiscal year: 2565 -> (2021-10-01, 2022-09-30)."""
    end_ce = ce_year(fiscal_year)
    return date(end_ce - 1, FISCAL_YEAR_START_MONTH, 1), date(end_ce, 9, 30)


def thai_digits(text: object) -> str:
    """Arabic digits to Thai digits: "ที่ 079" -> "ที่ ๐๗๙"."""
    return arabic_digit_to_thai_digit(str(text))


def arabic_digits(text: str) -> str:
    """Thai digits to Arabic digits, so "๘๘.๘๑" can be read as a number."""
    return thai_digit_to_arabic_digit(text)


def format_date(day: date | datetime, style: str = "long", *, digits: str = "arabic") -> str:
    """A date the Thai way, with a Buddhist-era year.

    ``long``: "21 เมษายน 2565"; ``short``: "21 เม.ย. 65"; ``month``: "เม.ย. 65";
    ``month_long``: "เมษายน 2565";
    ``datetime``: "21 เมษายน 2565 เวลา 14:30 น.". ``digits="thai"`` writes Thai digits.
    """
    formats = {
        "long": "%-d %B %Y",
        "short": "%-d %b %y",
        "month": "%b %y",
        "month_long": "%B %Y",
        "datetime": "%-d %B %Y เวลา %H:%M น.",
    }
    if style not in formats:
        raise ValueError(f"unknown date style {style!r}")
    return thai_strftime(day, formats[style], thaidigit=digits == "thai")


def format_fiscal_year(fiscal_year: int, *, digits: str = "arabic") -> str:
    """ "ปีงบประมาณ พ.ศ. 2565" in Thai, "fiscal year 2565 BE" in English."""
    text = _("fiscal year B.E. %(year)s") % {"year": fiscal_year}
    return thai_digits(text) if digits == "thai" else text


def format_period(start: date, end: date, *, digits: str = "arabic") -> str:
    """A reporting period like "ต.ค. 64 – มี.ค. 65"."""
    return f"{format_date(start, 'month', digits=digits)} – {format_date(end, 'month', digits=digits)}"
