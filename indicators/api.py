"""The JSON API: the commune's progress for a period, for the district's own tools.

    GET /api/v1/progress/?period=2025&commune=16015

Logged-in officials and district viewers only (the session cookie); anybody else gets a
JSON 403, an unknown period a JSON 404. `commune` is the code of a commune the user serves
(communes.current reads it into `request.commune`); it may be left out by a user who serves
one commune. Left out by a user who serves several, a JSON 400 names the codes to choose
from; a code the user does not serve is answered as an unknown one, a JSON 404. Without `period`, the latest period that has
approved reports. Rates are unrounded percents (the interface rounds to one decimal);
`null` when there is no data.

The fields (the rules are indicators.progress's):
- `provisional`: the period is open, so the figures and statuses may still change;
- `status_withheld`: approved reports cover fewer than half of the enterprises expected
  to report, so every indicator's `status` is `null`;
- `as_of`: ISO 8601 time (Asia/Ho_Chi_Minh offset) of the newest change the figures
  include (progress.figures_as_of: an approved report of this period or an earlier one
  saved, approved or reopened; the indicators, targets or milestones changed; an
  enterprise changed; the period opened or closed); `null` when there is none;
- per indicator: `milestone` is the period's (the mid-year one for a `YYYY-H1` period);
  `status` is `achieved`, `on_track`, `behind` or, in the annual period of a target year,
  `missed` (`null` without a rate or when withheld); `lower_bound` is the whole commune's
  minimum rate, counting the enterprises without an approved report as having reached
  nobody with their last known headcount (`null` without any worker).
"""

from __future__ import annotations

from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import access
from communes import current

from .models import ReportingPeriod, ReportStatus
from .progress import Completeness, IndicatorProgress, commune_progress, figures_as_of, lower_bound, plan_indicators


def number(value: Decimal | int | None):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def progress_payload(period: ReportingPeriod) -> dict:
    """The API's answer for a period, from indicators.progress (no figures computed here)."""
    # The API's field names carry the plan's two phase years (its contract with the district).
    indicators = plan_indicators()
    progress = commune_progress(period, indicators=indicators)
    bound = lower_bound(progress)
    as_of = figures_as_of(period, indicators)
    return {
        "period": period.code,
        "provisional": progress.provisional,
        "status_withheld": progress.withheld,
        "as_of": timezone.localtime(as_of).isoformat() if as_of else None,
        "completeness": completeness_fields(progress.completeness),
        "total_workers": progress.total_workers,
        "indicators": [indicator_fields(item, bound.rates.get(item.indicator_id)) for item in progress.indicators],
    }


def completeness_fields(completeness: Completeness) -> dict:
    return {
        "approved": completeness.approved,
        # Active enterprises, plus any since deactivated whose approved report counts.
        "active_enterprises": completeness.expected,
    }


def indicator_fields(item: IndicatorProgress, lower_rate: Decimal | None) -> dict:
    """One indicator's figures as the API gives them (the commune's, and the province's for
    each commune and in total: province.api)."""
    return {
        "code": item.code,
        "name": item.name,
        "target_2025": number(item.target(2025)),
        "target_2030": number(item.target(2030)),
        "milestone": number(item.milestone),
        "met": item.met,
        "rate": number(item.rate),
        "status": item.status,
        "lower_bound": number(lower_rate),
        "gap_2025": item.gap(2025),
        "gap_2030": item.gap(2030),
    }


def _unknown_commune(code: str) -> JsonResponse:
    # The same answer for a commune that does not exist: the API does not tell which.
    return error(
        _("There is no commune with the code “%(code)s” among the communes this account serves.") % {"code": code},
        404,
    )


def _no_commune(request) -> JsonResponse:
    """Why the request names no commune the user serves (communes.current.resolve)."""
    code = request.GET.get(current.API_PARAMETER, "").strip()
    served = request.communes_served
    if code:
        return _unknown_commune(code)
    if not served:
        return error(_("This account serves no commune yet."), 403)
    return error(
        _("This account serves several communes: say which with commune=<code>, one of %(choices)s.")
        % {"choices": ", ".join(f"{each.code} ({each})" for each in served)},
        400,
    )


@require_GET
def progress(request):
    if not request.user.is_authenticated:
        return error(_("Log in to use the API."), 403)
    if not access.sees_whole_commune(request.user):
        return error(_("Only the commune official and the district viewer may read the commune's figures."), 403)
    commune = request.commune
    if commune is None:
        return _no_commune(request)
    asked = request.GET.get(current.API_PARAMETER, "").strip()
    if asked and asked != commune.code:  # under another commune's prefix, /x/<slug>/api/…
        return _unknown_commune(asked)
    code = request.GET.get("period", "").strip()
    if code:
        period = ReportingPeriod.objects.filter(commune=commune, code=code).first()
        if period is None:
            return error(_("There is no reporting period “%(code)s”.") % {"code": code}, 404)
    else:
        period = (
            ReportingPeriod.objects.filter(commune=commune, reports__status=ReportStatus.APPROVED)
            .order_by("-end", "-kind")
            .distinct()
            .first()
        )
        if period is None:
            return error(_("No period has approved reports yet."), 404)
    return JsonResponse(progress_payload(period), json_dumps_params={"ensure_ascii": False})
