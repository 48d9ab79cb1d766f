"""An enterprise's worker roster: the list, one worker with the indicators they met, the
roster's Excel import, and the official's record of who opened which roster. Rosters exist
to count indicator outcomes, so they live in this layer; the pages stay under the
enterprise's address (/enterprises/<pk>/workers/).

Every page here shows named workers, so each fetches its enterprise with
`access.get_roster_or_404` (the viewer, who sees the enterprise, gets 403) and records
what was read in `RosterAccess`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import member_required, official_required
from core import xlsx_reading
from core.history import Children, history_of
from core.paging import paginate
from core.submissions import creates_once, save_unique
from core.uploads import (
    excel_response,
    import_context,
    import_token,
    leave_confirmation,
    parse_or_error,
    read_import_token,
)
from enterprises import retention
from enterprises.models import Enterprise, Worker
from enterprises.services import CHANGE_REASONS

from . import roster_imports, services
from .filters import RosterAccessFilter, WorkerFilter
from .forms import RosterFileForm, WorkerForm
from .models import Indicator, RosterAccess, RosterAccessKind, WorkerOutcome
from .roster import roster_totals

WORKERS_PER_PAGE = 50
ACCESSES_PER_PAGE = 50


def get_roster_to_change_or_404(user, pk) -> Enterprise:
    """The enterprise `pk` whose named roster this user changes: 404 for whoever may not see
    the enterprise, 403 for whoever sees it but may not change it or see its workers."""
    return access.get_roster_or_404(Enterprise.objects, user, pk=pk, change=True)


def get_worker_or_404(user, enterprise_pk, worker_pk) -> Worker:
    """A worker of enterprise `enterprise_pk` to change, fetched through that enterprise."""
    enterprise = get_roster_to_change_or_404(user, enterprise_pk)
    worker = get_object_or_404(enterprise.workers.all(), pk=worker_pk)
    worker.enterprise = enterprise  # already loaded: spare the query
    return worker


def record_access(request, enterprise, kind: str, worker: Worker | None = None) -> None:
    """Note that this request showed the enterprise's named workers (who, when, what)."""
    RosterAccess.objects.create(user=request.user, enterprise=enterprise, kind=kind, worker=worker)


@member_required
def worker_list(request, pk):
    enterprise = access.get_roster_or_404(Enterprise.objects, request.user, pk=pk)
    indicators = list(Indicator.objects.of_plan())
    worker_filter = WorkerFilter(
        request.GET, queryset=enterprise.workers.order_by("employee_code", "pk"), indicators=indicators
    )
    page = paginate(
        request,
        worker_filter.qs.prefetch_related(
            Prefetch("outcomes", queryset=WorkerOutcome.objects.only("worker_id", "indicator_id", "achieved_on"))
        ),
        WORKERS_PER_PAGE,
    )
    rows = []
    for worker in page:
        met = {outcome.indicator_id: outcome.achieved_on for outcome in worker.outcomes.all()}
        rows.append((worker, [met.get(indicator.pk) for indicator in indicators]))
    searched = bool(" ".join(request.GET.get("q", "").split()))
    record_access(request, enterprise, RosterAccessKind.SEARCH if searched else RosterAccessKind.LIST)
    return render(
        request,
        "indicators/worker_list.html",
        {
            "enterprise": enterprise,
            "filter": worker_filter,
            "page": page,
            "rows": rows,
            "indicators": indicators,
            "totals": roster_totals(enterprise),
            "can_change": access.can_change(request.user, enterprise.pk),
        },
    )


