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


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("decimals", [0, 1, 2, 3, 4])
def test_numbers_are_written_as_djangos_number_format_writes_them(language, decimals):
    """num's own grouping agrees with number_format (round half up first) on every kind of value."""
    from decimal import ROUND_HALF_UP

    from django.utils import formats

    values = [0, 1, -1, 7, 999, 1000, -1000, 1234567, -1234567, 10**12, Decimal("0.05"), Decimal("-0.04")]
    values += [Decimal("34.59"), Decimal("-34.55"), Decimal(200) / 3, Decimal("999.95"), Decimal("1234.5"), 12.25]
    with translation.override(language):
        for value in values:
            rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            expected = formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
            assert num(value, decimals) == expected, value


def test_each_languages_format_is_read_again_when_settings_change(settings):
    """Each language's number format is kept (portal.number_format), and forgotten when a
    setting changes (a test's override), as Django's own format cache is."""
    from core.templatetags import portal

    with translation.override("en"):
        assert portal.number_format().thousand_separator == ","
    assert portal._number_format.cache_info().currsize >= 1
    settings.USE_THOUSAND_SEPARATOR = not settings.USE_THOUSAND_SEPARATOR
    assert portal._number_format.cache_info().currsize == 0
