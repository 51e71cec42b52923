"""manage.py load_measure_templates [FILE]: load the measure template library into the database.

The file (default: the shipped fixtures/measure_templates.json) is validated whole first, by the
file parser's rules and against the shipped frameworks' concept keys; any problem exits with status 2
and nothing is written. An unchanged file changes nothing; templates an admin edited are kept
unless --force.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.audit import command_context
from assessments.json_input import JsonInputError, parse_json, read_file
from assessments.management.commands.load_framework import one_line
from measures.template_file import SHIPPED_FILE, TemplateFileError
from measures.template_library import check_templates, measure_templates_load


class Command(BaseCommand):
    help = (
        "Load the measure template library (default: fixtures/measure_templates.json) into the "
        "database. An unchanged file changes nothing; templates edited in the admin are kept unless "
        "--force. Any problem in the file exits with status 2 and writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(SHIPPED_FILE), help="template library JSON file")
        parser.add_argument("--force", action="store_true", help="overwrite templates edited in the admin")
        parser.add_argument("--dry-run", action="store_true", help="validate the file, write nothing")

    def handle(self, *args, file, force, dry_run, **options) -> None:
        try:
            specs = check_templates(parse_json(read_file(file)))
        except JsonInputError as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from exc
        except TemplateFileError as exc:
            raise CommandError(f"{file}: {one_line(exc.problems)}", returncode=2) from exc
        if dry_run:
            self.stdout.write(_("%(count)s templates are valid; nothing written.") % {"count": len(specs)})
            return
        with command_context("load_measure_templates"):
            result = measure_templates_load(specs=specs, force=force)
        self.stdout.write(
            _(
                "Measure templates: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(kept)s edited in the admin and kept."
            )
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
                "kept": len(result.kept_edited),
            }
        )
        if result.kept_edited:
            self.stdout.write(
                _("Kept (use --force to overwrite): %(codes)s") % {"codes": ", ".join(result.kept_edited)}
            )
