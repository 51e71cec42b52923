"""manage.py draft_item_mapping --from 2565 --to 2566 [--out FILE]: draft the item mapping between two
framework versions from their files' ``concept`` / ``replaces_concepts`` fields.

An admin runs it once for a new year, reviews the file (an item with ``"to": []`` has no successor by
concept: check it against the NACC manual) and commits it under fixtures/item_mappings/. The draft is
validated with the same parser the portal uses before it is written.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments.framework_file import FrameworkFileError, load_framework_file
from assessments.management.commands.load_framework import one_line
from measures.item_mapping import (
    ItemMappingError,
    VersionCodes,
    draft_item_mapping,
    parse_item_mapping,
)

FRAMEWORK_DIR = Path(__file__).resolve().parents[3] / "fixtures" / "frameworks"
NOTES = (
    "Item mapping %(from)s -> %(to)s, drafted by manage.py draft_item_mapping from the framework files' "
    'concept / replaces_concepts fields. "to": [] means no successor by concept; review such items '
    "against the NACC manual before relying on them."
)


def draft_text(from_year: int, to_year: int, framework_dir: Path = FRAMEWORK_DIR) -> str:
    """The drafted mapping as the committed file's text (validated)."""
    source = VersionCodes.from_spec(load_framework_file(framework_dir / f"ita-{from_year}.json"))
    target = VersionCodes.from_spec(load_framework_file(framework_dir / f"ita-{to_year}.json"))
    data = draft_item_mapping(source, target, NOTES % {"from": from_year, "to": to_year})
    parse_item_mapping(data, source, target)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = (
        "Draft the item mapping between two fiscal years' framework files (fixtures/frameworks/"
        "ita-YYYY.json) from their concept keys, to review and commit under fixtures/item_mappings/."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="from_year", type=int, required=True, help="earlier fiscal year")
        parser.add_argument("--to", dest="to_year", type=int, required=True, help="later fiscal year")
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument(
            "--frameworks", default=str(FRAMEWORK_DIR), help="folder of the ita-YYYY.json framework files"
        )

    def handle(self, *args, from_year, to_year, out, frameworks, **options) -> None:
        if from_year >= to_year:
            raise CommandError(_("--from must be an earlier year than --to."), returncode=2)
        try:
            text = draft_text(from_year, to_year, Path(frameworks))
        except (OSError, FrameworkFileError, ItemMappingError) as exc:
            problems = getattr(exc, "problems", None) or [("", str(exc))]
            raise CommandError(one_line(problems), returncode=2) from exc
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
