"""The only code that writes memos, their revisions and decisions, and approval chains (STYLE.md §2).

Locks: every write to a memo locks the memo row first (``select_for_update``); allocating a document
number then locks the unit's counter row for the year; final approval then locks the measures of the
progress reports it carries (``measures.services.progress_report_lock``). The order is always memo →
counter → measure.

Roles: officers and administrators (writers) draft, edit, submit and cancel; only the user of the
memo's current step decides (anyone else: ``PermissionDenied`` → 403); only the organization's
administrator configures chains. Views fetch through ``get_for_user`` first, so other organizations
never get this far (404).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.access import SystemActor, require_write, roles_of
from assessments.models import Assessment, Membership, Organization, Role, Unit
from assessments.services import UNSET
from measures.models import ProgressReport
from measures.services import progress_report_lock

from . import attachments as reports
from . import drafting
from .attachments import ReportSpec, ReportUnavailable
from .models import (
    ApprovalChain,
    ApprovalStep,
    AttachmentKind,
    Decision,
    DecisionKind,
    DocumentCounter,
    FrozenAttachment,
    Memo,
    MemoAttachment,
    MemoRevision,
    MemoStatus,
)

TEXT_FIELDS = ("date", "subject", "salutation", "background", "facts", "proposal", "closing")
AUTHOR_FIELDS = ("author_name", "author_position")
MAX_ATTACHMENTS = 5
MAX_STEPS = 10


# --------------------------------------------------------------------------- people


def person_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def position_of(user: Any, organization_id: int) -> str:
    """The user's position title in the organization, as printed under a signature."""
    return (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .values_list("position_title", flat=True)
        .first()
        or ""
    )


def require_admin(user: Any, organization: Organization | int) -> None:
    org_id = organization if isinstance(organization, int) else organization.pk
    if roles_of(user).get(org_id) != Role.ADMIN:
        raise PermissionDenied


def document_language():
    """Memo texts and PDFs are in the portal's language (Thai), whoever's browser asks."""
    return translation.override(settings.LANGUAGE_CODE)


# --------------------------------------------------------------------------- chains


@transaction.atomic
def chain_save(
    *,
    organization: Organization,
    name: str,
    steps: Sequence[tuple[str, Any]],
    chain: ApprovalChain | None = None,
    is_active: bool = True,
    user: Any,
) -> ApprovalChain:
    """Create a chain or replace its name and steps ((position title, user) in order).

    Memos awaiting a decision follow the chain as it now is: the current step's position is the one
    the new chain has at that place (a new holder of a position receives what waits there). A step at
    which a memo waits cannot be removed: the memo would wait for nobody. Submissions and decisions
    lock the chain's row too, so an edit and a decision on the same chain run one after the other."""
    require_admin(user, organization)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the chain a name.")})
    clean_steps = [(str(t or "").strip(), u) for t, u in steps if u is not None or str(t or "").strip()]
    if not clean_steps:
        raise ValidationError({"steps": _("A chain needs at least one approver.")})
    if len(clean_steps) > MAX_STEPS:
        raise ValidationError({"steps": _("A chain has at most %(n)s approvers.") % {"n": MAX_STEPS}})
    members = set(Membership.objects.filter(organization=organization).values_list("user_id", flat=True))
    for index, (title, approver) in enumerate(clean_steps, start=1):
        if not title:
            raise ValidationError({"steps": _("Step %(n)s: enter the position title.") % {"n": index}})
        if approver is None or approver.pk not in members:
            raise ValidationError(
                {"steps": _("Step %(n)s: choose a member of the organization.") % {"n": index}}
            )
    if chain is None:
        chain = ApprovalChain(organization=organization)
    else:
        chain = ApprovalChain.objects.select_for_update().get(pk=chain.pk, organization=organization)
        _check_waiting_steps(chain, len(clean_steps))
    chain.name, chain.is_active = name, is_active
    chain.full_clean(exclude=["organization"], validate_constraints=False)
    try:
        with transaction.atomic():
            chain.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("Another chain already has this name.")}) from exc
    existing = {s.order: s for s in chain.steps.all()}
    for order, (title, approver) in enumerate(clean_steps, start=1):
        step = existing.pop(order, None) or ApprovalStep(organization=organization, chain=chain, order=order)
        if step.pk and step.position_title == title and step.user_id == approver.pk:
            continue
        step.position_title, step.user = title, approver
        step.save()
    for step in existing.values():
        step.delete()
    return chain


