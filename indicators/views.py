"""Pages of the indicators app: indicators and targets, reporting periods, the enterprise
report form, the commune's review queue and the Excel import.

Views stay thin (STYLE.md): access through accounts.access, a form, a service from
indicators.services, a message, a redirect. Which actions a page offers comes from the
rows' own rules (`EnterpriseReport.can_be_returned()`…), the ones the services enforce.
An officer's enterprise is always the one their account belongs to, never a number from
the request, so a tampered POST cannot reach another enterprise; another enterprise's
report page answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access
from communes import identity
from core import search as text_search
from core import xlsx_reading
from core.bounds import record_id
from core.history import Children, history_of
from core.uploads import ExcelFileForm, excel_response
from enterprises.models import Enterprise, UnionOfficer
from plans.models import Plan

from . import imports, progress, rules, services
from .forms import IndicatorForm, PeriodDeadlineForm, ReportForm, ReturnForm
from .models import (
    ENTERPRISE_EDITABLE,
    STANDING,
    SUBMITTED_LATE,
    EnterpriseReport,
    Indicator,
    Milestone,
    Outstanding,
    PeriodState,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
)
from .progress import milestone_for, rate_of
from .progress import milestones as interpolated_milestones
from .progress import plan_indicators as progress_plan_indicators
from .roster import prefill as roster_prefill
from .roster import roster_totals

QUEUE_PAGE_SIZE = 50
CLOSE_LIST_LIMIT = 20  # names listed per group before "và N doanh nghiệp khác"
QUEUE_FILTERS = [Outstanding.UNREPORTED, "draft", "submitted", "returned", "approved", "late"]


# --- Indicators ------------------------------------------------------------------------------


def _current_year() -> int:
    return timezone.localdate().year


@access.member_required
@require_GET
def indicator_list(request):
    year = _current_year()
    plan = Plan.objects.current()
    indicators = progress_plan_indicators(plan) if plan else []  # targets and milestones prefetched
    rows = []
    target_years = set()
    for indicator in indicators:
        targets = {target.year: target.value for target in indicator.targets.all()}
        target_years.update(targets)
        rows.append({"indicator": indicator, "targets": targets, "milestone": milestone_for(indicator, year)})
    target_years = sorted(target_years)
    for row in rows:
        row["target_list"] = [row["targets"].get(y) for y in target_years]
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "rows": rows,
            "target_years": target_years,
            "year": year,
        },
    )


@access.member_required
@require_http_methods(["GET", "POST"])
def indicator_detail(request, code):
    plan = Plan.objects.current()
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), plan=plan, code=code)
    is_official = access.is_official(request.user)
    if request.method == "POST" and not is_official:
        return HttpResponseNotAllowed(["GET"])
    target_years = sorted(indicator.targets.values_list("year", flat=True))
    milestone_years = list(range(plan.start_year, plan.end_year + 1))
    interpolated = interpolated_milestones(indicator)
    form_kwargs = {"target_years": target_years, "milestone_years": milestone_years, "interpolated": interpolated}
    if request.method == "POST":
        form = IndicatorForm(request.POST, instance=indicator, **form_kwargs)
        if form.is_valid():
            try:
                services.indicator_update(
                    indicator=indicator,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    fields=form.changes(),
                    targets=form.targets(),
                    milestones=form.milestones(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Indicator “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
                return redirect(reverse("indicators:indicator_detail", args=[indicator.code]))
    else:
        form = IndicatorForm(instance=indicator, **form_kwargs)

    milestone_values = {m.year: m.value for m in indicator.milestones.all()}
    schedule = [
        {"year": year, "value": interpolated.get(year), "set": year in milestone_values, "target": year in target_years}
        for year in milestone_years
    ]
    history = history_of(
        indicator,
        fields=["name", "description", "baseline", "baseline_year"],
        children=[
            Children(
                Target.history.filter(indicator_id=indicator.pk),
                fields=["value"],
                label=lambda r: _("Target %(year)s") % {"year": r.year},
            ),
            Children(
                Milestone.history.filter(indicator_id=indicator.pk),
                fields=["value"],
                label=lambda r: _("Milestone %(year)s") % {"year": r.year},
            ),
        ],
    )
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "form": form if is_official else None,
            "schedule": schedule,
            "history": history,
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: beside the fields it names, or on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Periods ---------------------------------------------------------------------------------


@access.member_required
@require_GET
def period_list(request):
    if access.is_officer(request.user):
        return _officer_period_list(request)
    periods = list(ReportingPeriod.objects.order_by("-end", "-kind"))
    counts = progress.report_counts(periods)
    rows = [{"period": period, "counts": counts[period.pk]} for period in periods]
    active = counts[periods[0].pk].active if periods else Enterprise.objects.active().count()
    return render(request, "indicators/period_list.html", {"rows": rows, "active": active})


def _officer_period_list(request):
    enterprise = access.get_or_404(Enterprise.objects, request.user, pk=access.officer_enterprise_id(request.user))
    reports = {
        report.period_id: report
        for report in EnterpriseReport.objects.filter(enterprise=enterprise).select_related("period")
    }
    periods = ReportingPeriod.objects.exclude(state=PeriodState.PENDING).order_by("-end", "-kind")
    rows = []
    for period in periods:
        report = reports.get(period.pk)
        editable = _or_new(report, enterprise, period).editable_by_enterprise()
        rows.append({"period": period, "report": report, "editable": editable})
    return render(
        request,
        "indicators/officer_period_list.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "today": timezone.localdate(),
        },
    )


@access.member_required
@require_http_methods(["GET", "POST"])
def period_detail(request, code):
    """For an officer: their enterprise's report for the period. For the commune: the review queue."""
    period = get_object_or_404(ReportingPeriod, code=code)
    if access.is_officer(request.user):
        enterprise = get_object_or_404(
            Enterprise.objects.editable_by(request.user), pk=access.officer_enterprise_id(request.user)
        )
        report = _report_of(enterprise, period)
        refusal = _or_new(report, enterprise, period).enterprise_edit_refusal()
        if refusal is None:
            return _report_form(request, period=period, enterprise=enterprise, report=report, official=False)
        if request.method == "POST":
            messages.error(request, " ".join(refusal.messages))
            return redirect(period.get_absolute_url())
        return _report_page(request, period=period, enterprise=enterprise, report=report)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return _review_queue(request, period)


