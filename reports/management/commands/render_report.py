"""manage.py render_report --org ORG --year 2565 --kind analysis|measures|progress [--round 6]
[--layout by-indicator] --out FILE.pdf

The same PDF as the report pages' download (``reports.documents.render_report_pdf``), in the
organization's digits (Thai by default). Bad input (unknown organization or year, a round or layout
that does not exist, a report without its data, a file that cannot be written) ends with exit status 2
and one Thai line on stderr, never a traceback.

``--kind memo`` renders a memo of the memos app (``--memo ID``, else the organization's latest memo of
the year): an approved memo's stored final PDF (the same bytes as its download), any other memo as a
draft rendered now.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from assessments.command_input import (
    InputError,
    OneLineCommand,
    ThaiUsageCommand,
    find_organization,
    parse_year,
    write_out,
)
from assessments.json_input import printable
from reports import documents

KINDS = (*documents.KINDS, "memo")


def parse_kind(value: str) -> str:
    if value not in KINDS:
        raise InputError(
            _("--kind: expected one of %(choices)s, got %(value)s")
            % {"choices": ", ".join(KINDS), "value": printable(value, 20)}
        )
    return value


def parse_round(value: str | None, kind: str) -> int | None:
    if kind != "progress":
        return None
    if value is None or value.strip() not in {"3", "6", "9", "12"}:
        raise InputError(
            _("--round: a progress report needs a round of 3, 6, 9 or 12 months, got %(value)s")
            % {"value": printable(value or "–", 20)}
        )
    return int(value)


def parse_layout(value: str | None) -> str | None:
    if value is None:
        return None
    if documents.normalize_layout(value) is None:
        raise InputError(
            _("--layout: expected one of %(choices)s, got %(value)s")
            % {"choices": ", ".join(documents.LAYOUT_NAMES), "value": printable(value, 20)}
        )
    return value


def find_memo(organization, fiscal_year: int, value: str | None):
    """``--memo ID`` of the organization, or its latest memo of the year."""
    from memos.models import Memo

    memos = Memo.objects.filter(organization=organization).select_related("organization", "unit", "chain")
    if value is not None:
        found = memos.filter(pk=int(value)).first() if value.strip().isdigit() else None
        if found is None:
            raise InputError(
                _("--memo: the organization has no memo %(value)s") % {"value": printable(value, 20)}
            )
        return found
    found = memos.filter(fiscal_year=fiscal_year).order_by("-created_at", "-pk").first()
    if found is None:
        raise InputError(
            _("--kind memo: the organization has no memo in fiscal year %(year)s") % {"year": fiscal_year}
        )
    return found


class Command(ThaiUsageCommand, OneLineCommand):
    help = (
        "Render a report (analysis, measures plan, progress of a round) to a PDF file, the same file as the "
        "report page's download. ORG is the organization's ITAS code (e.g. DEMO-5401) or its exact name. "
        "Bad input exits with status 2 and one line on stderr."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="ITAS code or exact name of the organization")
        parser.add_argument("--year", required=True, help="fiscal year (B.E.), e.g. 2565")
        parser.add_argument("--kind", required=True, help=f"one of: {', '.join(KINDS)}")
        parser.add_argument("--round", dest="round_month", help="progress: the round, 3, 6, 9 or 12")
        parser.add_argument(
            "--layout", help="measures/progress: number, by-tool, by-indicator, by-item, by-unit"
        )
        parser.add_argument("--memo", help="memo: the memo's number in the portal")
        parser.add_argument("--out", required=True, help="the .pdf file to write")

    def handle(self, *args, org, year, kind, round_month, layout, memo, out, **options) -> None:
        with translation.override("th"):
            try:
                kind = parse_kind(kind)
                fiscal_year = parse_year(year)
                organization = find_organization(org)
                if kind == "memo":
                    from memos.documents import memo_file  # memos build on reports: imported late

                    found = find_memo(organization, fiscal_year, memo)
                    path = write_out(out, memo_file(found))
                    self.stdout.write(f"{path}: {found}")
                    return
                spec = documents.ReportSpec(
                    kind,
                    organization.pk,
                    fiscal_year,
                    round_months=parse_round(round_month, kind),
                    layout=parse_layout(layout),
                )
                content = documents.render_report_pdf(spec, thai_digits=organization.thai_digits)
                path = write_out(out, content)
            except documents.ReportUnavailable as exc:
                self.fail(exc.message_th)
            except InputError as exc:
                self.fail(str(exc))
            self.stdout.write(f"{path}: {documents.report_title(spec)}")
