"""Pages of the plan: the plan itself, its tasks, the activities done under them with
their evidence, and the yearly plans.

Everybody with a role reads the plan; only the official changes tasks and yearly plans.
Which activities a user sees or changes is decided in `accounts.access`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import member_required, official_required, role_required
from accounts.roles import OFFICER, OFFICIAL
from core import locking
from core.bounds import record_id
from core.history import Children, history_of
from core.names import full_name_of
from core.sections import collect_sections
from core.submissions import creates_once

from . import services
from .forms import (
    ActivityFilter,
    ActivityForm,
    AnnualPlanForm,
    TaskFilter,
    TaskForm,
    default_activity_date,
    plan_tasks,
)
from .models import Activity, AnnualPlan, Evidence, Plan, Task, TaskStatus
from .signals import plan_page_sections

# Recording activities: the official for the commune, an officer for their enterprise.
recorder_required = role_required(OFFICIAL, OFFICER)
ACTIVITIES_PER_PAGE = 25


def _current_plan_or_404() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan loaded")
    return plan


def _with_details(activities):
    """Activities with what their cards show, in a constant number of queries."""
    return activities.select_related("task__group", "owner_enterprise").prefetch_related("enterprises", "evidence")


def _activity_or_404(request, pk, *, change: bool = False) -> Activity:
    """The activity `pk` if the user may see it: 404 otherwise; with change=True, 403 when
    they may see but not change it (a commune activity, for an officer)."""
    return access.get_or_404(
        Activity.objects, request.user, pk=pk, change=change, via="owner_enterprise", shared_when_null=True
    )


def _mark_changeable(user, activities):
    """Flag the activities this user may change, so their cards offer an edit link."""
    activities = list(activities)
    for activity in activities:
        activity.user_can_change = access.can_change(user, activity.owner_enterprise_id)
    return activities


def _task_rows(plan: Plan, user):
    """The plan's tasks, each with its number of visible activities and the latest one's id."""
    visible = Activity.objects.visible_to(user).order_by()
    latest = visible.filter(task=OuterRef("pk")).order_by("-date", "-pk").values("pk")[:1]
    count = visible.filter(task=OuterRef("pk")).values("task").annotate(n=Count("pk")).values("n")
    return (
        plan_tasks(plan)
        .select_related("lead_unit")
        .prefetch_related("coordinating_units")
        .annotate(
            latest_activity_id=Subquery(latest),
            activity_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        )
    )


@member_required
def plan_detail(request):
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "plans/no_plan.html")
    filterset = TaskFilter(request.GET or None, queryset=_task_rows(plan, request.user))
    tasks = list(filterset.qs)
    latest = Activity.objects.in_bulk([t.latest_activity_id for t in tasks if t.latest_activity_id])
    for task in tasks:
        task.latest_activity = latest.get(task.latest_activity_id)
    groups = list(plan.task_groups.all())
    for group in groups:
        group.task_list = [task for task in tasks if task.group_id == group.pk]

    counts = dict(Task.objects.filter(group__plan=plan).order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in TaskStatus.choices]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "groups": groups,
            "filter": filterset,
            "is_filtered": any(filterset.form.data.get(name) for name in filterset.filters),
            "shown_count": len(tasks),
            "task_total": sum(counts.values()),
            "status_counts": status_counts,
            "sections": collect_sections(plan_page_sections, Plan, request=request, plan=plan, page="plan"),
        },
    )


@member_required
def task_detail(request, pk):
    task = get_object_or_404(
        Task.objects.select_related("group__plan", "lead_unit").prefetch_related("coordinating_units"),
        pk=pk,
    )
    activities = _with_details(Activity.objects.visible_to(request.user).filter(task=task))
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "activities": _mark_changeable(request.user, activities),
            "scheduled_years": list(task.annual_plans.values_list("year", flat=True).order_by("year")),
            "history": history_of(task),
            "can_record": access.role_of(request.user) in (OFFICIAL, OFFICER),
        },
    )


@official_required
def task_update(request, pk):
    task = get_object_or_404(Task.objects.select_related("group"), pk=pk)
    conflict = None
    if request.method == "POST":
        form = TaskForm(request.POST, instance=task)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task, changed = services.task_update(
                    task=task,
                    version=data["version"],
                    status=data["status"],
                    lead_unit=data["lead_unit"],
                    coordinating_units=data["coordinating_units"],
                    progress_notes=data["progress_notes"],
                )
            except locking.Conflict as error:
                # Keep what the official typed; show what is saved now. The form now
                # carries the current version, so saving again is a deliberate overwrite.
                conflict = Task.objects.get(pk=task.pk)
                data = request.POST.copy()
                data["version"] = conflict.version
                form = TaskForm(data, instance=conflict)
                form.is_valid()
                form.add_error(None, error)
            else:
                if changed:
                    messages.success(request, _("The task was updated."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(task)
    else:
        form = TaskForm(instance=task)
    if conflict is not None:
        conflict = Task.objects.select_related("lead_unit").prefetch_related("coordinating_units").get(pk=conflict.pk)
        last = conflict.history.select_related("history_user").first()
        conflict.changed_at = last.history_date if last else None
        user = last.history_user if last else None
        conflict.changed_by = full_name_of(user) if user else _("System")
    return render(
        request,
        "plans/task_form.html",
        {
            "task": task,
            "form": form,
            "conflict": conflict,
        },
    )


@member_required
def activity_list(request):
    plan = _current_plan_or_404()
    visible = Activity.objects.visible_to(request.user).filter(task__group__plan=plan)
    filterset = ActivityFilter(request.GET or None, queryset=visible, user=request.user, plan=plan)
    page = Paginator(
        _with_details(filterset.qs).order_by("-date", "-pk"),
        ACTIVITIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/activity_list.html",
        {
            "filter": filterset,
            "page": page,
            "activities": _mark_changeable(request.user, page.object_list),
            "query": query.urlencode(),
            "can_record": access.role_of(request.user) in (OFFICIAL, OFFICER),
        },
    )


def _save_activity(request, form, activity):
    """Bind, check and save; return the saved activity or None (the form then holds the errors)."""
    if not form.is_valid():
        if request.FILES:
            messages.warning(
                request, _("Browsers cannot keep chosen files after an error: choose the evidence files again.")
            )
        return None
    activity = form.save(commit=False)
    return services.activity_save(
        activity=activity,
        enterprises=form.cleaned_data["enterprises"],
        files=form.cleaned_data["files"],
        user=request.user,
    )


@recorder_required
@creates_once
def activity_create(request):
    plan = _current_plan_or_404()
    # An officer's activity belongs to their enterprise; the official's to the commune
    # unless they choose an enterprise in the form.
    activity = Activity(
        owner_enterprise_id=(access.officer_enterprise_id(request.user) if access.is_officer(request.user) else None)
    )
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, instance=activity, user=request.user, plan=plan)
        saved = _save_activity(request, form, activity)
        if saved:
            messages.success(request, _("The activity was recorded."))
            return redirect(saved)
    else:
        task = request.GET.get("task", "")  # from the task's page
        form = ActivityForm(
            instance=activity,
            user=request.user,
            plan=plan,
            initial={"task": task if record_id(task) else None, "date": default_activity_date(plan)},
        )
    return render(request, "plans/activity_form.html", {"form": form, "activity": None})


@member_required
def activity_detail(request, pk):
    activity = _activity_or_404(request, pk)
    activity = _with_details(Activity.objects.filter(pk=activity.pk)).get()
    return render(
        request,
        "plans/activity_detail.html",
        {
            "activity": activity,
            "can_change": access.can_change(request.user, activity.owner_enterprise_id),
            "history": history_of(
                activity,
                children=[
                    Children(
                        Evidence.history.filter(activity_id=activity.pk),
                        label=lambda record: capfirst(Evidence._meta.verbose_name),
                        fields=["original_name"],
                    )
                ],
            ),
        },
    )


@recorder_required
def activity_update(request, pk):
    activity = _activity_or_404(request, pk, change=True)
    plan = activity.task.group.plan
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, instance=activity, user=request.user, plan=plan)
        saved = _save_activity(request, form, activity)
        if saved:
            messages.success(request, _("The activity was saved."))
            return redirect(saved)
    else:
        form = ActivityForm(instance=activity, user=request.user, plan=plan)
    evidence = list(activity.evidence.all())
    return render(
        request,
        "plans/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "evidence": evidence,
        },
    )


@recorder_required
def activity_delete(request, pk):
    activity = _activity_or_404(request, pk, change=True)
    if request.method == "POST":
        task = activity.task
        services.activity_delete(activity=activity)
        messages.success(request, _("The activity was deleted."))
        return redirect(task)
    return render(
        request,
        "plans/activity_confirm_delete.html",
        {
            "activity": activity,
            "evidence_count": activity.evidence.count(),
        },
    )


@member_required
def evidence_download(request, activity_pk, pk):
    """Serve an evidence file to those who may see its activity, and to nobody else.

    Photos open in the browser; PDFs download. The response may not be sniffed into
    another type, and runs sandboxed even if opened directly.
    """
    activity = _activity_or_404(request, activity_pk)
    evidence = get_object_or_404(activity.evidence, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Evidence file missing from storage") from None
    inline = evidence.is_image and not request.GET.get("download")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Never kept by a browser or proxy: on a shared computer the next person could open it.
    response["Cache-Control"] = "private, no-store"
    return response


@recorder_required
@require_POST
def evidence_delete(request, activity_pk, pk):
    activity = _activity_or_404(request, activity_pk, change=True)
    evidence = get_object_or_404(activity.evidence, pk=pk)
    services.evidence_delete(evidence=evidence)
    messages.success(request, _("The file “%(name)s” was deleted.") % {"name": evidence.original_name})
    return redirect(activity)


def _plan_year_or_404(plan: Plan, year: int) -> int:
    if not plan.start_year <= year <= plan.end_year:
        raise Http404("Year outside the plan")
    return year


@member_required
def annual_plan_list(request):
    plan = _current_plan_or_404()
    annual_plans = {annual.year: annual for annual in plan.annual_plans.annotate(task_count=Count("tasks"))}
    activity_counts = dict(
        Activity.objects.visible_to(request.user)
        .filter(task__group__plan=plan)
        .order_by()
        .values_list("date__year")
        .annotate(n=Count("pk"))
    )
    notes = collect_sections(plan_page_sections, Plan, request=request, plan=plan, page="annual_plans")
    years = [
        {
            "year": year,
            "annual_plan": annual_plans.get(year),
            "activity_count": activity_counts.get(year, 0),
            "note": notes.get(str(year)),
        }
        for year in range(plan.start_year, plan.end_year + 1)
    ]
    return render(
        request,
        "plans/annual_plan_list.html",
        {
            "plan": plan,
            "years": years,
            "this_year": timezone.localdate().year,
        },
    )


@member_required
def annual_plan_detail(request, year):
    plan = _current_plan_or_404()
    _plan_year_or_404(plan, year)
    annual_plan = (
        plan.annual_plans.filter(year=year)
        .prefetch_related(Prefetch("tasks", queryset=plan_tasks(plan).select_related("lead_unit")))
        .first()
    )
    activities = _with_details(
        Activity.objects.visible_to(request.user).filter(task__group__plan=plan, date__year=year)
    )
    return render(
        request,
        "plans/annual_plan_detail.html",
        {
            "plan": plan,
            "year": year,
            "annual_plan": annual_plan,
            "sections": collect_sections(
                plan_page_sections, Plan, request=request, plan=plan, page="annual_plan", year=year
            ),
            "activities": list(activities),
            "history": history_of(annual_plan) if annual_plan else [],
        },
    )


@official_required
def annual_plan_update(request, year):
    plan = _current_plan_or_404()
    _plan_year_or_404(plan, year)
    annual_plan = plan.annual_plans.filter(year=year).first() or AnnualPlan(plan=plan, year=year)
    if request.method == "POST":
        form = AnnualPlanForm(request.POST, instance=annual_plan, plan=plan)
        if form.is_valid():
            services.annual_plan_save(
                plan=plan, year=year, tasks=form.cleaned_data["tasks"], notes=form.cleaned_data["notes"]
            )
            messages.success(request, _("The plan for %(year)s was saved.") % {"year": year})
            return redirect("plans:annual_plan_detail", year=year)
    else:
        form = AnnualPlanForm(instance=annual_plan, plan=plan)
    return render(request, "plans/annual_plan_form.html", {"form": form, "year": year, "plan": plan})
