"""manage.py export_measures --org ORG --year 2565 --out FILE.xlsx [--round 6] [--layout number]

The same workbook as the list page's download (``measures.excel.measures_workbook``), read without a
request user: the system read of the one organization named. Bad input (unknown organization, no
assessment of that year, a round or layout that does not exist, a file that cannot be written) ends
with exit status 2 and one Thai line on stderr, as ``ita_score`` and ``load_framework`` do.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.command_input import InputError, OneLineCommand, find_organization, parse_year, write_out
from assessments.json_input import printable
from assessments.models import Assessment
from measures.excel import measures_workbook
from measures.listing import LAYOUTS
from measures.models import Measure
from measures.rounds import ROUND_MONTHS


def find_assessment(org: str, year: str) -> Assessment:
    """The assessment of the organization named by ITAS code (preferred) or exact name, or InputError."""
    fiscal_year = parse_year(year)
    organization = find_organization(org)
    assessment = (
        Assessment.objects.select_related("organization", "framework")
        .filter(organization=organization, fiscal_year=fiscal_year)
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


class Command(OneLineCommand):
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
            content = measures_workbook(assessment, user=None, round_month=month, layout=layout)
            path = write_out(out, content)
        except InputError as exc:
            self.fail(str(exc))
        count = Measure.objects.filter(assessment=assessment).count()
        self.stdout.write(
            ngettext("%(path)s: %(count)s measure", "%(path)s: %(count)s measures", count)
            % {"path": path, "count": count}
        )
