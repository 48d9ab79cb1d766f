"""The enterprises layer's part of a merger of communes (communes.merging): the former
communes' enterprises, with their union officers and workers, become the receiving
commune's. Refused when two of them, or one of them and one of the receiving commune, share
a tax code (a tax code is once per commune): the province administrator settles which is
which first."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from communes.merging import CHANGE_REASON, merger_check, merger_move

from .models import Enterprise, UnionOfficer, Worker


def refusals(sender, *, sources, into, **kwargs) -> list[str]:
    communes = defaultdict(list)
    rows = Enterprise.objects.filter(commune__in=[*sources, into]).order_by("tax_code", "commune__code")
    for tax_code, name in rows.values_list("tax_code", "commune__name"):
        communes[tax_code].append(name)
    return [
        _(
            "The tax code %(tax_code)s is followed in more than one of these communes (%(communes)s): keep one enterprise with it before the merger."
        )
        % {"tax_code": tax_code, "communes": ", ".join(names)}
        for tax_code, names in communes.items()
        if len(names) > 1
    ]


def move(sender, *, sources, into, **kwargs) -> list[tuple[str, int]]:
    enterprises = list(Enterprise.objects.filter(commune__in=sources))
    for enterprise in enterprises:
        enterprise.commune = into
    # One history row each: the enterprise's page shows when it changed commune.
    bulk_update_with_history(enterprises, Enterprise, ["commune"], default_change_reason=CHANGE_REASON)
    officers = UnionOfficer.objects.filter(enterprise__in=enterprises).update(commune=into)
    workers = Worker.objects.filter(enterprise__in=enterprises).update(commune=into)
    return [(_("enterprises"), len(enterprises)), (_("union officers"), officers), (_("workers on rosters"), workers)]


def connect() -> None:
    merger_check.connect(refusals, dispatch_uid="enterprises-merger-check")
    merger_move.connect(move, dispatch_uid="enterprises-merger-move")
