"""The identity of the commune this installation serves, read from its `Commune` row.

Documents, e-mails and pages ask `current()` for the commune's name, code, issuing body,
superior body, addressee and signing leaders: the `core.identity.Identity` they always used,
now made from the data. While the communes table is empty (a database restored from before
communes were data, then flushed), the settings stand in, as they did before.
"""

from __future__ import annotations

from django_scopes import get_scope

from core.identity import Identity, Leader, from_settings

from .models import PLACEHOLDER_CODE, Commune


def of(commune: Commune) -> Identity:
    """A commune row as the identity documents print (its signing leaders, in order)."""
    leaders = commune.leaders.filter(may_sign=True).order_by("order", "pk")
    return Identity(
        place=commune.place or commune.name,
        code="" if commune.code == PLACEHOLDER_CODE else commune.code,
        body=commune.body,
        superior=commune.superior,
        addressee=commune.addressee,
        leaders=tuple(Leader(leader.position, leader.name) for leader in leaders),
    )


def _commune() -> Commune | None:
    """The commune in scope (a request's, a command's walking the communes), else the one the
    installation serves (`CommuneQuerySet.served`)."""
    in_scope = get_scope().get("commune")
    return in_scope if isinstance(in_scope, Commune) else Commune.objects.served()


def current() -> Identity:
    """The identity of the commune in scope, or the settings' while there is no commune row."""
    commune = _commune()
    return from_settings() if commune is None else of(commune)


def current_name() -> str:
    """The name of the commune in scope, for greetings and titles ("Hoàng Hợp")."""
    commune = _commune()
    return from_settings().place if commune is None else commune.name
