from django.contrib import admin

from identity.models import IdentityCheck


@admin.register(IdentityCheck)
class IdentityCheckAdmin(admin.ModelAdmin):
    list_display = ["application", "attempt", "status", "distance", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in IdentityCheck._meta.fields]
