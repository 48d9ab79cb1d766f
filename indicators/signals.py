"""The receivers of the indicators layer: the figures cache's revision tokens kept current
(indicators.figures_cache), the periods' totals where no service of this layer writes
(enterprises' follow dates, periods saved, restores; indicators.totals), and the sections
this layer adds to lower layers' pages.

Connected in IndicatorsConfig.ready. Saves and deletes of every model the figures are
computed from replace the tokens of the periods they affect (the approved tokens too
when the commune's figures may change); a raw save (loaddata, a restore) does nothing
here: restoring replaces every token once it has loaded.
"""

from django.db.models.signals import post_delete, post_init, post_save

from core.signals import data_restored
from enterprises.models import Enterprise
from enterprises.signals import enterprise_page_sections, enterprises_bulk_changed
from plans.signals import plan_page_sections

from . import figures_cache, pages, standing, totals
from .models import (
    EnterpriseReport,
    FiguresRevision,
    Indicator,
    Milestone,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
    followed_during,
)


def report_loaded(sender, instance, **kwargs):
    # The status as read (or as constructed): a report that was approved counts in the
    # commune's figures until it is saved otherwise. Read from __dict__ so that a
    # deferred status is not fetched; unknown then, which counts as approved.
    instance._counted_status = instance.__dict__.get("status")


def counts_in_figures(report: EnterpriseReport) -> bool:
    """Whether a change of this report can change the commune's (approved) figures."""
    before = getattr(report, "_counted_status", None)
    return before is None or ReportStatus.APPROVED in (before, report.__dict__.get("status"))


def report_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    approved = counts_in_figures(instance)
    if not approved and (created or kwargs.get("signal") is post_delete):
        # A report of an enterprise the commune did not follow during the period is what
        # makes it count there (ReportingPeriod.counted_enterprises): its coming or going
        # changes the commune's completeness and lower bound.
        period = instance.period
        followed = Enterprise.objects.filter(pk=instance.enterprise_id).filter(
            followed_during(period.start, period.end)
        )
        approved = not followed.exists()
    figures_cache.touch([instance.period_id], approved=approved)
    instance._counted_status = instance.__dict__.get("status")


def value_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if ReportValue.report.is_cached(instance):
        figures_cache.touch([instance.report.period_id], approved=counts_in_figures(instance.report))
    else:
        figures_cache.touch_report(instance.report_id)


def every_period_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        figures_cache.touch_all()


def enterprise_loaded(sender, instance, **kwargs):
    # The follow dates as read: only a change of them moves the periods' expected enterprises.
    instance._follow_dates = (instance.__dict__.get("followed_from"), instance.__dict__.get("stopped_from"))


def enterprise_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    figures_cache.touch_all()  # first: the lock order of every writer (figures_cache)
    dates = (instance.__dict__.get("followed_from"), instance.__dict__.get("stopped_from"))
    # The enterprises layer cannot call this one: its follow dates are followed here.
    if kwargs.get("signal") is post_delete:
        totals.enterprises_changed()  # its reports went with it: every period counted again
    elif created or dates != getattr(instance, "_follow_dates", None):
        totals.enterprises_changed(headcounts=False)
        totals.enterprise_moved(instance.pk, None if created else instance._follow_dates)
    instance._follow_dates = dates


def enterprises_imported(sender, **kwargs):
    figures_cache.touch_all()
    totals.enterprises_changed()


def everything_changed(sender, **kwargs):
    figures_cache.touch_all()
    totals.rebuild()  # the totals are not in a backup: counted from the restored reports


def period_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        FiguresRevision.objects.create(period=instance)
        totals.period_created(instance)
    else:
        figures_cache.touch([instance.pk], approved=True)
        totals.period_saved(instance)  # its deadline or dates may have moved
        standing.rebuild([instance.pk])  # its year or kind decide its milestones


def connect() -> None:
    post_init.connect(report_loaded, sender=EnterpriseReport, dispatch_uid="figures-report-loaded")
    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(report_changed, sender=EnterpriseReport, dispatch_uid=f"figures-report-{event}")
        signal.connect(value_changed, sender=ReportValue, dispatch_uid=f"figures-value-{event}")
        signal.connect(enterprise_changed, sender=Enterprise, dispatch_uid=f"figures-Enterprise-{event}")
        for model in (Indicator, Target, Milestone):
            signal.connect(every_period_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-{event}")
    post_init.connect(enterprise_loaded, sender=Enterprise, dispatch_uid="totals-enterprise-loaded")
    post_save.connect(period_saved, sender=ReportingPeriod, dispatch_uid="figures-period")
    enterprises_bulk_changed.connect(enterprises_imported, dispatch_uid="figures-enterprises-bulk")
    data_restored.connect(everything_changed, dispatch_uid="figures-restored")
    enterprise_page_sections.connect(pages.enterprise_sections, dispatch_uid="indicators-enterprise-page")
    plan_page_sections.connect(pages.plan_sections, dispatch_uid="indicators-plan-pages")
