"""manage.py dump_measure_templates [--out FILE]: write the template table in the library's file format.

What it writes loads back with ``load_measure_templates`` unchanged (inactive templates included,
marked ``"active": false``). The notes are the shipped file's.
"""

import json

from django.core.management.base import BaseCommand

from measures.template_library import shipped_notes, templates_dump


def dump_text() -> str:
    return json.dumps(templates_dump(shipped_notes()), ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "Write the measure templates of the database in the format of fixtures/measure_templates.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", help="file to write (default: standard output)")

    def handle(self, *args, out, **options) -> None:
        text = dump_text()
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
