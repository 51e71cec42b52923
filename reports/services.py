"""Writes of the reports app: the analysis narrative as the officer edits it (STYLE.md §2).

Each write locks the assessment row the narrative belongs to (the same lock every write of the
assessment takes), changes only the sections it is given, and is recorded in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.access import person_of, require_write
from assessments.models import Assessment
from assessments.services import _assessment_locked

from .models import SECTIONS, AnalysisNarrative

#: The longest section an officer may write (a page and a half of the report).
SECTION_MAX = 10_000


def carrying_memo(assessment: Assessment) -> Any:
    """The memo awaiting approval or approved that carries this assessment's analysis, if any: its
    text was frozen when the memo was submitted, so the narrative may no longer change."""
    from memos.models import AttachmentKind, Memo, MemoStatus  # memos builds on reports

    return (
        Memo.objects.filter(
            organization_id=assessment.organization_id,
            status__in=[MemoStatus.PENDING, MemoStatus.APPROVED],
            attachments__kind=AttachmentKind.ANALYSIS,
            attachments__fiscal_year=assessment.fiscal_year,
        )
        .order_by("-updated_at")
        .first()
    )


def _narrative_locked(assessment: Assessment) -> AnalysisNarrative:
    locked = _assessment_locked(assessment)
    memo = carrying_memo(locked)
    if memo is not None:
        raise ValidationError(
            _(
                "The analysis is attached to memo %(number)s, which is awaiting approval or approved: "
                "its text can no longer change."
            )
            % {"number": memo.document_number or memo.subject}
        )
    narrative, _created = AnalysisNarrative.objects.get_or_create(
        assessment=locked, defaults={"organization_id": locked.organization_id}
    )
    return narrative


@transaction.atomic
def narrative_save(*, assessment: Assessment, texts: dict[str, str], user: Any) -> AnalysisNarrative:
    """Keep the officer's text of the sections given (others untouched). Line ends are normalised
    and trailing spaces dropped; an emptied section stays empty (re-draft brings the draft back)."""
    require_write(user, assessment.organization_id)
    unknown = set(texts) - set(SECTIONS)
    if unknown:
        raise ValueError(f"not a section of the narrative: {sorted(unknown)}")
    for name, text in texts.items():
        if len(text) > SECTION_MAX:
            raise ValidationError(
                {name: _("Write at most %(max)s characters in a section.") % {"max": f"{SECTION_MAX:,}"}}
            )
    narrative = _narrative_locked(assessment)
    changed = []
    for name, text in texts.items():
        text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        text = text.strip("\n")
        if getattr(narrative, name) != text:
            setattr(narrative, name, text)
            changed.append(name)
    if changed:
        narrative.updated_by = person_of(user)
        narrative.full_clean()
        narrative.save(update_fields=[*changed, "updated_by", "updated_at"])
    return narrative


@transaction.atomic
def narrative_redraft(*, assessment: Assessment, user: Any) -> AnalysisNarrative:
    """Drop the officer's texts: every section is drafted from the data again."""
    require_write(user, assessment.organization_id)
    narrative = _narrative_locked(assessment)
    changed = [name for name in SECTIONS if getattr(narrative, name) is not None]
    if changed:
        for name in changed:
            setattr(narrative, name, None)
        narrative.updated_by = person_of(user)
        narrative.save(update_fields=[*changed, "updated_by", "updated_at"])
    return narrative
