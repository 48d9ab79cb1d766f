"""The JSON API: the commune's progress for a period, for the district's own tools.

    GET /api/v1/progress/?period=2025

Logged-in officials and district viewers only (the session cookie); anybody else gets a
JSON 403, an unknown period a JSON 404. Without `period`, the latest period that has
approved reports. Rates are unrounded percents (the interface rounds to one decimal);
`null` when there is no data.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import access

from .models import ReportingPeriod, ReportStatus
from .progress import commune_progress


def _number(value: Decimal | int | None):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def progress_payload(period: ReportingPeriod) -> dict:
    """The API's answer for a period, from indicators.progress (no figures computed here)."""
    # The API's field names carry the plan's two phase years (its contract with the district).
    progress = commune_progress(period)
    return {
        "period": period.code,
        "completeness": {
            "approved": progress.completeness.approved,
            # Active enterprises, plus any since deactivated whose approved report counts.
            "active_enterprises": progress.completeness.expected,
        },
        "total_workers": progress.total_workers,
        "indicators": [
            {
                "code": item.code,
                "name": item.name,
                "target_2025": _number(item.target(2025)),
                "target_2030": _number(item.target(2030)),
                "milestone": _number(item.milestone),
                "met": item.met,
                "rate": _number(item.rate),
                "status": item.status,
                "gap_2025": item.gap(2025),
                "gap_2030": item.gap(2030),
            }
            for item in progress.indicators
        ],
    }


@require_GET
def progress(request):
    if not request.user.is_authenticated:
        return _error(_("Log in to use the API."), 403)
    if not access.sees_whole_commune(request.user):
        return _error(_("Only the commune official and the district viewer may read the commune's figures."), 403)
    code = request.GET.get("period", "").strip()
    if code:
        period = ReportingPeriod.objects.filter(code=code).first()
        if period is None:
            return _error(_("There is no reporting period “%(code)s”.") % {"code": code}, 404)
    else:
        period = (
            ReportingPeriod.objects.filter(reports__status=ReportStatus.APPROVED)
            .order_by("-end", "-kind")
            .distinct()
            .first()
        )
        if period is None:
            return _error(_("No period has approved reports yet."), 404)
    return JsonResponse(progress_payload(period), json_dumps_params={"ensure_ascii": False})
