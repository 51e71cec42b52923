"""Organizations (เทศบาล, อบต., ...), their units and the people who work in them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganizationType(models.TextChoices):
    CITY_MUNICIPALITY = "city_municipality", _("City municipality")
    TOWN_MUNICIPALITY = "town_municipality", _("Town municipality")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict municipality")
    SAO = "sao", _("Subdistrict administrative organization")
    PAO = "pao", _("Provincial administrative organization")


class Role(models.TextChoices):
    OFFICER = "officer", pgettext_lazy("membership role", "Officer")
    EXECUTIVE = "executive", pgettext_lazy("membership role", "Executive")
    ADMIN = "admin", pgettext_lazy("membership role", "Administrator")


#: Roles that may enter and change assessment data.
WRITER_ROLES = frozenset({Role.OFFICER, Role.ADMIN})


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganizationQuerySet:
        """Organizations the user is a member of (staff too: the portal is scoped by membership)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    org_type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    province = models.CharField(_("province"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    itas_code = models.CharField(
        _("ITAS agency code"),
        max_length=32,
        blank=True,
        help_text=_("The agency's code in the NACC ITAS system."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    thai_digits = models.BooleanField(
        _("Thai digits in documents"),
        default=True,
        help_text=_("Periods of measures are written with Thai digits (๖๔) instead of Arabic digits (64)."),
    )

    emblem = models.ImageField(
        _("emblem"),
        upload_to="emblems/",
        blank=True,
        help_text=_(
            "Printed 1.5 cm high at the top left of memos (e.g. the Garuda emblem); none is shipped."
        ),
    )

    # Thresholds of the analysis (dashboard, analysis report): DOMAIN.md §6 names 85 and "the lowest
    # indicators" as what agencies use; each organization may set its own.
    analysis_strength_min = models.DecimalField(
        _("strength threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(85),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Indicators scoring at least this are the organization's strengths."),
    )
    analysis_urgent_below = models.DecimalField(
        _("urgent threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Indicators scoring below this are weaknesses to fix urgently."),
    )
    analysis_urgent_count = models.PositiveSmallIntegerField(
        _("lowest indicators to fix urgently"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_("At least this many of the lowest indicators (below the strength threshold) are urgent."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["itas_code"],
                condition=~models.Q(itas_code=""),
                name="assessments_organization_unique_itas_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.analysis_urgent_below is not None
            and self.analysis_strength_min is not None
            and self.analysis_urgent_below > self.analysis_strength_min
        ):
            raise ValidationError(
                {"analysis_urgent_below": _("The urgent threshold cannot be above the strength threshold.")}
            )

    @property
    def analysis_thresholds(self) -> dict:
        """Keyword arguments of ``reports.analysis.analyse``: this organization's thresholds."""
        return {
            "strength_min": Decimal(self.analysis_strength_min),
            "weakness_below": Decimal(self.analysis_urgent_below),
            "weakness_lowest": int(self.analysis_urgent_count),
        }

    @property
    def organization(self) -> Organization:
        """Lets access checks treat an organization like the data it owns."""
        return self


class OrgQuerySet(models.QuerySet):
    """Queryset of data owned by an organization (a direct ``organization`` foreign key)."""

    def for_user(self, user) -> OrgQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__memberships__user=user)


class Unit(models.Model):
    """A สำนัก or กอง of an organization: the responsible units of measures and memos."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="units", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("document code"), max_length=50, blank=True, help_text=_("Prefix of the unit's document numbers.")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organization", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="assessments_unit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in an organization: role (what they may do) and title (as printed on memos)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    position_title = models.CharField(
        _("position title"),
        max_length=200,
        blank=True,
        help_text=_("As it must appear under the signature on memos."),
    )

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="assessments_membership_unique_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.unit_id and self.unit.organization_id != self.organization_id:
            raise ValidationError({"unit": _("The unit belongs to another organization.")})

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES
