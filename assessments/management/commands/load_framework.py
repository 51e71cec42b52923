"""manage.py load_framework FILE.json [FILE.json ...]: load ITA framework versions.

Every file is read and validated before anything is written (lengths, numbers and codes against the
model fields); all files are then loaded in one transaction, and what was done is printed only after
it committed. Any problem ends with exit status 2 and one line on stderr: the first problem's place
in its file, and how many more there are.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import services
from assessments.audit import command_context
from assessments.framework_file import FrameworkFileError, FrameworkSpec, load_framework_file
from assessments.json_input import printable


def one_line(problems: list[tuple[str, str]]) -> str:
    """The first problem with its place, and how many others there are: one line for scripts and logs.

    (The portal's framework editor shows every problem; here, fix the first and run --dry-run again.)
    """
    where, message = problems[0]
    line = f"{where}: {message}"
    more = len(problems) - 1
    if more:
        line += " " + ngettext("(%(count)s more problem)", "(%(count)s more problems)", more) % {
            "count": more
        }
    return line


class Command(BaseCommand):
    help = (
        "Load ITA framework definition files (the shape of fixtures/frameworks/ita-2565.json). "
        "A year whose newest revision is unchanged is skipped; an unused revision is replaced; a "
        "revision that assessments use is refused unless --new-revision. All files are validated "
        "first and loaded in one transaction; any problem exits with status 2 and one line."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="framework definition JSON files (UTF-8, at most 1 MiB)")
        parser.add_argument("--new-revision", action="store_true", help="add the file as a new revision")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, files, new_revision, dry_run, **options) -> None:
        specs = self._read(files)
        lines = []
        try:
            with command_context("load_framework"), transaction.atomic():
                for spec in specs:
                    result = services.framework_load(spec=spec, new_revision=new_revision)
                    lines.append(
                        f"ITA {spec.fiscal_year} r{result.version.revision}: {result.action} "
                        f"({len(spec.to_scoring().item_codes)} items)"
                    )
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            self._fail(" ".join(exc.messages))
        except IntegrityError:
            self._fail(
                _(
                    "the database refused the change, perhaps because another load ran at the same time; "
                    "nothing was written, run the command again"
                )
            )
        # Only now, after the commit: a refused run must not have claimed "created" for any file.
        for line in lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("dry run: nothing was written")

    def _read(self, files: list[str]) -> list[FrameworkSpec]:
        """Every file validated, or exit with the first of all problems (in all files)."""
        specs: list[FrameworkSpec] = []
        problems: list[tuple[str, str]] = []
        years: dict[int, str] = {}
        for path in files:
            try:
                spec = load_framework_file(path)
            except FrameworkFileError as exc:
                problems += exc.problems
                continue
            name = printable(Path(path).name, 80)
            if spec.fiscal_year in years:
                problems.append(
                    (
                        f"{name}: fiscal_year",
                        _("ITA %(year)s is also in %(other)s; load one file per fiscal year")
                        % {"year": spec.fiscal_year, "other": years[spec.fiscal_year]},
                    )
                )
            years.setdefault(spec.fiscal_year, name)
            specs.append(spec)
        if problems:
            self._fail(one_line(problems))
        return specs

    def _fail(self, line: str) -> None:
        """One line on stderr, then exit status 2; nothing was written."""
        self.stderr.write(printable(line))
        sys.exit(2)
