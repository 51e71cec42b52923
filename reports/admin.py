"""Django admin of the reports app for site staff: analysis narratives are view-only here (officers
edit them on the analysis page, through the services that lock and audit)."""

from __future__ import annotations

from django.contrib import admin

from assessments.admin import ViewOnlyMixin

from . import models


@admin.register(models.AnalysisNarrative)
class AnalysisNarrativeAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["assessment", "organization", "updated_by", "updated_at"]
    list_filter = ["assessment__fiscal_year"]
    search_fields = ["organization__name"]
