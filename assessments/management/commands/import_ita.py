"""manage.py import_ita FILE [--year 2565] [--dry-run] [--json] [--create-agencies]

The same engine as the upload pages (``assessments.itas_import.itas_import``): every agency-year is
checked first, then all are written in one transaction or none. Exit status 0 without errors, 1 with
errors (nothing written; unreadable files too), 2 for a command line that cannot be understood.
Writes as the command line (site-wide, no person): the audit entries say "manage.py import_ita".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from assessments.audit import command_context
from assessments.command_input import InputError, ThaiUsageCommand, problem_line, read_input
from assessments.importer import Problem
from assessments.itas_import import COMMAND_LINE, CREATED, UNCHANGED, UPDATED, ItasImportResult, itas_import
from assessments.json_input import printable

#: A national workbook (8,300 agencies, about 450,000 rows) is some 20 MiB as .xlsx, more as .csv.
MAX_FILE = 100 * 1024 * 1024


def _year(text: str) -> int:
    year = int(text.strip())
    if not 2500 <= year <= 2700:
        raise ValueError(text)
    return year


class Command(ThaiUsageCommand):
    help = (
        "Import ITA results of agencies (ITAS downloads or retyped tables: .xlsx, .xls, .ods, .csv). "
        "Agencies are matched by ITAS code, then by name and province. Every row is checked first; then "
        "everything is written or nothing. --json prints {agencies, created, updated, unchanged, warnings, "
        "errors, discrepancies, results}. Exit status 0 without errors, 1 with errors (nothing written), "
        "2 for a bad command line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file (.xlsx, .xls, .ods, .csv), at most 100 MiB")
        parser.add_argument(
            "--year",
            type=_year,
            default=None,
            help="fiscal year (B.E.) to import, e.g. 2565; required when the file holds several years",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="create the agencies the portal does not know yet (from the name's prefix and the province)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = options["json"]
        path = Path(options["file"])
        try:
            data = read_input(path, MAX_FILE)
        except InputError as exc:
            self._fail(str(exc))
        with command_context("import_ita"):
            result = itas_import(
                data=data,
                year=options["year"],
                user=COMMAND_LINE,
                dry_run=options["dry_run"],
                create_agencies=options["create_agencies"],
            )
        if self.as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._report(result)
        if result.errors:
            sys.exit(1)

    def _report(self, result: ItasImportResult) -> None:
        for problem in result.warnings:
            self.stdout.write(problem_line(_("warning"), problem))
        for d in result.discrepancies:
            message = _(
                "%(agency)s %(year)s: published %(published_total)s %(published_band)s, "
                "computed %(computed_total)s %(computed_band)s."
            ) % {key: ("-" if value in (None, "") else value) for key, value in d.as_dict().items()}
            label = _("discrepancy")
            self.stdout.write(printable(f"{label}: {message}"))
        for problem in result.errors:
            self.stderr.write(problem_line(_("error"), problem))
        if result.errors:
            return
        summary = _(
            "%(agencies)s agency-years: %(created)s new, %(updated)s updated, %(unchanged)s unchanged."
        ) % {
            "agencies": len(result.outcomes),
            "created": result.count(CREATED),
            "updated": result.count(UPDATED),
            "unchanged": result.count(UNCHANGED),
        }
        if not result.written:
            summary = f"{summary} {_('Dry run: nothing was written.')}"
        self.stdout.write(summary)

    def _fail(self, message: str) -> None:
        """A file that cannot be read: exit 1, nothing written."""
        if self.as_json:
            result = ItasImportResult(errors=[Problem("", 0, "", "", message)])
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self.stderr.write(printable(message))
        sys.exit(1)
