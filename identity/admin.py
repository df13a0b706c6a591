from django.contrib import admin

from config.admin import ViewOnlyAdmin
from identity.models import IdentityCheck


@admin.register(IdentityCheck)
class IdentityCheckAdmin(ViewOnlyAdmin):
    list_display = ["application", "attempt", "status", "distance", "created_at", "finished_at"]
    list_filter = ["status"]
