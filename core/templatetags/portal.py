"""Number formatting the Vietnamese way (1.234 and 12,5%), following the active language;
people's names in Vietnamese order; a creation form's one-time token."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core import submissions
from core.names import full_name_of

register = template.Library()


@register.filter
def num(value, decimals=0):
    """1234 -> '1.234' in Vietnamese, '1,234' in English; empty for None."""
    if value is None or value == "":
        return ""
    # number_format truncates extra decimals; round half up first (34,59 -> 34,6).
    places = int(decimals)
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def pct(value, decimals=1):
    """34.594 -> '34,6%'. The value is already a percent, not a fraction."""
    if value is None or value == "":
        return "–"
    return num(value, decimals) + "%"


@register.filter
def person(user):
    """Who did something: 'Nguyễn Thị Lan' (family name first), or 'System' for no user."""
    return full_name_of(user) if user is not None else _("System")


@register.simple_tag(takes_context=True)
def form_token(context):
    """The one-time token of a creation form (`core.submissions.creates_once`), as a hidden input."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        submissions.FIELD,
        submissions.form_token(context.get("request")),
    )
