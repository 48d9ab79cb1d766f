"""The Django admin: a back door for the technical administrator, not the official's tool.

Workflow changes (submit, approve, return) belong to the portal's pages, which record
events; here reports and their log are read-only so the admin cannot bypass them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    SUBMITTED_LATE,
    EnterpriseReport,
    Indicator,
    Milestone,
    ReportEvent,
    ReportingPeriod,
    ReportValue,
    SentReminder,
    Target,
    WorkerOutcome,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "plan", "baseline", "order"]
    list_filter = ["plan"]
    search_fields = ["code", "name"]
    inlines = [TargetInline, MilestoneInline]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "kind", "year", "start", "end", "deadline", "state"]
    list_filter = ["state", "kind", "year"]
    search_fields = ["code"]


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    can_delete = False
    readonly_fields = ["indicator", "count"]

    def has_add_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class LateFilter(admin.SimpleListFilter):
    """Late by the period's current deadline, as everywhere else (not a stored flag)."""

    title = _("submitted late")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(SUBMITTED_LATE)
        if self.value() == "0":
            return queryset.exclude(SUBMITTED_LATE)
        return queryset


@admin.register(EnterpriseReport)
class EnterpriseReportAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "period", "status", "total_workers", "late", "entered_by_official", "submitted_at"]
    list_filter = ["period", "status", LateFilter, "entered_by_official"]
    list_select_related = ["enterprise", "period"]
    search_fields = ["enterprise__name", "enterprise__tax_code"]
    inlines = [ReportValueInline, ReportEventInline]
    readonly_fields = [
        "enterprise",
        "period",
        "status",
        "total_workers",
        "female_workers",
        "notes",
        "first_submitted_at",
        "first_submitted_on",
        "submitted_at",
        "late",
        "entered_by_official",
        "return_reason",
        "reviewed_at",
        "reviewed_by",
        "version",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("submitted late"))
    def late(self, report):
        return report.is_late


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "enterprise", "email", "sent_on", "sent_at"]
    list_filter = ["kind", "sent_on", "period"]
    list_select_related = ["period", "enterprise"]
    search_fields = ["email"]
    readonly_fields = ["kind", "period", "enterprise", "recipient", "email", "sent_on", "sent_at", "fingerprint"]

    def has_add_permission(self, request):
        return False


@admin.register(WorkerOutcome)
class WorkerOutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["worker", "indicator", "achieved_on"]
    list_select_related = ["worker", "indicator"]
    search_fields = ["worker__employee_code", "worker__full_name", "worker__enterprise__name"]
    raw_id_fields = ["worker"]
