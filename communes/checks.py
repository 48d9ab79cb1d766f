"""The deploy check of the commune's identity (`manage.py check --deploy`).

The documents print the identity of the commune the installation serves
(`CommuneQuerySet.served`): the check refuses, on its row, the demo's values, the code still
"not set" (00000) and any name of a district, and says where to set them. While there is no
row (a database not yet migrated, whose first migration will copy the settings, or an empty
table), the settings are judged instead, by the same rules (core.checks).
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from core import checks

from . import identity
from .models import Commune

# The settings' names, which core.checks' rules are keyed by, and what each is on the row.
FIELDS = {
    "PORTAL_COMMUNE_NAME": "its name",
    "PORTAL_COMMUNE_CODE": "its administrative unit code",
    "PORTAL_COMMUNE_BODY": "its issuing body",
    "PORTAL_SUPERIOR_BODY": "its superior body",
    "PORTAL_REPORT_ADDRESSEE": "its report addressee",
    "PORTAL_COMMUNE_LEADERS": "the list of its leaders who may sign",
}


def commune_errors(commune: Commune) -> list[Error]:
    """What is wrong with the identity `commune` gives the documents."""
    current = identity.of(commune)
    values = {
        "PORTAL_COMMUNE_NAME": commune.name,
        "PORTAL_COMMUNE_CODE": current.code,
        "PORTAL_COMMUNE_BODY": current.body,
        "PORTAL_SUPERIOR_BODY": current.superior,
        "PORTAL_REPORT_ADDRESSEE": current.addressee,
        "PORTAL_COMMUNE_LEADERS": [(leader.title, leader.name) for leader in current.leaders],
    }
    errors = []
    for number, (name, label) in enumerate(FIELDS.items(), start=101):
        found = checks.problem(name, values[name])
        if found:
            errors.append(
                Error(
                    f"The commune {commune.code} ({commune.name}): {label} {found}.",
                    hint="Set it on the commune's page, as the province administrator "
                    "(Communes, /province/communes/; README, Configuration).",
                    id=f"portal.E{number:03d}",
                )
            )
    return errors


@register(Tags.compatibility, deploy=True)
def commune_identity(app_configs, **kwargs):
    """The served commune's identity is set for this installation, and names no district."""
    try:
        commune = Commune.objects.served()
    except DatabaseError:  # not migrated yet: the first migration will copy the settings
        commune = None
    if commune is None:
        return checks.settings_errors()
    return commune_errors(commune)
