from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    """Every change goes through the services, which keep the workflow and write the event rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
