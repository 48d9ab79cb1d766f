"""Search and filters of the enterprise list (django-filter); `StatusFilterSet` serves rosters too."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import search

from .models import EconomicSector, Enterprise, LegalForm
from .validators import normalize_tax_code

ACTIVE, INACTIVE, ALL = "active", "inactive", "all"


class StatusFilterSet(django_filters.FilterSet):
    """A FilterSet whose `status` defaults to the active rows when the query string has none."""

    default_status = ACTIVE

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = self.default_status
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(is_active=True)
        if value == INACTIVE:
            return queryset.filter(is_active=False)
        return queryset


class EnterpriseFilter(StatusFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Name or tax code"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or tax code")}),
    )
    legal_form = django_filters.ChoiceFilter(
        choices=LegalForm.choices, label=_("Legal form"), empty_label=_("All legal forms")
    )
    economic_sector = django_filters.ChoiceFilter(
        choices=EconomicSector.choices, label=_("Economic sector"), empty_label=_("All sectors")
    )
    union = django_filters.ChoiceFilter(
        method="filter_union",
        label=_("Grassroots union"),
        empty_label=_("With or without"),
        choices=[("yes", _("Has a union")), ("no", _("No union"))],
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        label=_("Status"),
        empty_label=None,
        choices=[(ACTIVE, _("Active")), (INACTIVE, _("Inactive")), (ALL, _("All"))],
    )

    class Meta:
        model = Enterprise
        fields = ["q", "legal_form", "economic_sector", "union", "status"]

    def search(self, queryset, name, value):
        tax_code = normalize_tax_code(value)
        by_tax_code = Q(tax_code__contains=tax_code) if any(ch.isdigit() for ch in tax_code) else None
        return search.containing(queryset, ["name"], value, also=by_tax_code)

    def filter_union(self, queryset, name, value):
        return queryset.filter(has_union=(value == "yes"))
