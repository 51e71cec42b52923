"""Buddhist-era dates, fiscal years and Thai digits (ita_portal.thai and its template filters)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from ita_portal import thai


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2021, 10, 1), 2565),
        (date(2022, 9, 30), 2565),
        (date(2022, 10, 1), 2566),
        (date(2022, 4, 21), 2565),
    ],
)
def test_fiscal_year_of(day, fiscal_year):
    assert thai.fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds():
    assert thai.fiscal_year_bounds(2565) == (date(2021, 10, 1), date(2022, 9, 30))


def test_year_conversions():
    assert thai.be_year(2022) == 2565
    assert thai.ce_year(2565) == 2022


@pytest.mark.parametrize(
    ("style", "digits", "text"),
    [
        ("long", "arabic", "21 เมษายน 2565"),
        ("long", "thai", "๒๑ เมษายน ๒๕๖๕"),
        ("short", "arabic", "21 เม.ย. 65"),
        ("month", "thai", "เม.ย. ๖๕"),
    ],
)
def test_format_date(style, digits, text):
    assert thai.format_date(date(2022, 4, 21), style, digits=digits) == text


def test_format_period_of_the_six_month_round():
    assert thai.format_period(date(2021, 10, 1), date(2022, 3, 31)) == "ต.ค. 64 – มี.ค. 65"


def test_digits_both_ways():
    assert thai.thai_digits("ที่ สน 53001/079") == "ที่ สน ๕๓๐๐๑/๐๗๙"
    assert thai.arabic_digits("๘๘.๘๑") == "88.81"


def test_unknown_style_is_refused():
    with pytest.raises(ValueError):
        thai.format_date(date(2022, 4, 21), "fancy")


def test_template_filters_use_bangkok_time():
    template = Template(
        '{% load thai %}{{ when|thaidate:"datetime" }} · {{ 2565|fiscalyear }} · {{ "12"|thaidigits }}'
    )
    when = datetime(2022, 4, 20, 20, 30, tzinfo=ZoneInfo("UTC"))  # 03:30 on the 21st in Bangkok
    assert (
        template.render(Context({"when": when})) == "21 เมษายน 2565 เวลา 03:30 น. · ปีงบประมาณ พ.ศ. 2565 · ๑๒"
    )
