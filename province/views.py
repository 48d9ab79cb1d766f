"""The province's pages (issue 17): the roll-up of every commune (/tinh/), one commune's
figures (/tinh/xa/<code>/), the province's targets and the Excel workbook.

The province's two roles read them (accounts.access.province_required): the province
administrator and the province viewer; the commune's people get 403. Only aggregates are
shown, from the communes' stored totals (province.rollup): no enterprise's or worker's
name. Each view reads across communes, so its reads run inside `every_commune()`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.access import province_admin_required, province_required
from communes.current import every_commune
from communes.models import Commune
from core.xlsx_writing import XLSX_CONTENT_TYPE
from dashboard.layout import milestone_label

from . import exports, layout, rollup, services
from .forms import ProvinceTargetsForm
from .models import ProvinceIndicator, ProvinceTarget

# Changes of the targets listed under the form, newest first.
HISTORY = 20


def chosen_option(request, options: list[rollup.PeriodOption]) -> rollup.PeriodOption | None:
    """The period asked for by its code (?period=2025-H1; 404 when no commune has it), else
    the default (rollup.default_option)."""
    code = request.GET.get("period", "").strip()
    if code:
        chosen = next((o for o in options if o.code == code), None)
        if chosen is None:
            raise Http404
        return chosen
    return rollup.default_option(options, timezone.localdate())


@require_safe
@province_required
def province_progress(request):
    """Every active commune's figures for a period, the province's totals against its own
    targets, the trend, and the communes that have not reported."""
    with every_commune():  # the roll-up reads every commune's stored totals
        options = rollup.period_options()
        option = chosen_option(request, options)
        if option is None:
            return render(request, "province/progress.html", {"option": None, "options": options})
        result = rollup.rollup(option, today=timezone.localdate())
        points = rollup.trend(options, result.indicators)
    return render(
        request,
        "province/progress.html",
        {
            "option": option,
            "options": options,
            "result": result,
            "cards": layout.cards(result),
            "trend": layout.trend_points(points),
            "milestone_label": milestone_label(result.period),
        },
    )


@require_safe
@province_required
def commune_detail(request, code):
    """One active commune's figures for a period and how far its enterprises' reports got:
    counts only, never a name."""
    commune = get_object_or_404(Commune.objects.active(), code=code)
    with every_commune():  # the commune's totals, read from the province's side
        options = rollup.period_options()
        option = chosen_option(request, options)
        if option is None:
            return render(request, "province/commune.html", {"commune": commune, "option": None, "options": options})
        item = rollup.rollup(option, today=timezone.localdate(), communes=[commune]).communes[0]
    return render(
        request,
        "province/commune.html",
        {
            "commune": commune,
            "option": option,
            "options": options,
            "item": item,
            "cards": layout.commune_cards(item),
            "milestone_label": milestone_label(item.period) if item.period else "",
        },
    )


@require_safe
@province_required
def province_export(request):
    """The workbook: one row per commune with the province's totals, and the flat data sheet
    of every active commune."""
    with every_commune():  # every commune's figures and enterprises' reports
        options = rollup.period_options()
        option = chosen_option(request, options)
        if option is None:
            raise Http404
        handle = exports.workbook(option, today=timezone.localdate(), now=timezone.now())
    response = FileResponse(
        handle, as_attachment=True, filename=exports.filename(option), content_type=XLSX_CONTENT_TYPE
    )
    # The figures change as reports are approved: never served from a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


@province_admin_required
def targets_update(request):
    """The province's own targets, per indicator and target year: the province administrator's."""
    indicators = list(ProvinceIndicator.objects.prefetch_related("targets"))
    if request.method == "POST":
        form = ProvinceTargetsForm(request.POST, indicators=indicators)
        if form.is_valid():
            changed = services.province_targets_update(targets=form.targets())
            if changed:
                messages.success(request, _("The province's targets were saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("rollup:targets_update")
    else:
        form = ProvinceTargetsForm(indicators=indicators)
    # The newest changes of the targets (their history rows, each who and when).
    history = ProvinceTarget.history.select_related("history_user", "indicator").order_by("-history_date")[:HISTORY]
    return render(request, "province/targets.html", {"form": form, "history": history})
