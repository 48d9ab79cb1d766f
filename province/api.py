"""The province's JSON API: every active commune's progress for a period, and the province's.

    GET /api/v1/province/progress/?period=2025

The province's roles only (the session cookie), with the commune API's rules
(indicators.api): anybody else gets a JSON 403, an unknown period a JSON 404; without
`period`, the latest period with approved reports. Each commune's `indicators` have the
commune API's fields (judged against the commune's own plan); the `total`'s are Σ met /
Σ workers over every approved report of every active commune, judged against the
province's own targets.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import access
from communes.current import every_commune
from indicators.api import completeness_fields, error, indicator_fields

from . import rollup


def _figures(figures, bound) -> dict:
    return {
        "provisional": figures.provisional,
        "status_withheld": figures.withheld,
        "completeness": completeness_fields(figures.completeness),
        "total_workers": figures.total_workers,
        "indicators": [indicator_fields(item, bound.rates.get(item.indicator_id)) for item in figures.indicators],
    }


def province_payload(result: rollup.Rollup) -> dict:
    """The API's answer for a period, from province.rollup (no figures computed here)."""
    communes = []
    for item in result.communes:
        entry = {"code": item.commune.code, "name": item.commune.name}
        if item.figures is not None:
            entry.update(_figures(item.figures, item.bound))
        else:  # no period of that code, or no plan: nothing to judge
            entry.update(
                {
                    "provisional": False,
                    "status_withheld": False,
                    "completeness": {"approved": 0, "active_enterprises": item.counts.active},
                    "total_workers": 0,
                    "indicators": [],
                }
            )
        communes.append(entry)
    return {"period": result.period.code, "communes": communes, "total": _figures(result.total, result.bound)}


@require_GET
def province_progress(request):
    if not request.user.is_authenticated:
        return error(_("Log in to use the API."), 403)
    if not access.sees_province(request.user):
        return error(_("Only the province's roles may read the province's figures."), 403)
    with every_commune():  # the roll-up reads every commune's stored totals
        options = rollup.period_options()
        code = request.GET.get("period", "").strip()
        if code:
            option = next((o for o in options if o.code == code), None)
            if option is None:
                return error(_("There is no reporting period “%(code)s”.") % {"code": code}, 404)
        else:
            option = next((o for o in reversed(options) if o.approved), None)
            if option is None:
                return error(_("No period has approved reports yet."), 404)
        result = rollup.rollup(option, today=timezone.localdate())
    return JsonResponse(province_payload(result), json_dumps_params={"ensure_ascii": False})
