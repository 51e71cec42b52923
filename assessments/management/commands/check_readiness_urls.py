"""manage.py check_readiness_urls --year 2568 [--org ORG] [--dry-run]

Queue the URL check of the OIT readiness board for a year: one task per organization (its
assessment of the year), run by the worker (``manage.py db_worker``), as the board's "check all"
button does. Bad input (a year that is not one, an unknown organization, no assessment of that year,
a command line it cannot understand) ends with exit status 2 and one Thai line on stderr.
"""

from django.utils.translation import ngettext

from assessments.command_input import InputError, OneLineCommand, ThaiUsageCommand
from assessments.management.commands.export_ita import find_assessments
from assessments.tasks import check_readiness_urls


class Command(OneLineCommand, ThaiUsageCommand):
    help = (
        "Queue the URL check of the OIT readiness board for every organization's assessment of a year "
        "(or one organization's: ITAS code or exact name). The worker (manage.py db_worker) runs them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", required=True, help="fiscal year (B.E.), e.g. 2568")
        parser.add_argument("--org", help="ITAS code or exact name of one organization")
        parser.add_argument("--dry-run", action="store_true", help="list the organizations, queue nothing")

    def handle(self, *args, year, org, dry_run, **options) -> None:
        try:
            assessments = find_assessments(year, org)
        except InputError as exc:
            self.fail(str(exc))
        for assessment in assessments:
            if not dry_run:
                check_readiness_urls.enqueue(assessment.pk)
            self.stdout.write(f"{assessment.organization.name} (ITA {assessment.fiscal_year})")
        count = len(assessments)
        line = ngettext(
            "%(count)s organization queued for the URL check",
            "%(count)s organizations queued for the URL check",
            count,
        )
        if dry_run:
            line = ngettext(
                "dry run: %(count)s organization would be queued",
                "dry run: %(count)s organizations would be queued",
                count,
            )
        self.stdout.write(line % {"count": count})
