"""What the export commands share: reading --year and --org, writing --out, and failing with one line.

Bad input ends a command with exit status 2 and one Thai line on stderr, never a traceback (as
``ita_score`` and ``load_framework`` do); these helpers raise ``InputError`` with that line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils.translation import gettext as _

from .json_input import printable
from .models import Organization

YEAR = re.compile(r"2[5-7][0-9]{2}")  # a Buddhist-era year, ASCII digits only


class InputError(Exception):
    """Bad input: one line for stderr."""


def parse_year(value: str) -> int:
    """``--year``: a Buddhist-era fiscal year such as 2565."""
    if not YEAR.fullmatch(value):
        raise InputError(
            _("--year: expected a fiscal year such as 2565, got %(value)s") % {"value": printable(value, 20)}
        )
    return int(value)


def find_organization(value: str) -> Organization:
    """``--org``: the organization with this ITAS code (preferred) or exact name."""
    name = value.strip()
    matches = list(Organization.objects.filter(Q(itas_code=name) | Q(name=name))) if name else []
    organization = next((o for o in matches if o.itas_code == name), None) or next(iter(matches), None)
    if organization is None:
        raise InputError(
            _('--org: no organization has the ITAS code or the name "%(value)s"')
            % {"value": printable(value, 80)}
        )
    return organization


def write_out(out: str, content: bytes) -> Path:
    """``--out``: write the file, or say why it cannot be written."""
    path = Path(out)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise InputError(
            _("--out: cannot write %(path)s (does the folder exist, and may it be written to?)")
            % {"path": printable(out, 200)}
        ) from exc
    return path


class OneLineCommand(BaseCommand):
    """A command whose bad input ends with one line on stderr and exit status 2."""

    def fail(self, line: str) -> None:
        self.stderr.write(printable(line))
        sys.exit(2)
