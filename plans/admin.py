"""The plan in the Django admin, for the commune official's occasional repairs.

Everyday work happens in the portal's pages; the admin keeps history (every change is
recorded as in the portal) and never links evidence files directly: they are served only
through the access-checked download view.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Activity,
    Activity_enterprises,
    AnnualPlan,
    AnnualPlan_tasks,
    Evidence,
    Plan,
    Task,
    Task_coordinating_units,
    TaskGroup,
    Unit,
)


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "issued_year", "start_year", "end_year", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["code", "title"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class CoordinatingUnitInline(admin.TabularInline):
    model = Task_coordinating_units
    extra = 0
    verbose_name = _("coordinating unit")
    verbose_name_plural = _("coordinating units")


class InvolvedEnterpriseInline(admin.TabularInline):
    model = Activity_enterprises
    extra = 0
    verbose_name = _("enterprise involved")
    verbose_name_plural = _("enterprises involved")


class ScheduledTaskInline(admin.TabularInline):
    model = AnnualPlan_tasks
    extra = 0
    verbose_name = _("scheduled task")
    verbose_name_plural = _("scheduled tasks")


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["letter", "order", "status", "lead_unit"]
    extra = 0
    show_change_link = True


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "lead_unit", "version"]
    list_filter = ["group__plan", "status", "lead_unit"]
    list_select_related = ["group", "lead_unit"]
    search_fields = ["text", "progress_notes"]
    inlines = [CoordinatingUnitInline]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        # Portal forms opened before this admin edit must notice it (optimistic locking).
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False  # deleted from the activity's page, which also removes the stored file

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked by content in the portal's form only

    @admin.display(description=_("file"))
    def download(self, evidence):
        url = reverse("plans:evidence_download", args=[evidence.activity_id, evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.original_name)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "task", "owner_enterprise", "workers_reached"]
    list_filter = ["task__group__plan", "owner_enterprise"]
    list_select_related = ["task__group", "owner_enterprise"]
    date_hierarchy = "date"
    search_fields = ["title", "description", "place", "organiser"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [InvolvedEnterpriseInline, EvidenceInline]

    def delete_model(self, request, obj):
        services.activity_delete(activity=obj)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            services.activity_delete(activity=activity)


@admin.register(AnnualPlan)
class AnnualPlanAdmin(SimpleHistoryAdmin):
    list_display = ["year", "plan"]
    list_filter = ["plan"]
    inlines = [ScheduledTaskInline]
