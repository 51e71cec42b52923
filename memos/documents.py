"""The memo as a PDF (``templates/memos/memo_pdf.html``): the บันทึกข้อความ, one block per approver in the
manner of seed 000, then the attached reports as following pages.

A draft (or a returned memo) renders its current text and its reports as they are now; a submitted
memo renders its latest revision with the reports frozen at that submission and the decisions made
on it. Texts are in the portal's language; digits are Thai when the organization says so
(``Organization.thai_digits``, on by default); dates are Buddhist-era.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ita_portal import thai
from reports.pdf import html_to_pdf

from . import attachments as reports
from .models import Decision, Memo, MemoRevision, MemoStatus


@dataclass(frozen=True)
class ApproverBlock:
    step: int
    title: str
    to: str  # "เรียน ..." the next approver, empty for the last one
    decision: Decision | None
    name: str
    position: str
    date: str
    comment: str


@dataclass(frozen=True)
class Fragment:
    title: str
    html: str


def _emblem_uri(memo: Memo) -> str:
    emblem = memo.organization.emblem
    if not emblem:
        return ""
    try:
        with emblem.open("rb") as f:
            data = f.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(emblem.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _latest_revision(memo: Memo) -> MemoRevision | None:
    if memo.editable:
        return None
    return memo.revisions.order_by("-number").first()


def memo_context(memo: Memo, *, attachments: bool = True) -> dict:
    """Everything the PDF template prints, digits and dates already formatted (without the attached
    reports when ``attachments`` is False)."""
    thai_digits = memo.organization.thai_digits
    digits = "thai" if thai_digits else "arabic"

    def d(value: object) -> str:
        text = "" if value is None else str(value)
        return thai.thai_digits(text) if thai_digits else text

    revision = _latest_revision(memo)
    source = revision or memo
    fragments = []
    if revision is not None:
        if attachments:
            fragments = [Fragment(a.title, a.html) for a in revision.attachments.all()]
        decisions = {x.step: x for x in revision.decisions.all()}
    else:
        for a in memo.attachments.all() if attachments else ():
            spec = reports.spec_of(memo.organization_id, a.kind, a.fiscal_year, a.round_months, a.layout)
            try:
                fragments.append(
                    Fragment(
                        d(reports.title(spec)),
                        reports.render_fragment(spec, thai_digits=thai_digits),
                    )
                )
            except reports.ReportUnavailable:
                continue
        decisions = {}
    steps = list(memo.chain.steps.select_related("user").order_by("order"))
    blocks = []
    for index, step in enumerate(steps):
        decision = decisions.get(step.order)
        following = steps[index + 1] if index + 1 < len(steps) else None
        blocks.append(
            ApproverBlock(
                step=step.order,
                title=decision.step_title if decision else step.position_title,
                to=following.position_title if following else "",
                decision=decision,
                name=decision.approver_name if decision else "",
                position=d(decision.approver_position if decision else step.position_title),
                date=thai.format_date(timezone.localtime(decision.decided_at).date(), "long", digits=digits)
                if decision
                else "",
                comment=d(decision.comment) if decision else "",
            )
        )
    day = source.date or timezone.localdate()
    org = memo.organization
    return {
        "memo": memo,
        "draft": memo.status in (MemoStatus.DRAFT, MemoStatus.RETURNED),
        "org": org,
        "emblem": _emblem_uri(memo),
        # ส่วนราชการ: the unit, then the organization kept on one line (a long line breaks between them)
        "unit_name": d(memo.unit.name),
        "org_name": d(org.name),
        "phone": d(memo.unit.phone or org.phone),
        "document_number": d(memo.document_number),
        "date": thai.format_date(day, "long", digits=digits) if source.date or not memo.editable else "",
        "subject": d(source.subject),
        "salutation": d(source.salutation),
        "background": d(source.background),
        "facts": d(source.facts),
        "proposal": d(source.proposal),
        "closing": d(source.closing),
        "author_name": source.author_name,
        "author_position": d(source.author_position),
        "blocks": blocks,
        "fragments": fragments,
        "thai_digits": thai_digits,
        "pdf_title": d(f"{memo.document_number} {source.subject}".strip()),
        "pdf_author": org.name,
    }


def memo_html(memo: Memo, *, attachments: bool = True) -> str:
    """The memo as HTML for WeasyPrint; ``attachments=False`` leaves the attached reports out (the
    memo pages alone, e.g. for the benchmark)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("memos/memo_pdf.html", memo_context(memo, attachments=attachments))


def memo_pdf(memo: Memo) -> bytes:
    return html_to_pdf(memo_html(memo))


def memo_file(memo: Memo) -> bytes:
    """What a download of the memo gives: the stored final PDF once approved (the same bytes every
    time), else the memo rendered now (a draft, or a memo on its way up the chain)."""
    if memo.status == MemoStatus.APPROVED and memo.final_pdf:
        with memo.final_pdf.open("rb") as f:
            return f.read()
    return memo_pdf(memo)
