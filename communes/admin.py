"""Django admin for the communes app: a back door for the technical administrator.

The province administrator keeps the communes on the portal's own pages, which check every
rule; the admin never deletes a commune (documents and, later, every record name it)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Commune, CommuneLeader, Membership


class CommuneLeaderInline(admin.TabularInline):
    model = CommuneLeader
    extra = 0
    fields = ["order", "name", "position", "may_sign"]


class MembershipInline(admin.TabularInline):
    """The accounts serving the commune; the province administrator's page checks their roles."""

    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Commune)
class CommuneAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "merged_into", "merged_on"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CommuneLeaderInline, MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False
