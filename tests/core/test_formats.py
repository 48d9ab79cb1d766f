from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.portal import num, pct


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("34.59"), "34,6%"),
        (Decimal(200) / 3, "66,7%"),
        (Decimal(200) / 7, "28,6%"),
        (Decimal("34.549"), "34,5%"),
        (90, "90,0%"),
        (None, "–"),
    ],
)
def test_percentages_are_rounded_half_up_to_one_decimal_the_vietnamese_way(value, shown):
    with translation.override("vi"):
        assert pct(value) == shown


def test_thousands_are_grouped_with_dots_in_vietnamese_and_commas_in_english():
    with translation.override("vi"):
        assert num(1234567) == "1.234.567"
    with translation.override("en"):
        assert num(1234567) == "1,234,567"
