"""Saved column mappings of the ITAS import (issue 7 item 2): offered again for files that look alike."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """A sheet's columns as the admin mapped them, by header text (moved columns still match).

    ``signature``: SHA-256 of the sheet's normalised header texts in any order, so a file whose header
    has the same texts gets the mapping offered. ``columns``: normalised header text -> field ("ignore"
    for a column not imported). ``organization`` None: site-wide (site staff only).
    """

    name = models.CharField(_("name"), max_length=100)
    signature = models.CharField(_("header signature"), max_length=64, db_index=True)
    headers = models.JSONField(_("header texts"), default=list)
    columns = models.JSONField(_("columns"), default=dict)
    kind = models.CharField(_("kind of sheet"), max_length=20, blank=True)
    organization = models.ForeignKey(
        "assessments.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_mappings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(organization__isnull=False),
                name="assessments_importmapping_unique_name",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(organization__isnull=True),
                name="assessments_importmapping_unique_sitewide_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name
