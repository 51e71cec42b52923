"""Improvement measures (มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน, the evidence of O42) and
the reports on carrying them out (O43), DOMAIN.md §6.

A measure belongs to one year's assessment; it is checked at monitoring rounds (3, 6, 9 or 12 months
after the fiscal year starts on 1 October). Each round gets progress reports in versions: a change
makes a new version and keeps the earlier ones; a report a memo has used is locked (read-only).
Evidence (files or links) hangs on a report version.

Rules that need other rows (targets of the assessment's framework, units of the same organization,
the responsible person a member) are checked by ``measures.services``, which is the only writer.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Indicator, Item, Organization, OrgQuerySet, Tool, Unit

from .rounds import ROUND_MONTHS


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class RoundMonth(models.IntegerChoices):
    """Monitoring rounds: months after the fiscal year starts (3 = ต.ค.–ธ.ค., 6 = ต.ค.–มี.ค., ...)."""

    THREE = 3, _("3 months")
    SIX = 6, _("6 months")
    NINE = 9, _("9 months")
    TWELVE = 12, _("12 months")


assert tuple(RoundMonth.values) == ROUND_MONTHS  # one list of rounds (rounds.py is the pure one)


def _user_fk(verbose_name, **kwargs) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


class Measure(models.Model):
    """One measure of a year's plan: what, how, who, when, and which rounds check it.

    ``number`` is the order number within the assessment, allocated by ``services.measure_create``
    under the assessment's row lock (the highest number + 1). ``rounds`` is the plan as the officer
    chose it; ``monitoring_rounds`` holds one row per planned round with its (editable) due date, and
    the services keep the two equal. ``start_month`` and ``end_month`` are first days of months.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="measures", verbose_name=_("organization")
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="measures", verbose_name=_("assessment")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("measure"), max_length=300)
    guideline = models.TextField(_("guideline"), blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    target_tools = models.ManyToManyField(
        Tool, blank=True, related_name="measures", verbose_name=_("target tools")
    )
    target_indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="measures", verbose_name=_("target indicators")
    )
    target_items = models.ManyToManyField(
        Item, blank=True, related_name="measures", verbose_name=_("target items")
    )
    all_units = models.BooleanField(_("all units"), default=False)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="measures", verbose_name=_("responsible units")
    )
    other_parties = models.TextField(
        _("other responsible parties"),
        blank=True,
        help_text=_("Responsible parties that are not units, e.g. a committee."),
    )
    responsible = _user_fk(_("responsible person"))
    start_month = models.DateField(_("start month"), null=True, blank=True)
    end_month = models.DateField(_("end month"), null=True, blank=True)
    rounds = models.JSONField(_("monitoring rounds"), default=list, blank=True)
    outcome = models.TextField(_("expected outcome"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    template_code = models.CharField(_("template"), max_length=64, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried forward from"),
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="measures_measure_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="measures_measure_number_positive"),
            models.CheckConstraint(
                condition=Q(start_month__isnull=True)
                | Q(end_month__isnull=True)
                | Q(start_month__lte=F("end_month")),
                name="measures_measure_period_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measures_measure_status_valid"
            ),
            # A measure is carried into a given year at most once (measures.carry).
            models.UniqueConstraint(
                fields=["assessment", "carried_from"],
                condition=Q(carried_from__isnull=False),
                name="measures_measure_carried_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def fiscal_year(self) -> int:
        return self.assessment.fiscal_year

    def clean(self) -> None:
        errors = {}
        for name in ("start_month", "end_month"):
            value = getattr(self, name)
            if value is not None and value.day != 1:
                errors[name] = _("A month is stored as its first day.")
        if self.start_month and self.end_month and self.start_month > self.end_month:
            errors["end_month"] = _("The period must not end before it starts.")
        if errors:
            raise ValidationError(errors)


class MonitoringRound(models.Model):
    """A round at which a measure is checked; ``due_date`` starts as rounds.round_due_date()."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="monitoring_rounds", verbose_name=_("measure")
    )
    month = models.PositiveSmallIntegerField(_("round"), choices=RoundMonth.choices)
    due_date = models.DateField(_("due date"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")
        ordering = ["measure", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month"], name="measures_monitoringround_unique_month"
            ),
            models.CheckConstraint(
                condition=Q(month__in=ROUND_MONTHS), name="measures_monitoringround_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.get_month_display()}"


PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class ProgressReport(models.Model):
    """One version of the report of a round. Versions are never edited in place: a change of content
    is a new version (``is_current``), so what a memo quoted stays as it was. ``locked`` marks a
    version a memo has used."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reports", verbose_name=_("measure")
    )
    # RESTRICT: a round with reports is not deleted alone, but deleting the measure takes both.
    round = models.ForeignKey(
        MonitoringRound, on_delete=models.RESTRICT, related_name="reports", verbose_name=_("round")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    result = models.TextField(_("result"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    suggestion = models.TextField(_("suggestion"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=PERCENT_VALIDATORS
    )
    reported_by = _user_fk(_("reported by"))
    reported_at = models.DateTimeField(_("reported"))
    locked = models.BooleanField(_("locked"), default=False)
    is_current = models.BooleanField(_("current version"), default=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["round", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "version"], name="measures_progressreport_unique_version"
            ),
            models.UniqueConstraint(
                fields=["round"], condition=Q(is_current=True), name="measures_progressreport_one_current"
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="measures_progressreport_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="measures_progressreport_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} v{self.version}"

    @property
    def content(self) -> tuple[str, str, str, int]:
        """What a new version must differ in (evidence is added to the current version itself)."""
        return (self.result, self.outcome, self.suggestion, self.percent)


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: ``evidence/<organization id>/<uuid><extension the content was sniffed as>``.

    The uploader's file name is kept in ``original_name`` only, never in the path.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
    return f"evidence/{instance.organization_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file (type sniffed from its content, size-limited) or a link (http/https), of one report."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("progress report")
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    added_by = _user_fk(_("added by"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["report", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="measures_evidence_file_or_url",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class MeasureTemplate(models.Model):
    """A template of the library that "Draft measures for my weak points" proposes (DOMAIN.md §6).

    The fields are those of ``template_file.TemplateSpec``: the shipped fixture
    (fixtures/measure_templates.json) is loaded into this table by ``load_measure_templates`` and site
    staff edit it in the Django admin. ``file_digest`` is the digest of the content as last loaded from
    a file: a row whose content no longer matches it was edited by an admin, and a later load leaves it
    alone unless forced. Site-wide reference data, not owned by an organization.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    title_th = models.CharField(_("measure"), max_length=300)
    tools = models.JSONField(_("target tools"), default=list, blank=True)
    indicators = models.JSONField(_("target indicators"), default=list, blank=True)
    concepts = models.JSONField(
        _("target item concepts"),
        default=list,
        blank=True,
        help_text=_("Concept keys of the items the measure targets, the same across years."),
    )
    guideline_th = models.TextField(_("guideline"))
    steps_th = models.JSONField(_("steps"), default=list)
    unit_kinds = models.JSONField(_("kinds of responsible unit"), default=list)
    rounds = models.JSONField(_("monitoring rounds"), default=list)
    outcome_th = models.TextField(_("expected outcome"))
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active templates are proposed to officers.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    file_digest = models.CharField(_("digest as loaded from the file"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("measure template")
        verbose_name_plural = _("measure templates")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title_th}"


class ReminderKind(models.TextChoices):
    """Why a reminder was sent: N days before the due date, or the day after it passed unreported."""

    BEFORE = "before", _("before the due date")
    OVERDUE = "overdue", _("overdue")


class ReminderSent(models.Model):
    """One reminder e-mail that named one round to one person: the record that keeps it from going twice.

    Written in the same transaction as the decision to send (``measures.reminders``); the unique key
    (person, round, kind, days before, due date) turns a second sender into a skip. A moved due date
    is a new key, so the reminders of the new date go out again.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    round = models.ForeignKey(
        MonitoringRound, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    days_before = models.PositiveSmallIntegerField(_("days before the due date"), default=0)
    due_date = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "round", "kind", "days_before", "due_date"],
                name="measures_remindersent_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="measures_remindersent_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.kind} {self.days_before} → {self.user_id}"


class DailyJobRun(models.Model):
    """The day the daily jobs were enqueued: one row per day, so two schedulers never enqueue twice.

    ``run_scheduler`` inserts the row and enqueues in one transaction; a second instance's insert
    meets the unique key and skips. The row lives in the database, not in a process's memory.
    """

    day = models.DateField(_("day"))
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["day"], name="measures_dailyjobrun_unique_day")]

    def __str__(self) -> str:
        return str(self.day)


COMMENT_MAX = 2000


class MeasureComment(models.Model):
    """A remark on a measure, or on one round's report: executives read and may comment (issue 6,
    item 9), officers answer by ticking it done ("ดำเนินการแล้ว").

    ``author_name`` and ``author_title`` are copied when the comment is written, as a signed paper
    would keep them: a later change of the member's title or name does not rewrite what was said by
    whom. A comment on a round stays on its measure if the round is taken off the plan (SET_NULL).
    Written only by ``measures.comment_services``.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="comments", verbose_name=_("measure")
    )
    round = models.ForeignKey(
        MonitoringRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("round"),
    )
    author = _user_fk(_("author"))
    author_name = models.CharField(_("author's name"), max_length=200)
    author_title = models.CharField(_("author's position title"), max_length=200, blank=True)
    text = models.TextField(_("comment"), validators=[MaxLengthValidator(COMMENT_MAX)])
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    resolved = models.BooleanField(_("done"), default=False)
    resolved_by = _user_fk(_("marked done by"))
    resolved_at = models.DateTimeField(_("marked done"), null=True, blank=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="measures_measurecomment_text_not_blank"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), COMMENT_MAX),
                name="measures_measurecomment_text_length",
            ),
            models.CheckConstraint(
                condition=Q(resolved=False, resolved_at__isnull=True)
                | Q(resolved=True, resolved_at__isnull=False),
                name="measures_measurecomment_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:50]}"
