"""An organization's ITA assessment of one fiscal year and everything entered for it.

Entered values are kept at the grain they were entered at; the portal's computed result is a
snapshot refreshed by the services after every write, and the officially published values are
kept apart from it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .frameworks import FrameworkVersion, Indicator, Item
from .organizations import Organization, OrgQuerySet

PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def percent_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, **kwargs
    )


class Assessment(models.Model):
    # No index of its own: the unique (organization, fiscal_year) constraint's index starts with it.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("organization"),
        db_index=False,
    )
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("framework")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))

    published_total = percent_field(_("published total"), null=True, blank=True)
    published_band = models.CharField(_("published result"), max_length=50, blank=True)
    published_tool_scores = models.JSONField(_("published tool scores"), default=dict, blank=True)
    published_note = models.TextField(_("published values note"), blank=True)

    # Snapshot of the computed result, refreshed by services.assessment_recompute(); the total is
    # the published-style two-decimal value (the unrounded one is recomputed, never stored).
    computed_total = models.DecimalField(
        _("computed total"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    computed_band = models.CharField(_("computed result"), max_length=50, blank=True, editable=False)
    computed_passed = models.BooleanField(_("computed pass"), null=True, editable=False)
    computed_complete = models.BooleanField(_("complete"), default=False, editable=False)
    computed_result = models.JSONField(_("computed details"), default=dict, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["organization", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"], name="assessments_assessment_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ITA {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])

    def clean(self) -> None:
        if self.framework_id and self.framework.fiscal_year != self.fiscal_year:
            raise ValidationError({"framework": _("The framework version is of another fiscal year.")})


class IndicatorScore(models.Model):
    """An indicator score as entered (e.g. read from the published result page)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    # No index of its own: the unique (assessment, …) constraint's index starts with it.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="indicator_scores",
        verbose_name=_("assessment"),
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    score = percent_field(_("score"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="assessments_indicatorscore_unique_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.number}: {self.score}"


class QuestionScore(models.Model):
    """A survey question score: mean % over respondents, as ITAS reports per question."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    # No index of its own: the unique (assessment, …) constraint's index starts with it.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="question_scores",
        verbose_name=_("assessment"),
        db_index=False,
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    score = percent_field(_("score"))

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("question score")
        verbose_name_plural = _("question scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], name="assessments_questionscore_unique_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.score}"


class DisclosureResult(models.Model):
    """One O-item of an assessment: passed or not (None = not decided yet), where, and a note."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    # No index of its own: the unique (assessment, …) constraint's index starts with it.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="disclosures",
        verbose_name=_("assessment"),
        db_index=False,
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    urls = models.JSONField(_("URLs"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Indexed only where set (the partial index below): imported rows, most of a national file,
    # have no user, and an index of their NULLs only slowed the import.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
        db_index=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure item result")
        verbose_name_plural = _("disclosure item results")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], name="assessments_disclosureresult_unique_item"
            )
        ]
        indexes = [
            models.Index(
                fields=["updated_by"],
                condition=Q(updated_by__isnull=False),
                name="assessments_dr_updated_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.passed}"
