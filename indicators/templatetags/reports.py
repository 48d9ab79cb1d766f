"""Template filters for reports: `{{ report.status|report_badge }}`."""

from django import template

from ..badges import report_badge as badge_of

register = template.Library()


@register.filter
def report_badge(status):
    """The Badge of a report status (None: no report), for templates/_badge.html."""
    return badge_of(status)