def _check_waiting_steps(chain: ApprovalChain, step_count: int) -> None:
    """Refuse a chain of ``step_count`` steps while a memo waits at a step beyond it."""
    waiting = list(
        Memo.objects.filter(chain=chain, status=MemoStatus.PENDING, current_step__gt=step_count)
        .order_by("current_step", "pk")
        .values_list("document_number", "subject", "current_step")
    )
    if waiting:
        memos = ", ".join(
            _("%(memo)s (step %(step)s)") % {"memo": number or subject[:40], "step": step}
            for number, subject, step in waiting
        )
        raise ValidationError(
            {
                "steps": _(
                    "Memos wait for a decision at a step this change removes: %(memos)s. Keep the "
                    "step until they are decided or returned."
                )
                % {"memos": memos}
            }
        )


def _chain_steps(chain: ApprovalChain) -> list[ApprovalStep]:
    return list(chain.steps.select_related("user").order_by("order"))


def _lock_chain(memo: Memo) -> None:
    """Hold the memo's chain while its steps are read and the memo moves along them (see chain_save)."""
    list(ApprovalChain.objects.select_for_update().filter(pk=memo.chain_id).values_list("pk", flat=True))


# --------------------------------------------------------------------------- drafts


def _memo_locked(memo: Memo) -> Memo:
    return Memo.objects.select_for_update().select_related("organization", "unit", "chain").get(pk=memo.pk)


def _require_editable(memo: Memo) -> None:
    if not memo.editable:
        raise ValidationError(_("This memo is no longer a draft: it cannot be changed."))


def _check_specs(organization: Organization, specs: Sequence[ReportSpec]) -> list[ReportSpec]:
    specs = list(dict.fromkeys(specs))
    if not specs:
        raise ValidationError({"attachments": _("Attach at least one report.")})
    if len(specs) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("Attach at most %(n)s reports.") % {"n": MAX_ATTACHMENTS}})
    for spec in specs:
        if spec.organization_id != organization.pk:
            raise ValidationError({"attachments": _("Unknown report.")})
    return specs


def _draft_for(organization: Organization, specs: Sequence[ReportSpec]) -> drafting.Draft:
    with document_language():  # digits as typed: the PDF writes them the organization's way
        titles = [reports.title(s) for s in specs]
        return drafting.draft(organization.name, titles, [reports.facts(s) for s in specs])


@transaction.atomic
def memo_create(
    *,
    organization: Organization,
    unit: Unit,
    fiscal_year: int,
    chain: ApprovalChain,
    attachments: Sequence[ReportSpec],
    user: Any,
) -> Memo:
    """A new draft for a unit and a year, carrying the given reports, its text drafted from them."""
    require_write(user, organization)
    if unit.organization_id != organization.pk:
        raise ValidationError({"unit": _("The unit belongs to another organization.")})
    if chain.organization_id != organization.pk or not chain.is_active:
        raise ValidationError({"chain": _("Choose one of the organization's approval chains.")})
    if not chain.steps.exists():
        raise ValidationError({"chain": _("This approval chain has no approvers yet.")})
    specs = _check_specs(organization, attachments)
    text = _draft_for(organization, specs)
    last = chain.steps.order_by("-order").first()  # the memo is addressed to the last approver
    memo = Memo(
        organization=organization,
        unit=unit,
        fiscal_year=fiscal_year,
        chain=chain,
        subject=text.subject[:500],
        salutation=last.position_title[:300],
        background=text.background,
        facts=text.facts,
        proposal=text.proposal,
        closing=text.closing,
        author=user,
        author_name=person_name(user),
        author_position=position_of(user, organization.pk),
    )
    memo.full_clean(exclude=["organization", "unit", "chain", "author"], validate_constraints=False)
    memo.save()
    _attachments_replace(memo, specs)
    return memo


def _attachments_replace(memo: Memo, specs: Sequence[ReportSpec]) -> None:
    current = [
        reports.spec_of(memo.organization_id, a.kind, a.fiscal_year, a.round_months, a.layout)
        for a in memo.attachments.all()
    ]
    if current == list(specs):
        return
    memo.attachments.all().delete()
    for order, spec in enumerate(specs):
        MemoAttachment.objects.create(
            organization_id=memo.organization_id,
            memo=memo,
            order=order,
            kind=spec.kind,
            fiscal_year=spec.year,
            round_months=spec.round_months,
            layout=spec.layout or "",
        )


@transaction.atomic
def memo_update(
    *,
    memo: Memo,
    date: Any = UNSET,
    subject: str = UNSET,
    salutation: str = UNSET,
    background: str = UNSET,
    facts: str = UNSET,
    proposal: str = UNSET,
    closing: str = UNSET,
    author_position: str = UNSET,
    attachments: Sequence[ReportSpec] = UNSET,
    user: Any,
) -> Memo:
    """Change the fields given (the autosave sends one at a time), while the memo is a draft or returned."""
    require_write(user, memo.organization_id)
    fresh = _memo_locked(memo)
    _require_editable(fresh)
    given = {
        "date": date,
        "subject": subject,
        "salutation": salutation,
        "background": background,
        "facts": facts,
        "proposal": proposal,
        "closing": closing,
        "author_position": author_position,
    }
    given = {k: v for k, v in given.items() if v is not UNSET}
    for name, value in given.items():
        setattr(fresh, name, value.strip() if isinstance(value, str) else value)
    if given:
        fresh.full_clean(exclude=["organization", "unit", "chain", "author"], validate_constraints=False)
        fresh.save(update_fields=[*given, "updated_at"])
    if attachments is not UNSET:
        _attachments_replace(fresh, _check_specs(fresh.organization, attachments))
    return fresh


