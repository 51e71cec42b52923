"""manage.py import_measures FILE.xlsx --org ORG --year 2565 [--round 6] [--dry-run] [--json]

The same engine as the upload page (``measures.import_services.measures_import``): every row is
checked first, then all rows are written in one transaction or none. Exit status 0 without errors,
1 with errors (nothing written; bad workbooks, unknown organization or year too), 2 for a command
line that cannot be understood. Writes as a system actor: the audit entries say
"manage.py import_measures".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from assessments.access import SystemActor
from assessments.audit import command_context
from assessments.command_input import InputError, ThaiUsageCommand, problem_line, read_input
from assessments.json_input import printable
from assessments.models import Assessment, Organization
from measures.import_services import measures_import
from measures.importer import Problem

MAX_FILE = 10 * 1024 * 1024


def _round(text: str) -> int:
    if text not in ("3", "6", "9", "12"):
        raise ValueError(text)
    return int(text)


class Command(ThaiUsageCommand):
    help = (
        "Import a year's improvement measures from an Excel (.xlsx, .xls) or OpenDocument (.ods) table: "
        "the exported layout or the looser tables agencies keep. Every row is checked first; then all rows "
        "are written or none. --json prints {measures, created, updated, unchanged, warnings, errors}. "
        "Exit status 0 without errors, 1 with errors (nothing written), 2 for a bad command line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the workbook (.xlsx, .xls, .ods), at most 10 MiB")
        parser.add_argument("--org", required=True, help="ITAS code (e.g. DEMO-5401) or exact name")
        parser.add_argument("--year", required=True, type=int, help="fiscal year (B.E.), e.g. 2565")
        parser.add_argument(
            "--round",
            type=_round,
            default=None,
            help="round (3, 6, 9 or 12 months) a result column reports on; default: the round a title "
            "row names, else the latest due round",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = options["json"]
        path = Path(options["file"])
        try:
            data = read_input(path, MAX_FILE)
        except InputError as exc:
            self._fail(str(exc))
        org_text = options["org"].strip()
        organization = Organization.objects.filter(Q(itas_code=org_text) | Q(name=org_text)).first()
        if organization is None or not org_text:
            message = _("No organization has the ITAS code or name “%(org)s”.")
            self._fail(message % {"org": printable(org_text, 100)})
        assessment = Assessment.objects.filter(organization=organization, fiscal_year=options["year"]).first()
        if assessment is None:
            self._fail(
                _("%(org)s has no assessment of fiscal year %(year)s.")
                % {"org": organization.name, "year": options["year"]}
            )
        with command_context("import_measures"):
            result = measures_import(
                assessment=assessment,
                data=data,
                user=SystemActor(organization.pk),
                round_month=options["round"],
                dry_run=options["dry_run"],
            )
        if self.as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for problem in result.warnings:
                self.stdout.write(problem_line(_("warning"), problem))
            for problem in result.errors:
                self.stderr.write(problem_line(_("error"), problem))
            summary = _(
                "%(measures)s measures: %(created)s new, %(updated)s updated, %(unchanged)s unchanged."
            ) % {
                "measures": len(result.rows),
                "created": result.count("new"),
                "updated": result.count("update"),
                "unchanged": result.count("unchanged"),
            }
            if not result.errors:
                if not result.written:
                    summary = f"{summary} {_('Dry run: nothing was written.')}"
                self.stdout.write(summary)
        if result.errors:
            sys.exit(1)

    def _fail(self, message: str) -> None:
        """A workbook, organization or year that cannot be imported: exit 1, nothing written."""
        if self.as_json:
            problem = Problem("", 0, "", message)
            payload = {"measures": 0, "created": 0, "updated": 0, "unchanged": 0, "warnings": []}
            self.stdout.write(json.dumps({**payload, "errors": [problem.as_dict()]}, ensure_ascii=False))
        else:
            self.stderr.write(printable(message))
        sys.exit(1)
