from django.contrib import admin

from audit.models import AccessRecord, SubjectAccessExport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor_role", "actor_id", "action", "application_id", "reason"]
    list_filter = ["action", "actor_role"]
    search_fields = ["=application_id", "=actor_id"]


@admin.register(SubjectAccessExport)
class SubjectAccessExportAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "requested_by", "requested_at", "status", "expires_at"]
