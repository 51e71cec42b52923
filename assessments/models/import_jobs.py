"""A background ITAS import (issue 7 item 8): a large upload is previewed and imported by a task
(``assessments.tasks.run_itas_import_job``) while the browser shows its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organizations import Organization


class ImportJobKind(models.TextChoices):
    PREVIEW = "preview", _("check")
    IMPORT = "import", _("import")


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One run of the ITAS import on an uploaded file, by its owner; only the owner and site staff
    see it. The file waits under the pending uploads (``pending_uploads``, never served)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ImportJobKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    #: The upload's token and SHA-256 in the pending uploads, and the options chosen at upload
    #: (year, create_agencies, organization, chosen or ignored saved mappings).
    pending = models.JSONField(_("upload"), default=dict)
    done = models.PositiveIntegerField(_("agency-years written"), default=0)
    total = models.PositiveIntegerField(_("agency-years to write"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.DONE, ImportJobState.FAILED)
