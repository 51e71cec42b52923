"""Text of cells: cleaned the way the exporter writes it, squashed for matching, Thai digits made Arabic."""

from __future__ import annotations

import re

from assessments.sheets import cell_text, squash
from ita_portal.thai import arabic_digits

__all__ = ["arabic_digits", "cell_text", "clean_text", "compare_text", "squash"]

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_TAGS = re.compile(r"</?(p|br|div|span)\b[^>]*>", re.IGNORECASE)
# Bullets and numbering at the start of a line: -, •, *, ๑., 1), (1), ก., ...
_BULLET = re.compile(r"^\s*(?:[-–—•●○◦▪■□✓*]+|\(?[0-9๐-๙]{1,2}[.)](?![0-9๐-๙])|\([0-9๐-๙]{1,2}\))\s*")
_NUMBER_PREFIX = re.compile(r"^\s*([0-9๐-๙]{1,4})\s*[.)]?\s+|^\s*([0-9๐-๙]{1,4})\s*[.)](?![0-9๐-๙])\s*")


def clean_text(value: str) -> str:
    """Lines stripped, runs of spaces made one, empty lines left out, zero-width marks removed."""
    value = _ZERO_WIDTH.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _TAGS.sub("\n", value)
    lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def compare_text(value: str) -> str:
    """What two texts must share to count as the same: ``clean_text`` (what the exporter writes)."""
    return clean_text(value or "")


def _digits(value: str) -> str:
    return arabic_digits(value)
