"""The identity of the commune this installation serves, read from its `Commune` row.

Documents, e-mails and pages ask `current()` for the commune's name, code, issuing body,
superior body, addressee and signing leaders: the `core.identity.Identity` they always used,
now made from the data. While the communes table is empty (a database restored from before
communes were data, then flushed), the settings stand in, as they did before.
"""

from __future__ import annotations

from core.identity import Identity, Leader, from_settings

from .models import Commune
from .scoping import commune_in_scope


def of(commune: Commune) -> Identity:
    """A commune row as the identity documents print (its signing leaders, in order)."""
    leaders = commune.leaders.filter(may_sign=True).order_by("order", "pk")
    return Identity(
        place=commune.place or commune.name,
        code=commune.code if commune.has_code else "",
        body=commune.body,
        superior=commune.superior,
        addressee=commune.addressee,
        leaders=tuple(Leader(leader.position, leader.name) for leader in leaders),
    )


def in_scope() -> Commune | None:
    """The commune whose data the code runs on: the one in scope (a page's `request.commune`,
    a command's commune), else the one the installation serves (`CommuneQuerySet.served`)."""
    return commune_in_scope() or Commune.objects.served()


def current() -> Identity:
    """The identity of the commune in scope (`in_scope`), or the settings' while there is no
    commune row."""
    commune = in_scope()
    return from_settings() if commune is None else of(commune)


def current_name() -> str:
    """The name of the commune in scope, for greetings and titles ("Hoàng Hợp")."""
    commune = in_scope()
    return from_settings().place if commune is None else commune.name
