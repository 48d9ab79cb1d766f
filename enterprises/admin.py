from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, UnionOfficer, Worker


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "ownership", "is_active"]
    search_fields = ["name", "tax_code"]
    list_filter = ["ownership", "is_active", "has_union"]


@admin.register(UnionOfficer)
class UnionOfficerAdmin(SimpleHistoryAdmin):
    list_display = ["user", "enterprise", "phone"]
    list_select_related = ["user", "enterprise"]


@admin.register(Worker)
class WorkerAdmin(SimpleHistoryAdmin):
    list_display = ["employee_code", "full_name", "enterprise", "is_active"]
    list_select_related = ["enterprise"]
    search_fields = ["employee_code", "full_name"]
