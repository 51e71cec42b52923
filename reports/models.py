"""The narrative of an assessment's analysis report, as the officer edited it.

The paragraphs are drafted in Thai from the data (``reports.narrative``); the officer may rewrite
any of them before a memo carries the report. A section left ``None`` is drafted from the data each
time the report renders (so it follows corrected scores); a section the officer wrote is kept as
written, even an emptied one. "Re-draft from data" sets every section back to ``None``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Organization, OrgQuerySet

#: The narrative's sections, in report order (field names of ``AnalysisNarrative``).
SECTIONS = ("overview", "strengths", "weaknesses", "improvements", "practice")


class AnalysisNarrative(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="narrative", verbose_name=_("assessment")
    )
    overview = models.TextField(_("overall result"), null=True, blank=True)  # noqa: DJ001 (None = drafted)
    strengths = models.TextField(_("strengths"), null=True, blank=True)  # noqa: DJ001 (None = drafted)
    weaknesses = models.TextField(_("weaknesses to fix urgently"), null=True, blank=True)  # noqa: DJ001 (None = drafted)
    improvements = models.TextField(_("points to improve"), null=True, blank=True)  # noqa: DJ001 (None = drafted)
    practice = models.TextField(_("from the analysis to practice"), null=True, blank=True)  # noqa: DJ001 (None = drafted)
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
        verbose_name = _("analysis narrative")
        verbose_name_plural = _("analysis narratives")

    def __str__(self) -> str:
        return str(self.assessment)

    def edited(self) -> dict[str, str]:
        """The sections the officer wrote (``None`` ones are drafted from the data)."""
        return {name: getattr(self, name) for name in SECTIONS if getattr(self, name) is not None}
