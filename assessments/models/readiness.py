"""OIT readiness: before the OIT window opens, who publishes each O-item, how far it is, and whether
its published URL answers. The URLs themselves stay on ``DisclosureResult`` (one place)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .assessments import Assessment
from .frameworks import Item
from .organizations import Organization, OrgQuerySet, Unit


class ReadinessStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    EVIDENCE_READY = "evidence_ready", _("Evidence ready")
    PUBLISHED = "published", _("Published")
    CHECKED = "checked", _("Checked")


class CheckOutcome(models.TextChoices):
    """The stored outcome of the URL check (``assessments.url_check`` outcomes)."""

    OK = "ok", _("Reachable")
    HTTP_ERROR = "http_error", _("The server answered with an error")
    BAD_SCHEME = "bad_scheme", _("Only http and https addresses are checked")
    INVALID_URL = "invalid_url", _("Not a valid web address")
    BLOCKED_ADDRESS = "blocked_address", _("Refused: the address is not a public internet address")
    DNS_FAILED = "dns_failed", _("The name was not found")
    TIMEOUT = "timeout", _("No answer in time")
    CONNECTION_FAILED = "connection_failed", _("Could not connect")
    TLS_FAILED = "tls_failed", _("Secure connection (HTTPS certificate) failed")
    TOO_MANY_REDIRECTS = "too_many_redirects", _("Too many redirects")
    NO_URL = "no_url", _("No URL to check")


class OitReadiness(models.Model):
    """One O-item of an assessment on the readiness board: what ``DisclosureResult`` does not hold."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="readiness", verbose_name=_("assessment")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner unit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReadinessStatus.choices, default=ReadinessStatus.NOT_STARTED
    )
    data_year = models.PositiveSmallIntegerField(
        _("data year (B.E.)"),
        null=True,
        blank=True,
        help_text=_("The fiscal year the published data must show, e.g. 2566."),
    )
    check_outcome = models.CharField(
        _("last check"), max_length=24, choices=CheckOutcome.choices, blank=True, editable=False
    )
    check_status_code = models.PositiveSmallIntegerField(
        _("HTTP status"), null=True, blank=True, editable=False
    )
    check_url = models.CharField(_("checked URL"), max_length=2000, blank=True, editable=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("OIT readiness of an item")
        verbose_name_plural = _("OIT readiness of items")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item"], name="assessments_oitreadiness_unique_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_status_display()}"
