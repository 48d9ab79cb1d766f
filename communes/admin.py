"""Django admin for the communes app: a back door for the technical administrator.

The province administrator keeps the communes on the portal's own pages, which check every
rule; the admin never deletes a commune (documents and, later, every record name it)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commune, CommuneLeader


class CommuneLeaderInline(admin.TabularInline):
    model = CommuneLeader
    extra = 0
    fields = ["order", "name", "position", "may_sign"]


@admin.register(Commune)
class CommuneAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "merged_into", "merged_on"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CommuneLeaderInline]

    def has_delete_permission(self, request, obj=None):
        return False
