from django.contrib import admin

from applications.models import Application, ApplicationEvent, Document


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_state", "to_state", "actor", "reason", "created_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # Read only: transitions go through the services, which write the event rows.
    list_display = ["reference", "route", "state", "applicant", "submitted_at"]
    list_filter = ["state", "route"]
    search_fields = ["reference", "applicant__email", "full_name"]
    readonly_fields = ["state", "reference", "submitted_at", "decided_at"]
    inlines = [EventInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "size", "uploaded_at"]
    readonly_fields = [field.name for field in Document._meta.fields]
