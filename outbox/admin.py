from django.contrib import admin

from config.admin import ViewOnlyAdmin
from outbox.models import Email, Message


@admin.register(Message)
class MessageAdmin(ViewOnlyAdmin):
    list_display = ["id", "task", "status", "created_at", "published_at", "attempts", "finished_at"]
    list_filter = ["status", "task"]


@admin.register(Email)
class EmailAdmin(ViewOnlyAdmin):
    list_display = ["id", "subject", "to", "status", "created_at", "sent_at", "attempts"]
    list_filter = ["status"]
    search_fields = ["to", "about"]
