"""Django admin for every model, for site staff only (is_staff): an organization's administrators
manage their units and members on the portal's organization pages instead.

Framework rows of a version in use are read-only: corrections go into a new revision (the "copy as
new revision" action), so no assessment's score moves silently. Assessments and their scores are
view-only here: they are written through the portal's services only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import models, selectors, services


def _version_of(obj) -> models.FrameworkVersion | None:
    for path in ("framework", "scheme.framework", "scale.framework", "item.framework"):
        target = obj
        for attr in path.split("."):
            target = getattr(target, attr, None)
        if isinstance(target, models.FrameworkVersion):
            return target
    return obj if isinstance(obj, models.FrameworkVersion) else None


class FrameworkPartAdmin(admin.ModelAdmin):
    """Read-only once the version it belongs to is used by an assessment."""

    def _locked(self, obj) -> bool:
        version = _version_of(obj) if obj is not None else None
        return version is not None and version.pk is not None and services.framework_is_locked(version)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    # A framework's structure is kept per process for scoring (selectors.framework_structure):
    # forget it after any edit here, so the next scoring reads the corrected rows.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        selectors.framework_structure_forget()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        selectors.framework_structure_forget()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        selectors.framework_structure_forget()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        selectors.framework_structure_forget()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self._locked(obj):
            messages.warning(
                request,
                _(
                    "This framework version is used by assessments and is read-only. Use the action "
                    "'Copy as a new revision' on the framework version to correct it."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


class LockedInline:
    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _inline_locked(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _inline_locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _inline_locked(obj)


def _inline_locked(parent) -> bool:
    version = _version_of(parent) if parent is not None else None
    return version is not None and services.framework_is_locked(version)


class ToolInline(LockedInline, admin.TabularInline):
    model = models.Tool
    extra = 0


class BandInline(LockedInline, admin.TabularInline):
    model = models.Band
    extra = 0


class AnswerOptionInline(LockedInline, admin.TabularInline):
    model = models.AnswerOption
    extra = 0


class ItemElementInline(LockedInline, admin.TabularInline):
    model = models.ItemElement
    extra = 0


class SubIndicatorInline(LockedInline, admin.TabularInline):
    model = models.SubIndicator
    extra = 0
    exclude = ["framework"]


@admin.register(models.FrameworkVersion)
class FrameworkVersionAdmin(FrameworkPartAdmin):
    list_display = ["fiscal_year", "revision", "status", "name_th", "assessment_count", "created_at"]
    list_filter = ["status", "fiscal_year"]
    readonly_fields = ["checksum", "created_at"]
    inlines = [ToolInline]
    actions = ["copy_as_new_revision"]

    @admin.display(description=_("assessments"))
    def assessment_count(self, obj: models.FrameworkVersion) -> int:
        return obj.assessments.count()

    @admin.action(description=_("Copy as a new revision (to correct a version in use)"))
    def copy_as_new_revision(self, request, queryset) -> None:
        for version in queryset:
            try:
                new = services.framework_new_revision(version=version)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                _("Created %(version)s; correct it and assessments can move to it.") % {"version": new},
            )


@admin.register(models.BandScheme)
class BandSchemeAdmin(FrameworkPartAdmin):
    list_display = ["framework", "kind", "pass_mark"]
    inlines = [BandInline]


@admin.register(models.Band)
class BandAdmin(FrameworkPartAdmin):
    list_display = ["scheme", "label", "min_total", "min_each_tool", "passed", "is_sub_level"]


@admin.register(models.AnswerScale)
class AnswerScaleAdmin(FrameworkPartAdmin):
    list_display = ["framework", "code", "status_note"]
    inlines = [AnswerOptionInline]


@admin.register(models.AnswerOption)
class AnswerOptionAdmin(FrameworkPartAdmin):
    list_display = ["scale", "label", "score"]


@admin.register(models.Tool)
class ToolAdmin(FrameworkPartAdmin):
    list_display = ["framework", "code", "name_th", "weight"]
    list_filter = ["framework"]


@admin.register(models.Indicator)
class IndicatorAdmin(FrameworkPartAdmin):
    list_display = ["framework", "number", "name_th", "tool"]
    list_filter = ["framework"]
    inlines = [SubIndicatorInline]


@admin.register(models.SubIndicator)
class SubIndicatorAdmin(FrameworkPartAdmin):
    list_display = ["framework", "code", "name_th", "indicator"]
    list_filter = ["framework"]


@admin.register(models.ItemGroup)
class ItemGroupAdmin(FrameworkPartAdmin):
    list_display = ["framework", "sub_indicator", "name_th"]
    list_filter = ["framework"]


@admin.register(models.Item)
class ItemAdmin(FrameworkPartAdmin):
    list_display = ["framework", "code", "name_th", "kind", "polarity", "concept"]
    list_filter = ["framework", "kind"]
    search_fields = ["code", "name_th", "concept"]
    inlines = [ItemElementInline]


@admin.register(models.ItemElement)
class ItemElementAdmin(FrameworkPartAdmin):
    list_display = ["item", "text"]
    search_fields = ["text", "item__code"]


class UnitInline(admin.TabularInline):
    model = models.Unit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "province", "district", "itas_code"]
    list_filter = ["org_type", "province"]
    search_fields = ["name", "itas_code", "province"]
    inlines = [UnitInline, MembershipInline]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "code"]
    list_filter = ["organization"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "position_title", "unit"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "position_title"]


class ViewOnlyMixin:
    """Scores and assessments are viewed here, never written: the portal's services lock the rows,
    recompute the result and leave an audit record, and the admin would bypass all three."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IndicatorScoreInline(ViewOnlyMixin, admin.TabularInline):
    model = models.IndicatorScore
    extra = 0
    fields = ["indicator", "score"]


@admin.register(models.Assessment)
class AssessmentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "organization",
        "fiscal_year",
        "framework",
        "computed_total",
        "computed_band",
        "published_total",
    ]
    list_filter = ["fiscal_year", "organization"]
    readonly_fields = [
        "computed_total",
        "computed_band",
        "computed_passed",
        "computed_complete",
        "computed_result",
    ]
    inlines = [IndicatorScoreInline]


@admin.register(models.IndicatorScore)
class IndicatorScoreAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["assessment", "indicator", "score"]


@admin.register(models.QuestionScore)
class QuestionScoreAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["assessment", "item", "score"]


@admin.register(models.DisclosureResult)
class DisclosureResultAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["assessment", "item", "passed", "updated_at"]
    list_filter = ["passed"]


@admin.register(models.ImportMapping)
class ImportMappingAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Saved column mappings of the ITAS import: written on the mapping page (its service checks who
    may save), only looked at here by site staff."""

    list_display = ["name", "organization", "kind", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["organization", "created_by"]
    search_fields = ["name", "organization__name"]


@admin.register(models.ImportJob)
class ImportJobAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Background ITAS imports (issue 7 item 8): queued and run by the task worker, looked at here."""

    list_display = ["file_name", "kind", "state", "user", "done", "total", "created_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["user"]
    search_fields = ["file_name", "user__username"]
    exclude = ["pending"]


@admin.register(models.OitReadiness)
class OitReadinessAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The OIT readiness board's rows: written on the board (locked, audited), looked at here."""

    list_display = ["assessment", "item", "owner_unit", "status", "data_year", "check_outcome", "checked_at"]
    list_filter = ["status", "check_outcome"]
    list_select_related = ["assessment__organization", "item", "owner_unit"]
