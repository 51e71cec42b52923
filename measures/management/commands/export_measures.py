"""manage.py export_measures --org ORG --year 2565 --out FILE.xlsx [--round 6] [--layout number]

The same workbook as the list page's download (``measures.excel.measures_workbook``), read without a
request user: the system read of the one organization named. Bad input (unknown organization, no
assessment of that year, a round or layout that does not exist, a file that cannot be written) ends
with exit status 2 and one Thai line on stderr, as ``ita_score`` and ``load_framework`` do.
"""

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.json_input import printable
from assessments.models import Assessment, Organization
from measures.excel import measures_workbook
from measures.listing import LAYOUTS
from measures.models import Measure
from measures.rounds import ROUND_MONTHS

YEAR = re.compile(r"2[5-7][0-9]{2}")  # a Buddhist-era year, ASCII digits only


class InputError(Exception):
    """Bad input: one line for stderr."""


def find_assessment(org: str, year: str) -> Assessment:
    """The assessment of the organization named by ITAS code (preferred) or exact name, or InputError."""
    if not YEAR.fullmatch(year):
        raise InputError(
            _("--year: expected a fiscal year such as 2565, got %(value)s") % {"value": printable(year, 20)}
        )
    name = org.strip()
    matches = list(Organization.objects.filter(Q(itas_code=name) | Q(name=name))) if name else []
    organization = next((o for o in matches if o.itas_code == name), None) or next(iter(matches), None)
    if organization is None:
        raise InputError(
            _('--org: no organization has the ITAS code or the name "%(value)s"')
            % {"value": printable(org, 80)}
        )
    assessment = (
        Assessment.objects.select_related("organization", "framework")
        .filter(organization=organization, fiscal_year=int(year))
        .first()
    )
    if assessment is None:
        raise InputError(
            _("%(organization)s has no assessment for fiscal year %(year)s")
            % {"organization": organization.name, "year": year}
        )
    return assessment


def parse_round(value: str | None) -> int | None:
    if value is None:
        return None
    if value.strip() not in {str(m) for m in ROUND_MONTHS}:
        raise InputError(
            _("--round: expected 3, 6, 9 or 12 (months of the fiscal year), got %(value)s")
            % {"value": printable(value, 20)}
        )
    return int(value)


def parse_layout(value: str) -> str:
    if value not in LAYOUTS:
        raise InputError(
            _("--layout: expected one of %(choices)s, got %(value)s")
            % {"choices": ", ".join(LAYOUTS), "value": printable(value, 20)}
        )
    return value


class Command(BaseCommand):
    help = (
        "Export a year's improvement measures and their progress to an Excel file laid out to print "
        "(the same file as the list page's download, and the layout import_measures reads). ORG is the "
        "organization's ITAS code (e.g. DEMO-5401) or its exact name. Without --round the latest round "
        "with a report is exported. Bad input exits with status 2 and one line on stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="ITAS code or exact name of the organization")
        parser.add_argument("--year", required=True, help="fiscal year (B.E.), e.g. 2565")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--round", dest="round_month", help="round to export: 3, 6, 9 or 12")
        parser.add_argument("--layout", default="number", help=f"grouping: {', '.join(LAYOUTS)}")

    def handle(self, *args, org, year, out, round_month, layout, **options) -> None:
        try:
            month = parse_round(round_month)
            layout = parse_layout(layout)
            assessment = find_assessment(org, year)
        except InputError as exc:
            self._fail(str(exc))
        content = measures_workbook(assessment, user=None, round_month=month, layout=layout)
        path = Path(out)
        try:
            path.write_bytes(content)
        except OSError:
            self._fail(
                _("--out: cannot write %(path)s (does the folder exist, and may it be written to?)")
                % {"path": printable(out, 200)}
            )
        count = Measure.objects.filter(assessment=assessment).count()
        self.stdout.write(
            ngettext("%(path)s: %(count)s measure", "%(path)s: %(count)s measures", count)
            % {"path": path, "count": count}
        )

    def _fail(self, line: str) -> None:
        """One line on stderr, then exit status 2 (the mechanism of ita_score and load_framework)."""
        self.stderr.write(printable(line))
        sys.exit(2)