def _or_new(report: EnterpriseReport | None, enterprise, period) -> EnterpriseReport:
    """The report, or the draft the enterprise would begin: the rules of a report not yet
    written are a new draft's."""
    return report or EnterpriseReport(enterprise=enterprise, period=period)


def _report_of(enterprise, period) -> EnterpriseReport | None:
    return (
        EnterpriseReport.objects.filter(enterprise=enterprise, period=period)
        .select_related("enterprise", "period", "reviewed_by")
        .prefetch_related("values")
        .first()
    )


def _review_queue(request, period, *, deadline_form=None):
    status = request.GET.get("status", "")
    search = request.GET.get("q", "").strip()
    reports = EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period=period)
    enterprises = (
        Enterprise.objects.filter(period.counted_enterprises())
        .annotate(
            report_status=Subquery(reports.values("status")[:1]),
            report_late=Exists(reports.filter(SUBMITTED_LATE)),
        )
        .order_by("name", "pk")
    )
    if status == Outstanding.UNREPORTED:
        enterprises = enterprises.filter(Outstanding.UNREPORTED.of(period))
    elif status == "late":
        enterprises = enterprises.filter(report_late=True)
    elif status in ReportStatus.values:
        enterprises = enterprises.filter(report_status=status)
    else:
        status = ""
    if search:
        enterprises = text_search.containing(enterprises, ["name", "tax_code"], search)
    page = Paginator(enterprises, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page_reports = {
        report.enterprise_id: report
        for report in EnterpriseReport.objects.filter(
            period=period, enterprise_id__in=[e.pk for e in page]
        ).select_related("period", "reviewed_by")
    }
    # Enterprises nobody can be e-mailed at: a return or a reminder reaches them only by phone.
    reachable = set(
        UnionOfficer.objects.reachable()
        .filter(enterprise_id__in=[e.pk for e in page])
        .values_list("enterprise_id", flat=True)
    )
    rows = [{"enterprise": e, "report": page_reports.get(e.pk), "no_email": e.pk not in reachable} for e in page]
    is_official = access.is_official(request.user)
    context = {
        "period": period,
        "rows": rows,
        "page": page,
        "summary": progress.report_counts([period])[period.pk],
        "status": status,
        "search": search,
        "filters": [(key, _filter_label(key)) for key in QUEUE_FILTERS],
        "is_past_deadline": period.deadline_passed(timezone.localdate()),
        "can_approve": is_official and any(row["report"] and row["report"].can_be_approved() for row in rows),
    }
    if is_official:
        context["deadline_form"] = deadline_form or PeriodDeadlineForm(instance=period)
        context["period_history"] = history_of(period)
    return render(request, "indicators/period_review.html", context)


def _filter_label(key: str) -> str:
    if key == Outstanding.UNREPORTED:
        return Outstanding.UNREPORTED.label
    if key == "late":
        return _("Late")
    return ReportStatus(key).label


@access.official_required
@require_POST
def period_open(request, code):
    return _period_change_state(
        request,
        code,
        services.period_open,
        _("Period %(period)s is open: enterprises can send their reports."),
    )


@access.official_required
@require_http_methods(["GET", "POST"])
def period_close(request, code):
    """Closing a period takes two steps: this page lists what is still owed, and only its
    POST with the confirmation closes the period; anything else changes nothing."""
    period = get_object_or_404(ReportingPeriod, code=code)
    if not period.is_open:
        messages.error(request, _("Only an open period can be closed."))
        return redirect(period.get_absolute_url())
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return _period_change_state(
            request,
            code,
            services.period_close,
            _("Period %(period)s is closed: reports can no longer be sent or changed."),
        )
    return render(
        request,
        "indicators/period_close.html",
        {"period": period, "owed": _still_owed(period), "unconfirmed": request.method == "POST"},
    )


def _still_owed(period) -> list[dict]:
    """What the commune is still owed for the period, in three groups (an enterprise in one
    only), each with its count and the first names in the queue's order."""
    enterprises = Enterprise.objects.filter(period.counted_enterprises()).order_by("name", "pk")
    reports = EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period=period)
    groups = [
        (Outstanding.UNREPORTED, Outstanding.UNREPORTED.label, Outstanding.UNREPORTED.of(period)),
        (
            "unsubmitted",
            _("Not submitted (draft, or returned and not sent again)"),
            Exists(reports.filter(status__in=ENTERPRISE_EDITABLE)),
        ),
        (ReportStatus.SUBMITTED, _("Waiting for review"), Exists(reports.filter(status=ReportStatus.SUBMITTED))),
    ]
    owed = []
    for key, label, condition in groups:
        chosen = enterprises.filter(condition)
        count = chosen.count()
        if count:
            shown = list(chosen.only("pk", "name")[:CLOSE_LIST_LIMIT])
            owed.append({"key": key, "label": label, "count": count, "enterprises": shown, "more": count - len(shown)})
    return owed


