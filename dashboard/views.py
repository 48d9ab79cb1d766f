"""The portal's front page: a dashboard for whoever logs in.

The commune official and the district viewer see the commune's progress
against the plan's targets; a union officer sees their own enterprise; a user
without a role sees how to get one. Every figure comes from
`indicators.progress` in a fixed number of queries, whatever the number of
enterprises and periods; `dashboard.layout` only arranges them.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts import access
from accounts.roles import OFFICER, OFFICIAL, VIEWER
from communes import identity
from enterprises.models import Enterprise
from indicators import progress, standing
from indicators.models import EnterpriseReport, ReportingPeriod
from plans.models import Activity, Plan, Task, TaskStatus

from . import layout


@login_required
def home(request):
    role = access.role_of(request.user)
    if role in (OFFICIAL, VIEWER):
        return render(request, "dashboard/commune.html", _commune_context(request))
    if role == OFFICER:
        return render(request, "dashboard/officer.html", _officer_context(request))
    return render(request, "home.html")


@access.commune_view_required
def dashboard_print(request):
    """The commune dashboard laid out for paper: tables instead of charts, no controls."""
    context = _commune_context(request)
    context.update(commune_body=identity.current().body, printed_at=timezone.now())
    return render(request, "dashboard/print.html", context)


@access.commune_view_required
def dashboard_enterprises(request):
    """Every enterprise's rates for a period: filtered, sorted and paginated on the server,
    for communes (or provinces) too large for the dashboard's table."""
    plan = Plan.objects.current()
    periods = list(ReportingPeriod.objects.order_by("end", "kind"))
    period = _chosen_period(request, periods)
    if plan is None or period is None:
        return render(request, "dashboard/enterprises.html", {"period": None, "periods": periods})
    result = progress.commune_progress(period, indicators=progress.plan_indicators(plan))
    show = request.GET.get("show", "all")
    if show not in dict(layout.TABLE_FILTERS):
        show = "all"
    sort = request.GET.get("sort", "name")
    # The database filters, sorts and pages: one page of rows is read, not the commune.
    selected = progress.counted(period, layout.table_filter(period, show), order=layout.table_order(result, sort))
    page = Paginator(selected.values_list("pk", flat=True), layout.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = layout.table_rows(result, progress.rows_of(period, list(page.object_list)))
    return render(
        request,
        "dashboard/enterprises.html",
        {
            "period": period,
            "periods": periods,
            "progress": result,
            "legend": layout.legend(result),
            "milestone_label": layout.milestone_label(period),
            "page": page,
            "show": show,
            "sort": sort,
            "filters": layout.TABLE_FILTERS,
            "total_rows": result.completeness.expected,
        },
    )


def _chosen_period(request, periods):
    code = request.GET.get("period")
    if code:
        chosen = next((p for p in periods if p.code == code), None)
        if chosen is None:
            raise Http404
        return chosen
    default = layout.default_period(periods, timezone.localdate())
    # The same instance as in the select list, whichever query found it.
    return next((p for p in periods if default and p.pk == default.pk), default)


def _commune_context(request) -> dict:
    plan = Plan.objects.current()
    periods = list(ReportingPeriod.objects.order_by("end", "kind"))
    period = _chosen_period(request, periods)
    if plan is None or period is None:
        return {"period": None, "periods": periods, "plan": plan}
    indicators = progress.plan_indicators(plan)
    # One pass over every period gives the trend charts and, on the way, the chosen
    # period's figures (commune_series agrees with commune_progress period by period).
    series = progress.commune_series(periods, indicators=indicators)
    result = next(point for point in series if point.period.pk == period.pk)
    bound = progress.lower_bound(result)
    counts = progress.report_counts([period])[period.pk]
    # Whatever the number of enterprises, a page of them is read: the furthest behind from
    # their stored standing (indicators.standing), the lists by name with their counts from
    # the maintained totals.
    limited = counts.active > layout.TABLE_LIMIT
    shown = (
        standing.furthest_behind(period, layout.TABLE_LIMIT)
        if limited
        else list(progress.counted(period).values_list("pk", flat=True))
    )
    listings = progress.listings(period, counts, layout.LIST_LIMIT)
    trends = layout.trends(series, result)
    task_badges = layout.task_badges(TaskStatus.choices)
    deadline_passed = period.deadline_passed(timezone.localdate())
    return {
        "plan": plan,
        "period": period,
        "periods": periods,
        "progress": result,
        "bound": bound,
        "cards": layout.cards(result, bound),
        # The whole commune's minimum stands by each rate while the figures can still change.
        "bound_shown": result.provisional or not result.completeness.is_complete,
        "legend": layout.legend(result),
        "milestone_label": layout.milestone_label(period),
        "unapproved_groups": layout.unapproved_groups(listings, deadline_passed=deadline_passed),
        "late": listings[progress.LATE],
        "awaiting_review": counts.submitted,
        "deadline_passed": deadline_passed,
        "table": layout.table_rows(result, progress.rows_of(period, shown)),
        "table_limited": limited,
        "table_total": counts.active,
        "trends": trends,
        "chart_data": layout.chart_data(trends, period, series),
        "task_badges": task_badges,
        "task_groups": layout.task_groups(_task_counts(plan), task_badges),
        "activities": _latest_activities(plan),
        "list_limit": layout.LIST_LIMIT,
    }


def _task_counts(plan):
    """Tasks per group and status: one aggregate query."""
    return (
        Task.objects.filter(group__plan=plan)
        .values("group__number", "group__title", "status")
        .annotate(n=Count("pk"))
        .order_by("group__number", "status")
    )


def _latest_activities(plan, count: int = 5):
    return list(
        Activity.objects.filter(task__group__plan=plan).select_related("task__group").order_by("-date", "-pk")[:count]
    )


def _officer_context(request) -> dict:
    enterprise = access.get_or_404(Enterprise.objects, request.user, pk=access.officer_enterprise_id(request.user))
    plan = Plan.objects.current()
    reports = list(
        EnterpriseReport.objects.filter(enterprise=enterprise).select_related("period").order_by("-period__end", "-pk")
    )
    latest = next((report for report in reports if report.total_workers), None)
    result = (
        progress.enterprise_progress(latest.period, enterprise, plan=plan)
        if latest is not None and plan is not None
        else None
    )
    today = timezone.localdate()
    return {
        "enterprise": enterprise,
        "latest": latest,
        "latest_badge": layout.report_badge(latest.status) if latest else None,
        "progress": result,
        "cards": layout.cards(result, None) if result else [],
        "milestone_label": layout.milestone_label(latest.period) if result else "",
        "open_periods": layout.open_periods(
            progress.periods_counting(enterprise, ReportingPeriod.objects.open().order_by("end")),
            {r.period_id: r for r in reports},
            today,
        ),
        "history": reports,
    }
