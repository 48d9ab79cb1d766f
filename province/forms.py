"""The province administrator's form for the province's targets."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.forms import percent_field

from .models import TARGET_YEARS, ProvinceIndicator


def field_name(indicator: ProvinceIndicator, year: int) -> str:
    return f"target_{indicator.code}_{year}"


class ProvinceTargetsForm(forms.Form):
    """One percent per province indicator and target year (2025, 2030): each 0–100 % with at
    most two decimals, and a later year's target never below an earlier one's."""

    def __init__(self, *args, indicators: list[ProvinceIndicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            current = {t.year: t.value for t in indicator.targets.all()}
            for year in TARGET_YEARS:
                name = field_name(indicator, year)
                self.fields[name] = percent_field(
                    _("%(indicator)s, target %(year)s (%%)") % {"indicator": indicator.name, "year": year},
                    required=True,
                )
                self.fields[name].error_messages["required"] = _("A phase target cannot be empty.")
                self.initial[name] = current.get(year)

    def rows(self) -> list[tuple[ProvinceIndicator, list]]:
        """Each indicator with its bound fields, one per target year, for the table."""
        return [(i, [self[field_name(i, year)] for year in TARGET_YEARS]) for i in self.indicators]

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            previous = None
            for year in TARGET_YEARS:
                value = cleaned.get(field_name(indicator, year))
                if value is None:
                    continue
                if previous is not None and value < previous[1]:
                    self.add_error(
                        field_name(indicator, year),
                        ValidationError(
                            _("The %(year)s target cannot be lower than the %(earlier)s target."),
                            code="target_decreasing",
                            params={"year": year, "earlier": previous[0]},
                        ),
                    )
                previous = (year, value)
        return cleaned

    def targets(self) -> dict[tuple[int, int], Decimal]:
        """{(indicator id, year): value}, once the form is valid."""
        return {
            (indicator.pk, year): self.cleaned_data[field_name(indicator, year)]
            for indicator in self.indicators
            for year in TARGET_YEARS
        }
