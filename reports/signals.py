"""What the reports app tells the layers below it: which report a period's workbook is the
appendices of (indicators.exports.appendix_reference)."""

from django.dispatch import receiver

from indicators.exports import appendix_reference

from . import content


@receiver(appendix_reference)
def periodic_report_reference(sender, *, period, commune=None, **kwargs):
    return content.appendix_reference(period, identity=commune)
