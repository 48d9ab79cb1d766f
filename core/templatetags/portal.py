"""Number formatting the Vietnamese way (1.234 and 12,5%), following the active language;
people's names in Vietnamese order; a creation form's one-time token."""

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import submissions
from core.names import full_name_of

register = template.Library()

# What a number is rounded to for 0, 1, 2 and 3 decimals.
QUANTA = (Decimal(1), Decimal("0.1"), Decimal("0.01"), Decimal("0.001"))


@dataclass(frozen=True)
class NumberFormat:
    """How a language writes numbers (1.234 and 12,5% in Vietnamese, 1,234 and 12.5% in
    English), as Django's `number_format` writes them. Each language's is read once
    (`number_format()`), not once per number: a page that shows a thousand numbers (the
    province's) spent more on those lookups than on the arithmetic."""

    decimal_separator: str
    thousand_separator: str
    grouping: int

    def __post_init__(self):
        # Python's separators (1,234.5) to the language's, made once for every number.
        separators = str.maketrans({",": self.thousand_separator, ".": self.decimal_separator})
        object.__setattr__(self, "_separators", separators)

    def num(self, value, decimals=0) -> str:
        """1234 -> '1.234' in Vietnamese, '1,234' in English; empty for None."""
        if value is None or value == "":
            return ""
        places = int(decimals)
        if type(value) is not int or places:
            # Round half up first (34,59 -> 34,6): number_format would truncate extra decimals.
            exact = value if type(value) is Decimal else Decimal(str(value))
            quantum = QUANTA[places] if 0 <= places < len(QUANTA) else Decimal(1).scaleb(-places)
            value = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        whole = type(value) is int  # an int with no decimals asked for: written as it is
        if self.grouping != 3 or not (whole or value.is_finite()):
            return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
        if not whole and value.is_zero():
            value = abs(value)  # number_format writes no "-0"
        # The common case, as number_format writes it, at a tenth of its cost: Python groups
        # by threes, then the language's separators.
        return f"{value:,.{places}f}".translate(self._separators)

    def pct(self, value, decimals=1) -> str:
        """34.594 -> '34,6%'. The value is already a percent, not a fraction."""
        if value is None or value == "":
            return "–"
        return self.num(value, decimals) + "%"


def number_format() -> NumberFormat:
    """The active language's way of writing numbers."""
    return _number_format(get_language())


@functools.cache
def _number_format(language: str | None) -> NumberFormat:
    return NumberFormat(
        decimal_separator=formats.get_format("DECIMAL_SEPARATOR", language),
        thousand_separator=formats.get_format("THOUSAND_SEPARATOR", language),
        grouping=formats.get_format("NUMBER_GROUPING", language),
    )


@receiver(setting_changed)
def _forget_number_formats(**kwargs):
    """Settings changed (a test's override): each language's format is read again, as
    Django's own format cache is."""
    _number_format.cache_clear()


@register.filter
def num(value, decimals=0):
    """1234 -> '1.234' in Vietnamese, '1,234' in English; empty for None."""
    return number_format().num(value, decimals)


@register.filter
def pct(value, decimals=1):
    """34.594 -> '34,6%'. The value is already a percent, not a fraction."""
    return number_format().pct(value, decimals)


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