def _worker_form_page(request, enterprise, worker, *, created: bool):
    indicators = list(Indicator.objects.of_plan())
    outcomes = {} if created else {o.indicator_id: o.achieved_on for o in worker.outcomes.all()}
    form = WorkerForm(request.POST or None, instance=worker, indicators=indicators, outcomes=outcomes)
    if request.method == "POST" and worker.anonymised_on:
        # Editing would ask for a name again: a worker who comes back is added anew.
        messages.error(request, _("This worker's personal data was removed; the record can no longer be edited."))
        return redirect("indicators:worker_update", enterprise.pk, worker.pk)
    if request.method == "POST" and form.is_valid():
        try:
            # The same employee code saved a moment ago by someone else: the form says so.
            saved = save_unique(
                form,
                lambda: services.worker_save(worker=form.save(commit=False), outcomes=form.outcomes()),
                fields=["employee_code"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if saved is not None:
                messages.success(request, _("Worker %(worker)s was saved.") % {"worker": form.instance})
                if "add_another" in request.POST:
                    return redirect("indicators:worker_create", enterprise.pk)
                return redirect("indicators:worker_list", enterprise.pk)
    if not created and request.method == "GET":
        record_access(request, enterprise, RosterAccessKind.WORKER, worker)
    history = (
        []
        if created
        else history_of(
            worker,
            hidden=["enterprise"],
            reasons=CHANGE_REASONS,
            children=[
                Children(
                    WorkerOutcome.history.filter(worker_id=worker.pk).select_related("indicator"),
                    label=lambda r: r.indicator.name,
                    fields=["achieved_on"],
                ),
            ],
        )
    )
    return render(
        request,
        "indicators/worker_form.html",
        {
            "enterprise": enterprise,
            "worker": None if created else worker,
            "form": form,
            "history": history,
            "has_plan": bool(indicators),
            "met": [(indicator, outcomes[indicator.pk]) for indicator in indicators if indicator.pk in outcomes],
            "removal_on": None if created else retention.removal_date(worker),
        },
    )


@member_required
@creates_once
def worker_create(request, pk):
    enterprise = get_roster_to_change_or_404(request.user, pk)
    return _worker_form_page(request, enterprise, Worker(enterprise=enterprise), created=True)


@member_required
def worker_update(request, pk, worker_pk):
    worker = get_worker_or_404(request.user, pk, worker_pk)
    return _worker_form_page(request, worker.enterprise, worker, created=False)


def _set_worker_active(request, pk, worker_pk, active: bool):
    worker = get_worker_or_404(request.user, pk, worker_pk)
    if active and worker.anonymised_on:
        messages.error(
            request,
            _("This worker's personal data was removed, so the record cannot be taken back. Add the worker again."),
        )
        return redirect("indicators:worker_update", pk, worker.pk)
    if worker.is_active != active:
        worker.is_active = active
        # The retention period of the worker's personal data runs from this day.
        worker.left_on = None if active else timezone.localdate()
        worker.save(update_fields=["is_active", "left_on"])
    if active:
        messages.success(request, _("%(worker)s is on the roster of current workers again.") % {"worker": worker})
    else:
        messages.success(
            request,
            _("%(worker)s is marked as no longer employed and no longer counts in the roster totals.")
            % {"worker": worker},
        )
    return redirect("indicators:worker_update", pk, worker.pk)


@require_POST
@member_required
def worker_deactivate(request, pk, worker_pk):
    return _set_worker_active(request, pk, worker_pk, False)


@require_POST
@member_required
def worker_reactivate(request, pk, worker_pk):
    return _set_worker_active(request, pk, worker_pk, True)


@member_required
def worker_import(request, pk):
    enterprise = get_roster_to_change_or_404(request.user, pk)
    indicators = list(Indicator.objects.of_plan())
    form = RosterFileForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "enterprise": enterprise,
        "indicators": indicators,
        "max_rows": roster_imports.MAX_ROSTER_ROWS,
    }
    if request.method == "POST" and form.is_valid():
        # The copy waits for the confirmation only if the file is good; otherwise it goes.
        with xlsx_reading.staging(form.cleaned_data["file"]) as staged:
            parsed, error = parse_or_error(roster_imports.parse_roster, staged.path, indicators=indicators)
            if error or not parsed.is_valid:
                context.update({"file_error": error, **import_context(parsed, None)})
            else:
                deactivate_missing = form.cleaned_data["deactivate_missing"]
                preview = services.roster_import_preview(
                    enterprise=enterprise,
                    rows=parsed.rows,
                    indicators=indicators,
                    deactivate_missing=deactivate_missing,
                )
                record_access(request, enterprise, RosterAccessKind.IMPORT_PREVIEW)
                context.update(
                    {
                        **import_context(parsed, preview),
                        "token": import_token(
                            "roster",
                            staged.keep(),
                            request.user,
                            enterprise=enterprise.pk,
                            deactivate_missing=deactivate_missing,
                        ),
                        "filename": form.cleaned_data["file"].name,
                    }
                )
    return render(request, "indicators/worker_import.html", context)


@require_POST
@member_required
def worker_import_confirm(request, pk):
    enterprise = get_roster_to_change_or_404(request.user, pk)
    data, path = read_import_token(request, "roster")
    if data and data.get("enterprise") != enterprise.pk:
        data, path = None, None
    if leave := leave_confirmation(
        request,
        data,
        path,
        cancelled_to=reverse("indicators:worker_list", args=[enterprise.pk]),
        expired_to=reverse("indicators:worker_import", args=[enterprise.pk]),
    ):
        return leave
    indicators = list(Indicator.objects.of_plan())
    try:  # the staged copy has served its purpose, whatever happens now
        parsed, error = parse_or_error(roster_imports.parse_roster, path, indicators=indicators)
        if error or not parsed.is_valid:
            return render(
                request,
                "indicators/worker_import.html",
                {
                    "form": RosterFileForm(),
                    "enterprise": enterprise,
                    "indicators": indicators,
                    "max_rows": roster_imports.MAX_ROSTER_ROWS,
                    "file_error": error,
                    **import_context(parsed, None),
                },
            )
        try:
            preview = services.roster_import(
                enterprise=enterprise,
                rows=parsed.rows,
                indicators=indicators,
                user=request.user,
                deactivate_missing=data.get("deactivate_missing", False),
            )
        except IntegrityError:
            messages.error(
                request, _("Someone changed the roster at the same moment; nothing was saved. Upload the file again.")
            )
            return redirect("indicators:worker_import", enterprise.pk)
    finally:
        xlsx_reading.discard_staged(data["file"])
    messages.success(
        request,
        _(
            "Import finished: %(new)s workers added, %(updated)s updated, %(unchanged)s unchanged, %(left)s marked as no longer employed."
        )
        % {
            "new": len(preview.new),
            "updated": len(preview.updated),
            "unchanged": len(preview.unchanged),
            "left": len(preview.left),
        },
    )
    return redirect("indicators:worker_list", enterprise.pk)


@member_required
def worker_import_template(request, pk):
    enterprise = get_roster_to_change_or_404(request.user, pk)
    content = roster_imports.roster_template(list(Indicator.objects.of_plan()), enterprise_name=enterprise.name)
    record_access(request, enterprise, RosterAccessKind.TEMPLATE)
    return excel_response(content, "mau-danh-sach-cong-nhan.xlsx")


@official_required
def roster_access_list(request):
    """The official's record of who opened which enterprise's named roster, newest first."""
    access_filter = RosterAccessFilter(
        request.GET, queryset=RosterAccess.objects.select_related("user", "enterprise", "worker")
    )
    page = paginate(request, access_filter.qs, ACCESSES_PER_PAGE)
    return render(
        request,
        "indicators/roster_access_list.html",
        {
            "filter": access_filter,
            "page": page,
            "is_filtered": any(request.GET.get(name) for name in ("enterprise", "user")),
        },
    )
