from django.contrib import admin

from yingshang.catalog.models import (
    FormField,
    Material,
    Matter,
    MatterVersion,
    Package,
    PackageMember,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = MatterVersion
    fields = (
        "version",
        "name",
        "handling_kind",
        "legal_limit_days",
        "promised_limit_days",
        "created_at",
        "created_by",
        "change_note",
    )
    readonly_fields = fields
    show_change_link = True


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = (
        "order",
        "key",
        "name",
        "required",
        "form",
        "copies",
        "deficit_allowed",
        "commitment_replaces",
        "template",
        "example",
    )
    readonly_fields = fields


class FormFieldInline(ReadOnlyInline):
    model = FormField
    fields = ("order", "key", "label", "field_type", "required", "choices", "profile_source")
    readonly_fields = fields


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    """Read-only: matters change through the catalogue workbench (new versions, audited)."""

    list_display = ("implementation_code", "name_cache", "unit", "current_version", "is_active")
    list_filter = ("is_active", "unit")
    search_fields = ("name_cache", "implementation_code", "base_code")
    readonly_fields = (
        "base_code",
        "implementation_code",
        "unit",
        "localised_from",
        "current_version",
        "is_active",
        "created_at",
        "deactivated_at",
        "deactivate_reason",
        "name_cache",
    )
    exclude = ("search_text",)
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MatterVersion)
class MatterVersionAdmin(admin.ModelAdmin):
    """Published versions are immutable."""

    list_display = (
        "matter",
        "version",
        "name",
        "handling_kind",
        "legal_limit_days",
        "promised_limit_days",
        "created_at",
    )
    search_fields = ("name",)
    inlines = [MaterialInline, FormFieldInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in MatterVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberInline(ReadOnlyInline):
    model = PackageMember
    fields = ("order", "matter")
    readonly_fields = fields


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "lead_unit", "promised_limit_days", "is_active")
    inlines = [MemberInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Package._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
