"""The county's project configuration (types, stage definitions, 区域评估 results) for the
system administrator; projects and stages are read-only here — they move only through the
services (stage states, clocks, audit)."""

from django.contrib import admin

from yingshang.projects.models import (
    Project,
    ProjectStage,
    ProjectType,
    RegionalAssessment,
    StageDefinition,
)


class StageDefinitionInline(admin.TabularInline):
    model = StageDefinition
    extra = 0
    can_delete = False  # a definition projects were laid out from stays
    fields = ("order", "name", "package", "matter", "limit_days", "joint", "produces", "waivers")


@admin.register(ProjectType)
class ProjectTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "investment_kind", "category", "total_limit_days", "is_active")
    inlines = [StageDefinitionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegionalAssessment)
class RegionalAssessmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "area", "approved_on", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "firm",
        "project_type",
        "status",
        "current_stage",
        "gov_days_used",
    )


@admin.register(ProjectStage)
class ProjectStageAdmin(ReadOnlyAdmin):
    list_display = ("project", "order", "status", "lead_unit", "days_used", "late", "returns")
