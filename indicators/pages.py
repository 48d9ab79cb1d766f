"""What the indicators layer adds to the pages of the layers below it (their signals)."""

from __future__ import annotations

from django.db.models import Count
from django.template.loader import render_to_string

from accounts import access

from .models import STANDING, EnterpriseReport, Indicator, Milestone
from .roster import roster_totals


def enterprise_sections(sender, *, request, enterprise, **kwargs) -> dict[str, str]:
    """The enterprise page's roster results (beside its details) and reports (beside its history)."""
    totals = roster_totals(enterprise)
    rows = [
        (indicator, totals.met_count(indicator.pk), totals.rate(indicator.pk))
        for indicator in Indicator.objects.of_plan()
    ]
    reports = list(
        EnterpriseReport.objects.filter(enterprise=enterprise)
        .select_related("period")
        .order_by("-period__end", "-period__kind")
    )
    # The latest report sent to the commune: the roster's rates are read beside its headcount.
    last_report = next((report for report in reports if report.status in STANDING), None)
    can_change = access.can_change(request.user, enterprise.pk)
    return {
        # Counts and rates for everyone who sees the enterprise; the named roster behind
        # them only for those who may see named workers.
        "summary": render_to_string(
            "indicators/_enterprise_roster.html",
            {
                "enterprise": enterprise,
                "totals": totals,
                "roster_rows": rows,
                "last_report": last_report,
                "can_change": can_change,
                "sees_names": access.may_see_named_workers(request.user, enterprise.pk),
                "sees_access_record": access.is_official(request.user),
            },
            request=request,
        ),
        "records": render_to_string("indicators/_enterprise_reports.html", {"reports": reports}, request=request),
    }


def plan_sections(sender, *, request, plan, page, year=None, **kwargs) -> dict[str, str]:
    """Section II's indicator targets on the plan's page; milestones on the annual plans."""
    if page == "plan":
        indicators = list(Indicator.objects.of_plan(plan).prefetch_related("targets"))
        if not indicators:
            return {}
        target_years = sorted({target.year for i in indicators for target in i.targets.all()})
        rows = []
        for indicator in indicators:
            by_year = {target.year: target.value for target in indicator.targets.all()}
            rows.append((indicator, [by_year.get(y) for y in target_years]))
        return {
            "indicators": render_to_string(
                "indicators/_plan_indicators.html",
                {"indicator_rows": rows, "target_years": target_years},
                request=request,
            )
        }
    if page == "annual_plans":
        counts = Milestone.objects.filter(indicator__plan=plan).order_by().values_list("year").annotate(n=Count("pk"))
        return {
            str(y): render_to_string("indicators/_annual_milestone_count.html", {"count": n}, request=request)
            for y, n in counts
        }
    if page == "annual_plan":
        milestones = list(
            Milestone.objects.filter(indicator__plan=plan, year=year)
            .select_related("indicator")
            .order_by("indicator__order", "indicator__code")
        )
        return {
            "milestones": render_to_string(
                "indicators/_annual_milestones.html", {"milestones": milestones, "year": year}, request=request
            )
        }
    return {}
