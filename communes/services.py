"""Writes of the communes app: a commune with its leaders, and the import of the official list.

Each is one transaction that checks every row (`full_clean`) before it saves, so the form,
the import and any other caller refuse the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.xlsx_reading import RowError

from . import identity
from .imports import CommuneRow
from .models import Commune, CommuneKind, CommuneLeader, free_slug

BATCH_SIZE = 500
NEW = "new"
# How the issuing body of an imported commune begins: "Ủy ban nhân dân xã Hoằng Giang"
# (the document's language, whatever the interface's).
BODY_PREFIX = {
    CommuneKind.COMMUNE: "Ủy ban nhân dân xã",
    CommuneKind.WARD: "Ủy ban nhân dân phường",
    CommuneKind.SPECIAL_ZONE: "Ủy ban nhân dân đặc khu",
}


@transaction.atomic
def commune_save(
    *,
    commune: Commune,
    leaders: Sequence[CommuneLeader] = (),
    removed: Sequence[CommuneLeader] = (),
) -> Commune:
    """Save `commune` (blank place and short name filled in) with its leaders: `leaders`
    added or changed, `removed` deleted. All or nothing."""
    commune.fill_blanks()
    commune.full_clean()
    commune.save()
    for leader in removed:
        if leader.pk is not None and leader.commune_id == commune.pk:
            leader.delete()
    for leader in leaders:
        leader.commune = commune
        leader.full_clean()
        leader.save()
    return commune


@dataclass
class PreviewRow:
    """What the import will do with one row: add the commune."""

    row: int
    key: str
    label: str
    kind: str
    status: str = NEW


@dataclass
class CommuneImportPreview:
    """What an import will do, row by row (the rows the database refuses in `errors`)."""

    rows: list[PreviewRow]
    errors: list[RowError] = field(default_factory=list)

    @property
    def new(self) -> list[PreviewRow]:
        return self.rows

    @property
    def unchanged(self) -> list[PreviewRow]:
        return []  # an import only adds: a code already recorded is an error

    @property
    def has_changes(self) -> bool:
        return bool(self.rows)


class ImportRefused(Exception):
    """The file no longer fits the communes on record (they changed since the preview)."""


def commune_import_preview(rows: list[CommuneRow]) -> CommuneImportPreview:
    """Compare the file with the communes on record (one query): a code already recorded is
    refused, naming the commune that has it; the kept communes are edited on their page."""
    known = Commune.objects.in_bulk([row.code for row in rows], field_name="code")
    previewed, errors = [], []
    kinds = dict(CommuneKind.choices)
    for row in rows:
        commune = known.get(row.code)
        if commune is not None:
            errors.append(
                RowError(
                    row.row,
                    _("The code %(code)s is already recorded, for %(commune)s: remove the row, or correct its code.")
                    % {"code": row.code, "commune": commune},
                )
            )
        else:
            previewed.append(PreviewRow(row.row, row.code, row.name, str(kinds[row.kind])))
    return CommuneImportPreview(previewed, errors)


@transaction.atomic
def communes_import(*, rows: list[CommuneRow], user) -> list[Commune]:
    """Add the communes of a checked file, all or nothing. Each gets the issuing body of its
    kind and name, and the superior body and addressee of the commune the installation
    serves (one province's are the same for all); leaders are added on its page."""
    preview = commune_import_preview(rows)
    if preview.errors:
        raise ImportRefused
    served = identity.current()
    taken = set(Commune.objects.values_list("slug", flat=True))
    created = []
    for row in rows:
        commune = Commune(
            code=row.code,
            name=row.name,
            kind=row.kind,
            slug=free_slug(row.name, row.code, taken=taken),
            body=f"{BODY_PREFIX[row.kind]} {row.name}",
            place=row.name,
            superior=served.superior,
            addressee=served.addressee,
        )
        taken.add(commune.slug)
        # The unique indexes guard a simultaneous import (IntegrityError: nothing saved).
        commune.full_clean(validate_unique=False, validate_constraints=False)
        created.append(commune)
    return bulk_create_with_history(
        created, Commune, batch_size=BATCH_SIZE, default_user=user, default_change_reason="import"
    )
