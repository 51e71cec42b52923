"""manage.py export_ita --year 2565 [--org ORG] --out FILE.xlsx

The results workbook in the layout the ITAS importer reads (``assessments.itas_export``): published
and computed values in separate columns. ORG is an organization's ITAS code or exact name; without it
every organization's assessment of the year. A system read, no request user. Bad input (a year that is
not one, an unknown organization, no assessment of that year, a file that cannot be written) ends with
exit status 2 and one Thai line on stderr, as ``export_measures`` and ``ita_score`` do.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.command_input import InputError, OneLineCommand, find_organization, parse_year, write_out
from assessments.itas_export import itas_workbook
from assessments.models import Assessment


def find_assessments(year: str, org: str | None) -> list[Assessment]:
    """The year's assessments (of the one organization named, when given), or InputError."""
    fiscal_year = parse_year(year)
    qs = Assessment.objects.select_related("organization", "framework").filter(fiscal_year=fiscal_year)
    if org is not None:
        organization = find_organization(org)
        assessments = list(qs.filter(organization=organization))
        if not assessments:
            raise InputError(
                _("%(organization)s has no assessment for fiscal year %(year)s")
                % {"organization": organization.name, "year": year}
            )
        return assessments
    assessments = list(qs.order_by("organization__name"))
    if not assessments:
        raise InputError(_("No organization has an assessment for fiscal year %(year)s") % {"year": year})
    return assessments


class Command(OneLineCommand):
    help = (
        "Export a year's ITA results to an Excel file in the layout import_ita reads: published and "
        "computed values in separate columns, O-item results and question scores on their own sheets. "
        "ORG is the organization's ITAS code (e.g. DEMO-5401) or its exact name; without --org every "
        "organization's assessment of the year. Bad input exits with status 2 and one line on stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="fiscal year (B.E.), e.g. 2565")
        parser.add_argument("--org", help="ITAS code or exact name of one organization")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, year, org, out, **options) -> None:
        try:
            assessments = find_assessments(year, org)
            path = write_out(out, itas_workbook(assessments))
        except InputError as exc:
            self.fail(str(exc))
        count = len(assessments)
        self.stdout.write(
            ngettext("%(path)s: %(count)s organization", "%(path)s: %(count)s organizations", count)
            % {"path": path, "count": count}
        )
