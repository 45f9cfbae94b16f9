from django.contrib import admin

from yingshang.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = (
        "seq",
        "created_at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "reason",
    )
    list_filter = ("action",)
    search_fields = ("actor_name", "object_id", "action")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
