"""Admin pages for units, users and role assignments. Every write goes through org.services
(so it is validated and audited); status-like fields (revocation, paths) are read-only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yingshang import audit
from yingshang.errors import DomainError
from yingshang.org import services
from yingshang.org.models import RoleAssignment, Unit, User, Window


class NoDeleteMixin:
    """Nothing is deleted in Yingshang: deactivate or revoke instead."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "code",
        "parent",
        "region_code",
        "responsible_name",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code", "region_code")
    readonly_fields = ("path",)
    ordering = ("path",)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.unit_update(actor=request.user, unit=obj, reason="管理后台修改", **fields)
            else:
                extra = {
                    k: v
                    for k, v in form.cleaned_data.items()
                    if k not in ("parent", "kind", "code", "name")
                }
                created = services.unit_create(
                    actor=request.user,
                    parent=obj.parent,
                    kind=obj.kind,
                    code=obj.code,
                    name=obj.name,
                    **extra,
                )
                obj.pk = created.pk
        except DomainError as exc:
            messages.error(request, exc.message)


class RoleInline(NoDeleteMixin, admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "granted_at", "granted_by", "revoked_at", "revoke_reason")
    readonly_fields = ("role", "unit", "granted_at", "granted_by", "revoked_at", "revoke_reason")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # grant roles on the role-assignment page (through the service)


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin):
    list_display = ("username", "real_name", "kind", "mobile", "firm", "is_active", "last_login")
    list_filter = ("kind", "is_active", "is_superuser")
    search_fields = ("username", "real_name", "mobile", "firm__name", "firm__uscc")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份"), {"fields": ("kind", "real_name", "mobile", "email", "id_number", "firm")}),
        (
            _("状态"),
            {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")},
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = [RoleInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            original = User.objects.get(pk=obj.pk)
            before = {
                name: getattr(original, name) for name in form.changed_data if name != "password"
            }
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in form.changed_data if name != "password"}
        audit.record(
            actor=request.user,
            action="user.update" if change else "user.create",
            obj=obj,
            before=before,
            after=after,
            reason="管理后台",
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("user", "role", "unit", "granted_at", "revoked_at")
    list_filter = ("role", "revoked_at")
    search_fields = ("user__username", "user__real_name", "unit__name")
    readonly_fields = ("granted_at", "granted_by", "revoked_at", "revoke_reason")
    actions = ["revoke_selected"]

    def has_change_permission(self, request, obj=None):
        return obj is None  # an assignment is granted or revoked, never edited

    def save_model(self, request, obj, form, change):
        try:
            created = services.role_grant(
                actor=request.user, user=obj.user, role=obj.role, unit=obj.unit
            )
            obj.pk = created.pk
        except DomainError as exc:
            messages.error(request, exc.message)

    @admin.action(description=_("撤销所选角色（原因：管理后台撤销）"))
    def revoke_selected(self, request, queryset):
        for assignment in queryset.filter(revoked_at__isnull=True):
            services.role_revoke(actor=request.user, assignment=assignment, reason="管理后台撤销")


@admin.register(Window)
class WindowAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("number", "name", "hall", "kind", "clerk", "is_active")
    list_filter = ("kind", "is_active", "hall")
