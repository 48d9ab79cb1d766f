"""Writes of the enterprises app that span tables or carry rules (HackSoft style).

Each function is keyword-only, runs in one transaction, validates with full_clean()
before saving, and leaves a history record of who changed what. Imports first
compute a preview (what is new, changed, unchanged) that the official confirms and
the import then carries out, in bulk: a roster of 10,000 workers is a few dozen
queries, not tens of thousands.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import OFFICER
from communes import identity
from core.mail import Delivery, deliver
from core.names import full_name_of, split_full_name
from core.xlsx_reading import RowError

from .imports import ENTERPRISE_HEADERS, EnterpriseRow
from .models import Enterprise, UnionOfficer
from .signals import enterprises_bulk_changed

BATCH_SIZE = 500

# Why a history record was written, stored as a code and shown translated.
CHANGE_REASONS = {
    "import": gettext_lazy("Imported from Excel"),
    "account-created": gettext_lazy("Account created"),
    "account-updated": gettext_lazy("Account details changed"),
    "account-deactivated": gettext_lazy("Account deactivated"),
    "account-reactivated": gettext_lazy("Account reactivated"),
    "password-issued": gettext_lazy("Initial password issued"),
    "password-link-sent": gettext_lazy("Link to set a password e-mailed"),
    "left": gettext_lazy("Marked as no longer employed by an import"),
}


# --- import previews -------------------------------------------------------------------

NEW, UPDATED, UNCHANGED, LEFT = "new", "updated", "unchanged", "left"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """What an import will do with one row of the file (or one worker missing from it)."""

    row: int | None
    key: str
    label: str
    status: str
    changes: list[Change] = field(default_factory=list)
    updates: dict[str, object] = field(default_factory=dict, repr=False)
    outcomes_new: dict[int, datetime.date] = field(default_factory=dict, repr=False)
    # outcome pk -> (indicator id, new date)
    outcomes_changed: dict[int, tuple[int, datetime.date]] = field(default_factory=dict, repr=False)
    target: object = field(default=None, repr=False)


@dataclass
class ImportPreview:
    """What an import will do, row by row: shown before the official confirms, then done."""

    rows: list[PreviewRow]
    # Rows the file cannot change as it says, given what is on record (nothing is saved then).
    errors: list[RowError] = field(default_factory=list)

    def of(self, status: str) -> list[PreviewRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def new(self):
        return self.of(NEW)

    @property
    def updated(self):
        return self.of(UPDATED)

    @property
    def unchanged(self):
        return self.of(UNCHANGED)

    @property
    def left(self):
        return self.of(LEFT)

    @property
    def has_changes(self) -> bool:
        return any(row.status != UNCHANGED for row in self.rows)


def display(model, name: str, value) -> str:
    """A field value as the interface shows it (choice labels, Có/Không, dd/mm/yyyy)."""
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _compare(model, instance, values: dict) -> tuple[dict, list[Change]]:
    updates, changes = {}, []
    for name, value in values.items():
        old = getattr(instance, name)
        if old != value:
            updates[name] = value
            changes.append(Change(field_label(model, name), display(model, name, old), display(model, name, value)))
    return updates, changes


def enterprise_import_preview(rows: list[EnterpriseRow]) -> ImportPreview:
    """Compare the file with the enterprises on record (one query): new, updated, unchanged,
    and the rows that contradict the record (a follow date after the enterprise's stop)."""
    known = Enterprise.objects.by_tax_code([row.tax_code for row in rows])
    previewed, errors = [], []
    for row in rows:
        enterprise = known.get(row.tax_code)
        name = row.values.get("name", "")
        if enterprise is None:
            previewed.append(PreviewRow(row.row, row.tax_code, name, NEW, updates=dict(row.values)))
            continue
        followed_from = row.values.get("followed_from")
        if followed_from and enterprise.stopped_from and followed_from > enterprise.stopped_from:
            errors.append(
                RowError(
                    row.row,
                    _(
                        "“%(header)s” %(date)s is after %(stopped)s, the day the commune stopped following "
                        "“%(name)s”: correct the date, or resume following the enterprise first."
                    )
                    % {
                        "header": ENTERPRISE_HEADERS["followed_from"],
                        "date": followed_from.strftime("%d/%m/%Y"),
                        "stopped": enterprise.stopped_from.strftime("%d/%m/%Y"),
                        "name": enterprise.name,
                    },
                )
            )
        updates, changes = _compare(Enterprise, enterprise, row.values)
        previewed.append(
            PreviewRow(
                row.row,
                row.tax_code,
                name or enterprise.name,
                UPDATED if updates else UNCHANGED,
                changes,
                updates,
                target=enterprise,
            )
        )
    return ImportPreview(previewed, errors)


class ImportRefused(Exception):
    """The file no longer fits the enterprises on record (they changed since the preview)."""


@transaction.atomic
def enterprises_import(*, rows: list[EnterpriseRow], user) -> ImportPreview:
    """Create the new enterprises of a checked file and update the known ones, all or nothing."""
    preview = enterprise_import_preview(rows)
    if preview.errors:
        raise ImportRefused
    created = []
    for row in preview.new:
        enterprise = Enterprise(tax_code=row.key, **row.updates)
        # The unique index guards races, and the database checks the constraints (one query
        # each per row here); Enterprise.clean() explains a bad follow date first.
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
        created.append(enterprise)
    bulk_create_with_history(
        created, Enterprise, batch_size=BATCH_SIZE, default_user=user, default_change_reason="import"
    )
    changed, fields = [], {"updated_at"}
    now = timezone.now()
    for row in preview.updated:
        enterprise = row.target
        for name, value in row.updates.items():
            setattr(enterprise, name, value)
        enterprise.updated_at = now
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
        fields.update(row.updates)
        changed.append(enterprise)
    if changed:
        bulk_update_with_history(
            changed,
            Enterprise,
            sorted(fields),
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason="import",
        )
    if created or changed:
        enterprises_bulk_changed.send(sender=Enterprise)  # bulk writes send no model signals
    return preview


# --- union officers ----------------------------------------------------------------------

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password() -> str:
    """A random password that is easy to read aloud or copy: no 0/O, 1/l/I; e.g. 'Kq7m-3Ztx-p9Wd'."""
    while True:
        chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(12))
        if any(c.islower() for c in chars) and any(c.isupper() for c in chars) and any(c.isdigit() for c in chars):
            return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


