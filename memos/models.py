"""Memos (บันทึกข้อความ) and their approval chains (DOMAIN.md §7, seed 000).

An organization configures approval chains: ordered steps, each a position title held by a user
(หัวหน้าสำนักปลัด → ปลัด → นายก). An officer drafts a memo for a unit and a fiscal year, attaches one
or more reports and submits it. Submission allocates the document number (per unit per fiscal year,
from a counter row, never reused), freezes the text and the attached reports as a revision, and
puts the memo in the inbox of the first step's user. Each approver's decision keeps their name and
position as of that moment. A returned memo goes back to its author; the resubmission is the next
revision. Final approval freezes everything; the final PDF is rendered once by the task worker and
stored with its SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization, OrgQuerySet, Unit


def _user_fk(verbose_name, **kwargs) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=kwargs.pop("on_delete", models.PROTECT),
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


class ApprovalChain(models.Model):
    """An organization's ordered list of approvers for memos."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="approval_chains", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("offered for new memos"), default=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval chain")
        verbose_name_plural = _("approval chains")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="memos_approvalchain_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One position of a chain, held by one user (a member of the organization)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    chain = models.ForeignKey(
        ApprovalChain, on_delete=models.CASCADE, related_name="steps", verbose_name=_("approval chain")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    position_title = models.CharField(_("position title"), max_length=200)
    user = _user_fk(_("approver"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["chain", "order"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "order"], name="memos_approvalstep_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.position_title}"


class DocumentCounter(models.Model):
    """The last document number a unit issued in a fiscal year. Locked (``select_for_update``) while a
    number is allocated; it only ever grows, so a number is never issued twice, even after the memo
    that carried it is cancelled or deleted."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year"], name="memos_documentcounter_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.fiscal_year}: {self.last_number}"


class MemoStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which the author may still change the text and the attachments.
EDITABLE_STATUSES = frozenset({MemoStatus.DRAFT, MemoStatus.RETURNED})


class AttachmentKind(models.TextChoices):
    """The reports a memo may carry (built by the reports app)."""

    ANALYSIS = "analysis", _("Analysis of the assessment results")
    MEASURES = "measures", _("Measures plan")
    PROGRESS = "progress", _("Progress report")


class Memo(models.Model):
    """A บันทึกข้อความ. Its text is editable while it is a draft or returned; what was submitted is kept
    in its revisions."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memos", verbose_name=_("organization")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memos", verbose_name=_("unit"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    chain = models.ForeignKey(
        ApprovalChain, on_delete=models.PROTECT, related_name="memos", verbose_name=_("approval chain")
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    document_number = models.CharField(_("document number"), max_length=100, blank=True, editable=False)
    date = models.DateField(_("date"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    salutation = models.CharField(_("to"), max_length=300)
    background = models.TextField(_("background"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    closing = models.CharField(_("closing"), max_length=300, blank=True)
    author = _user_fk(_("author"))
    author_name = models.CharField(_("author's name"), max_length=200)
    author_position = models.CharField(_("author's position"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemoStatus.choices, default=MemoStatus.DRAFT
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=0, editable=False)
    current_step = models.PositiveSmallIntegerField(_("current step"), null=True, blank=True, editable=False)
    final_pdf = models.FileField(_("final PDF"), upload_to="memos/", blank=True, editable=False)
    final_pdf_sha256 = models.CharField(
        _("SHA-256 of the final PDF"), max_length=64, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ["organization", "-fiscal_year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "fiscal_year", "number"],
                condition=Q(number__isnull=False),
                name="memos_memo_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.document_number or self.subject[:60]

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class MemoAttachment(models.Model):
    """A report the memo carries (what to render, not the rendering: that is frozen per revision)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("memo")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("report"), max_length=16, choices=AttachmentKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    round_months = models.PositiveSmallIntegerField(_("round (months)"), null=True, blank=True)
    layout = models.CharField(_("layout"), max_length=32, blank=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo attachment")
        verbose_name_plural = _("memo attachments")
        ordering = ["memo", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}"


class MemoRevision(models.Model):
    """What was submitted: the memo's text as of one submission (the first is revision 1)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("memo"))
    number = models.PositiveSmallIntegerField(_("revision"))
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=500)
    salutation = models.CharField(_("to"), max_length=300)
    background = models.TextField(_("background"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    closing = models.CharField(_("closing"), max_length=300, blank=True)
    author_name = models.CharField(_("author's name"), max_length=200)
    author_position = models.CharField(_("author's position"), max_length=200, blank=True)
    submitted_by = _user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo revision")
        verbose_name_plural = _("memo revisions")
        ordering = ["memo", "number"]
        constraints = [
            models.UniqueConstraint(fields=["memo", "number"], name="memos_memorevision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.memo} r{self.number}"


class FrozenAttachment(models.Model):
    """An attached report as rendered at submission: the HTML fragment and its SHA-256, and the
    progress report versions it quoted (locked at final approval)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    revision = models.ForeignKey(
        MemoRevision, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("revision")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("report"), max_length=16, choices=AttachmentKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    round_months = models.PositiveSmallIntegerField(_("round (months)"), null=True, blank=True)
    layout = models.CharField(_("layout"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=500)
    html = models.TextField(_("rendered report"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    progress_report_ids = models.JSONField(_("progress report versions"), default=list, blank=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("frozen attachment")
        verbose_name_plural = _("frozen attachments")
        ordering = ["revision", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class DecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Do not approve")
    RETURN = "return", _("Return for revision")


class Decision(models.Model):
    """One approver's decision on one revision at one step; name and position as of that moment."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("memo"))
    revision = models.ForeignKey(
        MemoRevision, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("revision")
    )
    step = models.PositiveSmallIntegerField(_("step"))
    step_title = models.CharField(_("position in the chain"), max_length=200)
    approver = _user_fk(_("approver"))
    approver_name = models.CharField(_("approver's name"), max_length=200)
    approver_position = models.CharField(_("approver's position"), max_length=200, blank=True)
    kind = models.CharField(_("decision"), max_length=16, choices=DecisionKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["memo", "revision__number", "step"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "step"], name="memos_decision_unique_step"),
            models.CheckConstraint(
                condition=~Q(kind="reject") | ~Q(comment=""), name="memos_decision_reject_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.memo}: {self.step}. {self.get_kind_display()}"
