"""The province's own targets (issue 17: "The province's own targets (the province plan, with
the national Decision 1268 targets as the default) are data too").

Each commune's plan has its own indicators and targets (indicators.Indicator, Target); the
province judges its totals against targets of its own, per indicator code (the codes every
commune's plan uses, a–e) and target year. A data migration writes the national program's
(Decision 1268/QĐ-TTg, DOMAIN.md), which the province administrator may raise. These rows
belong to no commune: they are the province's.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The years the province sets targets for: the plan's two phases.
TARGET_YEARS = (2025, 2030)


class ProvinceIndicator(models.Model):
    """One indicator the province totals, matched to the communes' indicators by its code."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("short name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("province indicator")
        verbose_name_plural = _("province indicators")

    def __str__(self):
        return f"{self.code}) {self.name}"


class ProvinceTarget(models.Model):
    """The province's target for one indicator by the end of a year (2025, 2030)."""

    indicator = models.ForeignKey(
        ProvinceIndicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("province target")
        verbose_name_plural = _("province targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_province_target_per_year"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="province_target_is_a_percent"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}%"
