"""manage.py load_framework FILE.json [FILE.json ...]: load ITA framework versions."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import services
from assessments.framework_file import FrameworkFileError, load_framework_file


class Command(BaseCommand):
    help = (
        "Load ITA framework definition files (the shape of fixtures/frameworks/ita-2565.json). "
        "A year whose newest revision is unchanged is skipped; an unused revision is replaced; a "
        "revision that assessments use is refused unless --new-revision."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="framework definition JSON files")
        parser.add_argument("--new-revision", action="store_true", help="add the file as a new revision")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, files, new_revision, dry_run, **options) -> None:
        try:
            specs = [load_framework_file(path) for path in files]
        except FrameworkFileError as exc:
            raise CommandError("\n".join(f"{where}: {message}" for where, message in exc.problems)) from exc
        try:
            with transaction.atomic():
                for spec in specs:
                    result = services.framework_load(spec=spec, new_revision=new_revision)
                    self.stdout.write(
                        f"ITA {spec.fiscal_year} r{result.version.revision}: {result.action} "
                        f"({len(spec.to_scoring().item_codes)} items)"
                    )
                if dry_run:
                    transaction.set_rollback(True)
                    self.stdout.write("dry run: nothing was written")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