def _record(officer: UnionOfficer, reason: str) -> None:
    """A history record for an account event the officer's own fields do not show."""
    officer._change_reason = reason
    officer.save()


@transaction.atomic
def officer_create(
    *, enterprise: Enterprise, username: str, full_name: str, email: str = "", phone: str = "", position: str = ""
) -> UnionOfficer:
    """A new union officer: a user account in the officer group, tied to `enterprise`.

    The account has no usable password until the officer sets one from the e-mailed
    link or the official issues an initial one.
    """
    last_name, first_name = split_full_name(full_name)
    user = get_user_model()(username=username, first_name=first_name, last_name=last_name, email=email, is_active=True)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=OFFICER))
    officer = UnionOfficer(user=user, enterprise=enterprise, phone=phone, position=position)
    officer.full_clean()
    officer._change_reason = "account-created"
    officer.save()
    return officer


@transaction.atomic
def officer_update(*, officer: UnionOfficer, full_name: str, email: str, phone: str, position: str) -> UnionOfficer:
    """Change an officer's account details. The officer's history records the change;
    a change of name or e-mail (kept on the user account) is noted as an account change."""
    user = officer.user
    before = (user.first_name, user.last_name, user.email)
    user.last_name, user.first_name = split_full_name(full_name)
    user.email = email
    account_changed = before != (user.first_name, user.last_name, user.email)
    if account_changed:
        user.full_clean()
        user.save(update_fields=["first_name", "last_name", "email"])
    officer_changed = (officer.phone, officer.position) != (phone, position)
    officer.phone, officer.position = phone, position
    if account_changed or officer_changed:
        officer.full_clean()
        officer._change_reason = "account-updated" if account_changed else ""
        officer.save()
    return officer


@transaction.atomic
def officer_set_active(*, officer: UnionOfficer, active: bool) -> UnionOfficer:
    """Let the officer log in again, or not. The account is kept for the history."""
    officer.user.is_active = active
    officer.user.save(update_fields=["is_active"])
    _record(officer, "account-reactivated" if active else "account-deactivated")
    return officer


@transaction.atomic
def officer_issue_password(*, officer: UnionOfficer) -> str:
    """Set a new random password and return it, to be shown to the official once."""
    password = generate_password()
    officer.user.set_password(password)
    officer.user.save(update_fields=["password"])
    _record(officer, "password-issued")
    return password


@transaction.atomic
def officer_send_password_link(*, officer: UnionOfficer, base_url: str, welcome: bool) -> Delivery:
    """E-mail the officer a link to set their password (Django's password-reset token); what
    became of the e-mail (a failure is logged, never raised).

    The link lasts PASSWORD_RESET_TIMEOUT and stops working once the password is set.
    """
    user = officer.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "officer": officer,
        "full_name": full_name_of(user),
        "username": user.get_username(),
        "enterprise": officer.enterprise,
        "link": base_url.rstrip("/") + path,
        "welcome": welcome,
        "days": max(1, round(_reset_timeout() / 86400)),
        "commune_name": identity.current_name(),
    }
    subject = " ".join(render_to_string("enterprises/email/password_link_subject.txt", context).split())
    body = render_to_string("enterprises/email/password_link.txt", context)
    delivery = deliver(EmailMessage(subject, body, to=[user.email]), what="Password link", names=(full_name_of(user),))
    if delivery.sent:
        _record(officer, "password-link-sent")
    return delivery


def _reset_timeout() -> int:
    return settings.PASSWORD_RESET_TIMEOUT