def _allocate_number(memo: Memo) -> None:
    """The unit's next document number of the memo's fiscal year (the counter row locked)."""
    counter, _created = DocumentCounter.objects.get_or_create(
        unit=memo.unit,
        fiscal_year=memo.fiscal_year,
        defaults={"organization_id": memo.organization_id},
    )
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    memo.number = counter.last_number
    memo.document_number = format_document_number(memo.unit.code, counter.last_number)


def format_document_number(unit_code: str, number: int) -> str:
    """ "ขก 54001/สป" and 79 -> "ขก 54001/สป/079" (digits as typed; the PDF converts them)."""
    code = (unit_code or "").strip().rstrip("/")
    return f"{code}/{number:03d}" if code else f"{number:03d}"


def _freeze(memo: Memo, revision: MemoRevision) -> None:
    thai_digits = memo.organization.thai_digits
    years = [a.fiscal_year for a in memo.attachments.all() if a.kind == AttachmentKind.ANALYSIS]
    if years:  # the narrative's writers lock the assessment: the text frozen here is the text kept
        assessments = Assessment.objects.select_for_update().filter(organization_id=memo.organization_id)
        list(assessments.filter(fiscal_year__in=years).order_by("pk").values_list("pk", flat=True))
    for order, attachment in enumerate(memo.attachments.all()):
        spec = reports.spec_of(
            memo.organization_id,
            attachment.kind,
            attachment.fiscal_year,
            attachment.round_months,
            attachment.layout,
        )
        with document_language():
            try:
                html = reports.render_fragment(spec, thai_digits=thai_digits)
            except ReportUnavailable as exc:
                raise ValidationError({"attachments": exc.message_th}) from exc
            title = reports.title(spec)
        FrozenAttachment.objects.create(
            organization_id=memo.organization_id,
            revision=revision,
            order=order,
            kind=spec.kind,
            fiscal_year=spec.year,
            round_months=spec.round_months,
            layout=spec.layout or "",
            title=title[:500],
            html=html,
            sha256=hashlib.sha256(html.encode()).hexdigest(),
            progress_report_ids=reports.progress_report_ids(spec),
        )


