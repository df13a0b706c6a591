from django.contrib import admin

from applications.models import Application, ApplicationEvent, Document
from config.admin import ViewOnlyAdmin


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["transition", "from_state", "to_state", "actor", "reason", "created_at"]
    has_add_permission = has_change_permission = has_delete_permission = ViewOnlyAdmin.has_add_permission


@admin.register(Application)
class ApplicationAdmin(ViewOnlyAdmin):
    list_display = ["reference", "route", "state", "applicant", "submitted_at"]
    list_filter = ["state", "route"]
    # The name is a property made from the answers; search the answers it is made from.
    search_fields = ["reference", "applicant__email", "answers__given_names", "answers__family_name"]
    inlines = [EventInline]


@admin.register(Document)
class DocumentAdmin(ViewOnlyAdmin):
    list_display = ["application", "kind", "size", "uploaded_at"]
