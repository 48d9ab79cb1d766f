"""Django admin for the enterprises app: a back door for the technical administrator.

Day-to-day work happens in the portal's pages, which enforce the rules (scope,
validation, history with reasons). The admin never hard-deletes an enterprise:
its reports and history must survive; deactivate it instead.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, UnionOfficer, Worker


class UnionOfficerInline(admin.TabularInline):
    model = UnionOfficer
    extra = 0
    fields = ["user", "phone", "position"]
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "address", "legal_form", "economic_sector", "has_union", "is_active"]
    search_fields = ["name", "tax_code"]
    list_filter = ["legal_form", "economic_sector", "is_active", "has_union"]
    # "Followed now" follows the "no longer followed from" date (the model's constraint).
    readonly_fields = ["is_active", "created_at", "updated_at"]
    inlines = [UnionOfficerInline]

    def save_model(self, request, obj, form, change):
        obj.is_active = obj.stopped_from is None
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnionOfficer)
class UnionOfficerAdmin(SimpleHistoryAdmin):
    list_display = ["user", "enterprise", "position", "phone"]
    list_select_related = ["user", "enterprise"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "enterprise__name"]
    raw_id_fields = ["user", "enterprise"]


@admin.register(Worker)
class WorkerAdmin(SimpleHistoryAdmin):
    list_display = ["employee_code", "full_name", "enterprise", "sex", "birth_year", "is_active"]
    list_select_related = ["enterprise"]
    list_filter = ["is_active", "sex"]
    search_fields = ["employee_code", "full_name", "enterprise__name"]
    raw_id_fields = ["enterprise"]