def _period_change_state(request, code, service, done_message):
    period = get_object_or_404(ReportingPeriod, code=code)
    try:
        service(period=period, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message % {"period": str(period).lower()})
    return redirect(period.get_absolute_url())


@access.official_required
@require_POST
def period_deadline(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    form = PeriodDeadlineForm(request.POST, instance=period)
    if form.is_valid():
        try:
            services.period_set_deadline(period=period, actor=request.user, deadline=form.cleaned_data["deadline"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The deadline of %(period)s is now %(date)s.")
                % {"period": str(period).lower(), "date": form.cleaned_data["deadline"].strftime("%d/%m/%Y")},
            )
            return redirect(period.get_absolute_url())
    # Refused: the queue again, the date as typed kept in the field, its error under it.
    return _review_queue(request, period, deadline_form=form)


# --- The report form and page ----------------------------------------------------------------


def _report_form(request, *, period, enterprise, report, official: bool):
    indicators = list(Indicator.objects.of_plan())
    previous = rules.previous_report(enterprise, period)
    # A new report starts from the roster, as far as the roster vouches for its figures.
    filled = (
        None
        if report is not None
        else roster_prefill(roster_totals(enterprise, as_of=period.end), previous, indicators)
    )
    roster_figures = filled.roster if filled else None
    if request.method == "POST":
        intent = "enter" if official else ("draft" if request.POST.get("action") == "draft" else "submit")
        form = ReportForm(
            request.POST,
            instance=report,
            indicators=indicators,
            previous=previous,
            intent=intent,
            roster=roster_figures,
        )
        if form.is_valid():
            arguments = {
                "enterprise": enterprise,
                "period": period,
                "actor": request.user,
                "figures": form.figures(),
                "version": form.cleaned_data["version"],
                "indicators": indicators,
            }
            try:
                if intent == "draft":
                    services.report_save_draft(**arguments)
                elif intent == "submit":
                    services.report_submit(**arguments, confirmed=form.cleaned_data["confirm"])
                else:
                    services.report_enter_for_enterprise(**arguments, confirmed=form.cleaned_data["confirm"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if intent == "draft":
                    messages.success(
                        request, _("Draft saved. It is not sent to the commune until you press “Submit report”.")
                    )
                    return redirect(period.get_absolute_url())
                if intent == "submit":
                    messages.success(request, _("Report sent to the commune. You will be told if it is returned."))
                    return redirect(period.get_absolute_url())
                messages.success(
                    request, _("Report of %(enterprise)s entered and approved.") % {"enterprise": enterprise.name}
                )
                return redirect(reverse("indicators:report_detail", args=[period.code, enterprise.pk]))
    else:
        form = ReportForm(
            instance=report,
            initial=filled.values if filled else {},
            indicators=indicators,
            previous=previous,
            roster=roster_figures,
        )
    return render(
        request,
        "indicators/report_form.html",
        {
            "form": form,
            "period": period,
            "enterprise": enterprise,
            "report": report,
            "previous": previous,
            "official": official,
            "prefill": filled,
            "is_past_deadline": period.deadline_passed(timezone.localdate()),
            "events": report.events.select_related("actor") if report else [],
        },
    )


def _report_history(report) -> list:
    """The report's own fields and its figures, each figure as "Chỉ tiêu a: 90 → 95"."""
    return history_of(
        report,
        fields=["status", "total_workers", "female_workers", "notes", "return_reason"],
        children=[
            Children(
                ReportValue.history.filter(report_id=report.pk).select_related("indicator"),
                label=lambda r: _("Indicator %(code)s") % {"code": r.indicator.code},
                fields=["count"],
            )
        ],
    )


def _confirmed_warnings(report, previous, indicators, counts) -> dict[str, list[str]]:
    """The soft checks' warnings on a sent report's figures, which whoever sent it had to
    confirm (DOMAIN.md), keyed "total_workers" or by indicator code. The confirmation is
    not stored: the warnings are judged again from the figures, one figure at a time, so
    that each stands beside the figure it concerns."""
    if report.status not in STANDING:
        return {}
    found = {"total_workers": rules.figures_warnings(rules.Figures(report.total_workers, None), previous, [])}
    for indicator in indicators:
        figures = rules.Figures(None, None, {indicator.code: counts.get(indicator.pk)})
        found[indicator.code] = rules.figures_warnings(figures, previous, [indicator])
    return {key: warnings for key, warnings in found.items() if warnings}


def _report_page(request, *, period, enterprise, report):
    """A report read-only, with its figures beside the previous report's, events and history."""
    indicators = list(Indicator.objects.of_plan())
    previous = rules.previous_report(enterprise, period)
    old = rules.previous_counts(previous)
    figures, history, events, confirmed = [], [], [], {}
    if report is not None:
        counts = {value.indicator_id: value.count for value in report.values.all()}
        confirmed = _confirmed_warnings(report, previous, indicators, counts)
        figures = [
            {
                "label": f"{i.code}) {i.name}",
                "code": i.code,
                "value": counts.get(i.pk),
                "previous": old.get(i.code),
                "rate": rate_of(counts[i.pk], report.total_workers) if i.pk in counts else None,
                "warnings": confirmed.get(i.code, []),
            }
            for i in indicators
        ]
        history = _report_history(report)
        events = report.events.select_related("actor")
    is_official = access.is_official(request.user)
    may_edit = access.is_officer(request.user) and _or_new(report, enterprise, period).editable_by_enterprise()
    context = {
        "period": period,
        "enterprise": enterprise,
        "report": report,
        "previous": previous,
        "figures": figures,
        "history": history,
        "events": events,
        "may_edit": may_edit,
        "is_official": is_official,
        "confirmed": bool(confirmed),
        "total_warnings": confirmed.get("total_workers", []),
    }
    if is_official and report is not None:
        version = report.version
        context.update(
            can_approve=report.can_be_approved(),
            can_return=report.can_be_returned(),
            can_reopen=report.can_be_reopened(),
            can_enter=report.can_be_entered(),
            return_form=ReturnForm(
                initial={"version": version}, auto_id="return_%s", label=_("Reason for returning it")
            ),
            reopen_form=ReturnForm(
                initial={"version": version}, auto_id="reopen_%s", label=_("Reason for reopening it")
            ),
        )
    return render(request, "indicators/report_detail.html", context)


@access.member_required
@require_GET
def report_detail(request, code, enterprise_pk):
    enterprise = access.get_or_404(Enterprise.objects, request.user, pk=enterprise_pk)
    period = get_object_or_404(ReportingPeriod, code=code)
    report = _report_of(enterprise, period)
    if report is None and not access.is_official(request.user):
        if access.is_officer(request.user):
            return redirect(period.get_absolute_url())
        raise Http404
    return _report_page(request, period=period, enterprise=enterprise, report=report)


@access.official_required
@require_http_methods(["GET", "POST"])
def report_enter(request, code, enterprise_pk):
    """The official types in a paper report on the enterprise's behalf; it is approved at once."""
    enterprise = get_object_or_404(Enterprise.objects.editable_by(request.user), pk=enterprise_pk)
    period = get_object_or_404(ReportingPeriod, code=code)
    report = _report_of(enterprise, period)
    if refusal := _or_new(report, enterprise, period).entry_refusal():
        messages.error(request, " ".join(refusal.messages))
        return redirect(reverse("indicators:report_detail", args=[period.code, enterprise.pk]))
    return _report_form(request, period=period, enterprise=enterprise, report=report, official=True)


def _official_report(request, code, enterprise_pk) -> EnterpriseReport:
    enterprise = access.get_or_404(Enterprise.objects, request.user, pk=enterprise_pk)
    return get_object_or_404(
        EnterpriseReport.objects.select_related("enterprise", "period"), enterprise=enterprise, period__code=code
    )


def _posted_version(request, name: str = "version") -> int:
    version = record_id(request.POST.get(name, ""))
    return -1 if version is None else version  # -1 matches no row: refused as a concurrent change


@access.official_required
@require_POST
def report_approve(request, code, enterprise_pk):
    report = _official_report(request, code, enterprise_pk)
    try:
        services.report_approve(report=report, actor=request.user, version=_posted_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report.get_absolute_url())
    return _to_next_waiting(
        request, report, _("Report of %(enterprise)s approved.") % {"enterprise": report.enterprise.name}
    )


def _to_next_waiting(request, report: EnterpriseReport, done: str, *, told=None):
    """After a review, on to the next report waiting for it (in the queue's order), the
    message saying what was done and which report comes next; the period's page when none waits."""
    following = EnterpriseReport.objects.next_waiting_after(report)
    if following is None:
        messages.success(request, " ".join([done, _("No other report is waiting for review.")]))
        _say_who_was_told(request, told)
        return redirect(report.period.get_absolute_url())
    messages.success(
        request,
        " ".join(
            [done, _("Next report waiting for review: %(enterprise)s.") % {"enterprise": following.enterprise.name}]
        ),
    )
    _say_who_was_told(request, told)
    return redirect(following.get_absolute_url())


def _send_back_view(request, code, enterprise_pk, service, done_message, *, then_next: bool = False):
    report = _official_report(request, code, enterprise_pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(report.get_absolute_url())
    try:
        report = service(
            report=report, actor=request.user, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report.get_absolute_url())
    done = done_message % {"enterprise": report.enterprise.name}
    if then_next:
        return _to_next_waiting(request, report, done, told=getattr(report, "notice", None))
    messages.success(request, done)
    _say_who_was_told(request, getattr(report, "notice", None))
    return redirect(report.get_absolute_url())


def _say_who_was_told(request, delivery) -> None:
    """Tell the official exactly what became of the e-mail to the enterprise's officers."""
    if delivery is None:
        return
    if delivery.nobody:
        messages.warning(
            request, _("The enterprise has no email address for notices: tell its union officer directly.")
        )
    elif delivery.failed:
        messages.warning(
            request,
            _(
                "The email to %(names)s could not be sent (the mail server did not answer); the change is saved. Tell them directly."
            )
            % {"names": ", ".join(delivery.names)},
        )
    else:
        messages.info(request, _("Email sent to %(names)s.") % {"names": ", ".join(delivery.names)})


@access.official_required
@require_POST
def report_return(request, code, enterprise_pk):
    return _send_back_view(
        request,
        code,
        enterprise_pk,
        services.report_return,
        _("Report of %(enterprise)s returned."),
        then_next=True,
    )


@access.official_required
@require_POST
def report_reopen(request, code, enterprise_pk):
    return _send_back_view(
        request,
        code,
        enterprise_pk,
        services.report_reopen,
        _("Report of %(enterprise)s reopened; it can be corrected again."),
    )


@access.official_required
@require_POST
def report_approve_many(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    selected = request.POST.getlist("report")
    if not selected:
        messages.error(request, _("Select at least one submitted report to approve."))
        return redirect(period.get_absolute_url())
    ids = [record_id(pk) for pk in selected]
    if None in ids:  # a tampered post: no report has such an id
        messages.error(request, _("Some of the selected reports do not belong to this period. Nothing was approved."))
        return redirect(period.get_absolute_url())
    versions = {pk: _posted_version(request, f"version-{pk}") for pk in ids}
    try:
        approved = services.reports_approve(period=period, actor=request.user, versions=versions)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)s report(s) approved.") % {"count": len(approved)})
    return redirect(period.get_absolute_url())


# --- Excel import ----------------------------------------------------------------------------


@access.official_required
@require_http_methods(["GET", "POST"])
def report_import(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    indicators = list(Indicator.objects.of_plan())
    parsed = None
    if request.method == "POST":
        form = ExcelFileForm(request.POST, request.FILES)
        if refusal := period.import_refusal():
            form.add_error(None, refusal)
        elif form.is_valid():
            try:
                parsed = imports.read_reports(form.cleaned_data["file"], indicators=indicators)
            except xlsx_reading.WorkbookError as error:
                form.add_error("file", str(error))
            else:
                if not parsed.errors and not parsed.rows:
                    form.add_error("file", _("The file has no filled-in row to import."))
                elif not parsed.errors:
                    try:
                        outcome = services.reports_import(
                            period=period, actor=request.user, rows=parsed.rows, indicators=indicators
                        )
                    except ValidationError as error:
                        form.add_error(None, error)
                    else:
                        messages.success(
                            request,
                            _(
                                "Imported %(total)s report(s) for %(period)s: %(created)s new, %(updated)s updated; "
                                "all are approved and marked as entered by the commune."
                            )
                            % {
                                "total": len(parsed.rows),
                                "period": str(period).lower(),
                                "created": outcome.created,
                                "updated": outcome.updated,
                            },
                        )
                        return redirect(period.get_absolute_url())
    else:
        form = ExcelFileForm()
    return render(
        request,
        "indicators/report_import.html",
        {
            "period": period,
            "form": form,
            "parsed": parsed,
            "indicators": indicators,
            "columns": [imports.COL_TAX_CODE, imports.COL_TOTAL, imports.COL_FEMALE] + [i.name for i in indicators],
        },
    )


@access.official_required
@require_GET
def report_import_template(request, code):
    period = get_object_or_404(ReportingPeriod, code=code)
    title = _("Enterprise reports, %(period)s — %(commune)s commune") % {
        "period": str(period),
        "commune": identity.current_name(),
    }
    content = imports.reports_template(
        period=period,
        indicators=list(Indicator.objects.of_plan()),
        enterprises=Enterprise.objects.filter(period.counted_enterprises())
        .order_by("name", "pk")
        .only("name", "tax_code"),
        title=title,
    )
    return excel_response(content, f"mau-nhap-bao-cao-{period.code}.xlsx")
