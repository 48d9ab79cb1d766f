"""Keep the figures cache's revision tokens current (indicators.figures_cache).

Connected in IndicatorsConfig.ready. Saves and deletes of every model the figures are
computed from replace the tokens of the periods they affect; a raw save (loaddata, a
restore) does nothing here: restoring replaces every token once it has loaded.
"""

from django.db.models.signals import post_delete, post_save

from enterprises.models import Enterprise

from . import figures_cache
from .models import EnterpriseReport, FiguresRevision, Indicator, Milestone, ReportingPeriod, ReportValue, Target


def report_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        figures_cache.touch([instance.period_id])


def value_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    report = instance._state.fields_cache.get("report")
    if report is not None:
        figures_cache.touch([report.period_id])
    else:
        figures_cache.touch_report(instance.report_id)


def every_period_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        figures_cache.touch_all()


def period_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        FiguresRevision.objects.create(period=instance)
    else:
        figures_cache.touch([instance.pk])


def connect() -> None:
    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(report_changed, sender=EnterpriseReport, dispatch_uid=f"figures-report-{event}")
        signal.connect(value_changed, sender=ReportValue, dispatch_uid=f"figures-value-{event}")
        for model in (Enterprise, Indicator, Target, Milestone):
            signal.connect(every_period_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-{event}")
    post_save.connect(period_saved, sender=ReportingPeriod, dispatch_uid="figures-period")
