"""manage.py import_ita FILE [--year 2565] [--dry-run] [--json] [--create-agencies] [--mapping NAME]

The same engine as the upload pages (``assessments.itas_import.itas_import``): every agency-year is
checked first, then all are written in one transaction or none. Exit status 0 without errors, 1 with
errors (nothing written; unreadable files too), 2 for a command line that cannot be understood.
``--mapping NAME`` applies a column mapping saved on the mapping page (by header text) to every
sheet whose header holds the mapping's header texts. Writes as the command line (site-wide, no
person): the audit entries say "manage.py import_ita".
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
from assessments.mapping_services import column_mapping, sheet_keys
from assessments.models import ImportMapping

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
        parser.add_argument(
            "--mapping",
            default=None,
            metavar="NAME",
            help="apply the column mapping saved under this name (on the import's mapping page)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = options["json"]
        path = Path(options["file"])
        try:
            data = read_input(path, MAX_FILE)
        except InputError as exc:
            self._fail(str(exc))
        mappings = self._mappings(data, options) if options["mapping"] else None
        with command_context("import_ita"):
            result = itas_import(
                data=data,
                year=options["year"],
                user=COMMAND_LINE,
                dry_run=options["dry_run"],
                create_agencies=options["create_agencies"],
                mappings=mappings,
            )
        if self.as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._report(result)
        if result.errors:
            sys.exit(1)

    def _mappings(self, data: bytes, options: dict[str, Any]) -> dict[str, Any]:
        """Sheet name -> the saved mapping laid on its columns (a site-wide mapping of that name first)."""
        name = options["mapping"].strip()
        found = list(ImportMapping.objects.filter(name=name).order_by("organization_id")[:2])
        if not found or (len(found) == 2 and found[0].organization_id is not None):
            message = _(
                "No saved column mapping is named “%(name)s” (or several organizations use the name)."
            )
            self._fail(message % {"name": name})
        saved = found[0]
        detected = itas_import(data=data, year=options["year"], user=COMMAND_LINE, dry_run=True)
        sheets = detected.reading.sheets if detected.reading else ()
        wanted = set(saved.headers)
        fitting = {
            s.name: column_mapping(saved, s) for s in sheets if s.columns and wanted <= set(sheet_keys(s))
        }
        if not fitting:
            self._fail(_("The column mapping “%(name)s” fits no sheet of the file.") % {"name": name})
        return fitting

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
