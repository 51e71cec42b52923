"""What the import and export commands share: reading --year, --org and the input file, writing --out,
a command line they cannot understand, problems as lines, and failing with one line.

Bad input ends a command with exit status 2 and one Thai line on stderr, never a traceback (as
``ita_score`` and ``load_framework`` do); these helpers raise ``InputError`` with that line.
"""

from __future__ import annotations

import re
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, Protocol

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


def read_input(path: Path, max_bytes: int) -> bytes:
    """The input file of an import command: at most ``max_bytes``, readable and not empty."""
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(
                _("The file is larger than %(size)s MiB.") % {"size": max_bytes // (1024 * 1024)}
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_("Cannot read the file %(name)s.") % {"name": printable(str(path), 200)}) from exc
    if not data:
        raise InputError(_("The file is empty."))
    return data


class ThaiUsageCommand(BaseCommand):
    """A command line it cannot understand ends with one Thai line on stderr and exit status 2, not
    argparse's English usage."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> ArgumentParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def usage_error(message: str) -> None:
            sys.stderr.write(
                _("Cannot understand the command line (%(detail)s); see manage.py %(command)s --help.")
                % {"detail": printable(message, 200), "command": subcommand}
                + "\n"
            )
            sys.exit(2)

        parser.error = usage_error  # type: ignore[method-assign]
        return parser


class _Problem(Protocol):
    sheet: str
    row: int
    column: str
    message: str


def problem_line(kind: str, problem: _Problem) -> str:
    """ "warning: sheet มาตรการ row 5 column F: …" — a problem of an import as one line."""
    if problem.row:
        where = _("sheet %(sheet)s row %(row)s column %(column)s") % {
            "sheet": problem.sheet,
            "row": problem.row,
            "column": problem.column,
        }
        return printable(f"{kind}: {where}: {problem.message}")
    return printable(f"{kind}: {problem.message}")