@transaction.atomic
def memo_submit(*, memo: Memo, user: Any) -> Memo:
    """Send a draft (or a returned memo) up its chain.

    The first submission allocates the document number; a resubmission keeps it. Each submission is
    a new revision: the text and the attached reports as rendered now, frozen. The memo then waits
    for the chain's first approver."""
    require_write(user, memo.organization_id)
    fresh = _memo_locked(memo)
    _require_editable(fresh)
    _lock_chain(fresh)
    steps = _chain_steps(fresh.chain)
    if not steps:
        raise ValidationError(_("This approval chain has no approvers yet."))
    if not fresh.attachments.exists():
        raise ValidationError({"attachments": _("Attach at least one report.")})
    missing = [
        str(Memo._meta.get_field(f).verbose_name) for f in ("subject", "salutation") if not getattr(fresh, f)
    ]
    if missing:
        raise ValidationError(_("Fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    if fresh.number is None:
        _allocate_number(fresh)
    if fresh.date is None:
        fresh.date = timezone.localdate()
    fresh.revision += 1
    now = timezone.now()
    revision = MemoRevision.objects.create(
        organization_id=fresh.organization_id,
        memo=fresh,
        number=fresh.revision,
        submitted_by=user,
        submitted_at=now,
        **{name: getattr(fresh, name) for name in (*TEXT_FIELDS, *AUTHOR_FIELDS)},
    )
    _freeze(fresh, revision)
    fresh.status = MemoStatus.PENDING
    fresh.current_step = steps[0].order
    fresh.save(
        update_fields=[
            "number",
            "document_number",
            "date",
            "revision",
            "status",
            "current_step",
            "updated_at",
        ]
    )
    return fresh


@transaction.atomic
def memo_cancel(*, memo: Memo, user: Any) -> Memo:
    """Withdraw a memo that is not decided yet. Its number, if it had one, is never issued again."""
    require_write(user, memo.organization_id)
    fresh = _memo_locked(memo)
    if fresh.status not in (MemoStatus.DRAFT, MemoStatus.RETURNED, MemoStatus.PENDING):
        raise ValidationError(_("Only a memo that is not decided yet can be cancelled."))
    fresh.status = MemoStatus.CANCELLED
    fresh.current_step = None
    fresh.save(update_fields=["status", "current_step", "updated_at"])
    return fresh


# --------------------------------------------------------------------------- decisions


def current_step(memo: Memo) -> ApprovalStep | None:
    if memo.status != MemoStatus.PENDING or memo.current_step is None:
        return None
    return memo.chain.steps.select_related("user").filter(order=memo.current_step).first()


@transaction.atomic
def memo_decide(*, memo: Memo, step: int, revision: int, kind: str, comment: str = "", user: Any) -> Decision:
    """The current approver's decision on the revision they were shown (``revision``, ``step``).

    Approve moves the memo to the next step or, at the last one, approves it: the memo and its
    attachments are final, the progress report versions it carries become read-only and the final
    PDF is rendered by the task worker. Not approving (a reason is required) ends it; its number
    stays used. Returning sends it back to its author for a new revision.

    The same decision sent twice (a double click, two tabs) records one decision: the second finds
    it and returns it."""
    fresh = _memo_locked(memo)
    _lock_chain(fresh)
    comment = (comment or "").strip()
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Choose a decision.")})
    done = Decision.objects.filter(memo=fresh, revision__number=revision, step=step).first()
    if done is not None and done.approver_id == user.pk and done.kind == kind:
        return done
    approver_step = current_step(fresh)
    if approver_step is None or approver_step.user_id != user.pk:
        if done is not None and done.approver_id == user.pk:
            raise ValidationError(_("This step has already been decided."))
        raise PermissionDenied
    if approver_step.order != step or fresh.revision != revision:
        raise ValidationError(_("The memo changed since you opened it; please look at it again."))
    if kind == DecisionKind.REJECT and not comment:
        raise ValidationError({"comment": _("Give the reason for not approving.")})
    if kind == DecisionKind.RETURN and not comment:
        raise ValidationError({"comment": _("Say what should be revised.")})
    current_revision = MemoRevision.objects.get(memo=fresh, number=fresh.revision)
    decision = Decision(
        organization_id=fresh.organization_id,
        memo=fresh,
        revision=current_revision,
        step=approver_step.order,
        step_title=approver_step.position_title,
        approver=user,
        approver_name=person_name(user),
        approver_position=position_of(user, fresh.organization_id) or approver_step.position_title,
        kind=kind,
        comment=comment,
        decided_at=timezone.now(),
    )
    decision.full_clean(exclude=["organization", "memo", "revision", "approver"], validate_constraints=False)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:  # a writer that did not take the memo lock
        raise ValidationError(_("This step has already been decided.")) from exc
    if kind == DecisionKind.APPROVE:
        later = fresh.chain.steps.filter(order__gt=approver_step.order).order_by("order").first()
        if later is not None:
            fresh.current_step = later.order
        else:
            fresh.status, fresh.current_step = MemoStatus.APPROVED, None
            _finalize(fresh, current_revision)
    elif kind == DecisionKind.REJECT:
        fresh.status, fresh.current_step = MemoStatus.REJECTED, None
    else:
        fresh.status, fresh.current_step = MemoStatus.RETURNED, None
    fresh.save(update_fields=["status", "current_step", "updated_at"])
    return decision


def _finalize(memo: Memo, revision: MemoRevision) -> None:
    """Lock the progress report versions the memo carries and queue the final PDF."""
    actor = SystemActor(organization_id=memo.organization_id)
    ids = [pk for a in revision.attachments.all() for pk in a.progress_report_ids]
    for report in ProgressReport.objects.filter(pk__in=ids).select_related("measure"):
        progress_report_lock(report=report, user=actor)
    from .tasks import render_final_memo_pdf  # tasks import services: imported late

    memo_id = memo.pk
    transaction.on_commit(lambda: render_final_memo_pdf.enqueue(memo_id))


@transaction.atomic
def memo_final_pdf_render(*, memo_id: int) -> Memo:
    """Render and store the final PDF of an approved memo, once: a second call changes nothing."""
    from .documents import memo_pdf  # the PDF layer builds on the models only

    memo = Memo.objects.select_for_update().select_related("organization", "unit", "chain").get(pk=memo_id)
    if memo.status != MemoStatus.APPROVED:
        raise ValidationError(_("Only an approved memo has a final PDF."))
    if memo.final_pdf:
        return memo
    content = memo_pdf(memo)
    memo.final_pdf_sha256 = hashlib.sha256(content).hexdigest()
    memo.final_pdf.save(
        f"{memo.organization_id}/memo-{memo.pk}-{memo.final_pdf_sha256[:12]}.pdf",
        ContentFile(content),
        save=False,
    )
    memo.save(update_fields=["final_pdf", "final_pdf_sha256", "updated_at"])
    return memo
