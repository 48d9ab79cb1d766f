"""Search and filters of an enterprise's worker roster (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.filters import ACTIVE, ALL, INACTIVE, StatusFilterSet
from enterprises.models import Worker


class WorkerFilter(StatusFilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Code or name"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Employee code or name")}),
    )
    missing = django_filters.ChoiceFilter(method="filter_missing", label=_("Not yet met"),
                                          empty_label=_("Any indicator"))
    status = django_filters.ChoiceFilter(
        method="filter_status", label=_("Status"), empty_label=None,
        choices=[(ACTIVE, _("Currently employed")), (INACTIVE, _("Left")), (ALL, _("All"))],
    )

    class Meta:
        model = Worker
        fields = ["q", "missing", "status"]

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["missing"].extra["choices"] = [(str(i.pk), i.name) for i in indicators]

    def search(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        return queryset.filter(Q(employee_code__icontains=value) | Q(full_name__icontains=value))

    def filter_missing(self, queryset, name, value):
        return queryset.exclude(outcomes__indicator_id=value)
