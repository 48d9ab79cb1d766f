"""Search and filters of an enterprise's worker roster and of the record of who opened rosters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core import search
from core.names import full_name_of
from enterprises.filters import ACTIVE, ALL, INACTIVE, StatusFilterSet
from enterprises.models import Enterprise, Worker

from .models import RosterAccess


class WorkerFilter(StatusFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Code or name"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Employee code or name")}),
    )
    missing = django_filters.ChoiceFilter(
        method="filter_missing", label=_("Not yet met"), empty_label=_("Any indicator")
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        label=_("Status"),
        empty_label=None,
        choices=[(ACTIVE, _("Currently employed")), (INACTIVE, _("Left")), (ALL, _("All"))],
    )

    class Meta:
        model = Worker
        fields = ["q", "missing", "status"]

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["missing"].extra["choices"] = [(str(i.pk), i.name) for i in indicators]

    def search(self, queryset, name, value):
        return search.containing(queryset, ["employee_code", "full_name"], value)

    def filter_missing(self, queryset, name, value):
        return queryset.exclude(outcomes__indicator_id=value)


class RosterAccessFilter(django_filters.FilterSet):
    """Narrow the roster access record to one enterprise and/or one user.

    The choices are only the enterprises and users that appear in the record, so that the
    lists stay short at province scale.
    """

    enterprise = django_filters.ChoiceFilter(label=_("Enterprise"), empty_label=_("All enterprises"))
    user = django_filters.ChoiceFilter(label=_("User"), empty_label=_("All users"))

    class Meta:
        model = RosterAccess
        fields = ["enterprise", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = RosterAccess.objects.order_by()
        self.filters["enterprise"].extra["choices"] = [
            (str(pk), name)
            for pk, name in Enterprise.objects.filter(pk__in=recorded.values("enterprise_id"))
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        users = (
            get_user_model()
            .objects.filter(pk__in=recorded.values("user_id"))
            .order_by("last_name", "first_name", "username")
        )
        self.filters["user"].extra["choices"] = [
            (str(user.pk), f"{full_name_of(user)} ({user.get_username()})") for user in users
        ]
