"""manage.py export_ita --year 2565 [--org ORG] --out FILE.xlsx

The results workbook in the layout the ITAS importer reads (``assessments.itas_export``): published
and computed values in separate columns. ORG is an organization's ITAS code or exact name; without it
every organization's assessment of the year. A system read, no request user. Bad input (a year that is
not one, an unknown organization, no assessment of that year, a file that cannot be written) ends with
exit status 2 and one Thai line on stderr, as ``export_measures`` and ``ita_score`` do.
"""

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.itas_export import itas_workbook
from assessments.json_input import printable
from assessments.models import Assessment, Organization

YEAR = re.compile(r"2[5-7][0-9]{2}")  # a Buddhist-era year, ASCII digits only


class InputError(Exception):
    """Bad input: one line for stderr."""


def find_assessments(year: str, org: str | None) -> list[Assessment]:
    """The year's assessments (of the one organization named, when given), or InputError."""
    if not YEAR.fullmatch(year):
        raise InputError(
            _("--year: expected a fiscal year such as 2565, got %(value)s") % {"value": printable(year, 20)}
        )
    qs = Assessment.objects.select_related("organization", "framework").filter(fiscal_year=int(year))
    if org is not None:
        name = org.strip()
        matches = list(Organization.objects.filter(Q(itas_code=name) | Q(name=name))) if name else []
        organization = next((o for o in matches if o.itas_code == name), None) or next(iter(matches), None)
        if organization is None:
            raise InputError(
                _('--org: no organization has the ITAS code or the name "%(value)s"')
                % {"value": printable(org, 80)}
            )
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


class Command(BaseCommand):
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
        except InputError as exc:
            self._fail(str(exc))
        content = itas_workbook(assessments)
        path = Path(out)
        try:
            path.write_bytes(content)
        except OSError:
            self._fail(
                _("--out: cannot write %(path)s (does the folder exist, and may it be written to?)")
                % {"path": printable(out, 200)}
            )
        count = len(assessments)
        self.stdout.write(
            ngettext("%(path)s: %(count)s organization", "%(path)s: %(count)s organizations", count)
            % {"path": path, "count": count}
        )

    def _fail(self, line: str) -> None:
        """One line on stderr, then exit status 2 (the mechanism of export_measures and ita_score)."""
        self.stderr.write(printable(line))
        sys.exit(2)
