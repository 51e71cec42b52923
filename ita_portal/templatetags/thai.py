"""Template filters for Buddhist-era dates and Thai digits (all through ita_portal.thai)."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from ita_portal import thai

register = template.Library()


@register.filter
def thaidate(value: date | datetime | None, style: str = "long") -> str:
    """{{ day|thaidate }} -> "21 เมษายน 2565"; {{ day|thaidate:"short" }} -> "21 เม.ย. 65"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return thai.format_date(value, style)


@register.filter
def thaidigits(value: object) -> str:
    """{{ "ที่ 079"|thaidigits }} -> "ที่ ๐๗๙"."""
    return thai.thai_digits(value)


@register.filter
def fiscalyear(value: int) -> str:
    """{{ 2565|fiscalyear }} -> "ปีงบประมาณ พ.ศ. 2565"."""
    return thai.format_fiscal_year(int(value))
