"""Communes as data (issue 17, "Communes are data").

Since 1 July 2025 Vietnam governs in two tiers: communes, wards and special zones report
straight to the province, and many were merged. A commune is therefore a row, not a
setting: its code in the national list of administrative units, its name, who issues its
reports and to whom, who may sign them, and whether it still exists or was merged into
another on a date. The province administrator keeps the rows (accounts.province_views).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.identity import ascii_slug

# What the data migration writes when the settings give no five-digit code (README,
# Configuration): "no code yet". No commune is saved with it through the portal, and
# `check --deploy` refuses it.
PLACEHOLDER_CODE = "00000"
CODE_RE = re.compile(r"^[0-9]{5}\Z")


def validate_code(value: str) -> None:
    """A commune's code in the national list of administrative units: five digits."""
    if not CODE_RE.match(value or ""):
        raise ValidationError(
            _("The administrative unit code “%(value)s” is not valid: it must be exactly 5 digits (e.g. 16015)."),
            code="invalid_code",
            params={"value": value},
        )
    if value == PLACEHOLDER_CODE:
        raise ValidationError(
            _("%(value)s is not a commune's code: enter the commune's code in the list of administrative units."),
            code="placeholder_code",
            params={"value": value},
        )


class CommuneKind(models.TextChoices):
    """The three kinds of administrative unit below the province since 1/7/2025."""

    COMMUNE = "commune", pgettext_lazy("administrative unit", "Commune")
    WARD = "ward", pgettext_lazy("administrative unit", "Ward")
    SPECIAL_ZONE = "special_zone", pgettext_lazy("administrative unit", "Special zone")


class CommuneQuerySet(models.QuerySet):
    def active(self):
        """The communes that exist today: not merged into another."""
        return self.filter(merged_into__isnull=True)

    def merged(self):
        return self.filter(merged_into__isnull=False)

    def served(self) -> Commune | None:
        """The one commune this installation serves until communes own their data (the
        next steps of issue 17): the first row, which the data migration made from the
        settings, or, once it is merged, the commune it was merged into. None when there is
        no row at all (the caller falls back to the settings)."""
        commune = self.order_by("pk").first()
        seen = set()
        while commune is not None and commune.merged_into_id is not None and commune.pk not in seen:
            seen.add(commune.pk)
            commune = self.model._default_manager.get(pk=commune.merged_into_id)
        return commune


class Commune(models.Model):
    code = models.CharField(
        _("administrative unit code"),
        max_length=5,
        unique=True,
        validators=[validate_code],
        help_text=_("Five digits, as in the national list of administrative units (mã đơn vị hành chính)."),
        error_messages={"unique": _("A commune with this code is already recorded.")},
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Without the kind: “Hoàng Hợp”, not “xã Hoàng Hợp”.")
    )
    kind = models.CharField(
        pgettext_lazy("administrative unit", "kind"),
        max_length=20,
        choices=CommuneKind.choices,
        default=CommuneKind.COMMUNE,
    )
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=100,
        unique=True,
        help_text=_("Latin letters, digits and hyphens. Left empty, it is made from the name (hoang-hop)."),
        error_messages={"unique": _("Another commune already has this short name.")},
    )
    body = models.CharField(
        _("issuing body"), max_length=255, help_text=_("Who issues the reports: “Ủy ban nhân dân xã Hoàng Hợp”.")
    )
    place = models.CharField(
        _("place name in dates"),
        max_length=100,
        help_text=_("As in “Hoàng Hợp, ngày 05 tháng 01 năm 2026”. Left empty, it is the name."),
    )
    superior = models.CharField(
        _("superior body"),
        max_length=255,
        help_text=_("The province since 1/7/2025: “Ủy ban nhân dân tỉnh Thanh Hóa”."),
    )
    addressee = models.CharField(
        _("report addressee"),
        max_length=255,
        help_text=_("Whom reports are addressed to: “Liên đoàn Lao động tỉnh Thanh Hóa”."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        help_text=_("Empty while the commune exists."),
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CommuneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_on__isnull=True)
                | Q(merged_into__isnull=False, merged_on__isnull=False),
                name="commune_merged_into_with_its_date",
                violation_error_message=_("A merger needs both the commune merged into and the date."),
            ),
        ]

    def __str__(self):
        # "xã Hoàng Hợp", as a sentence names it (templates capitalise it in headings).
        return f"{str(self.get_kind_display()).lower()} {self.name}"

    @property
    def has_code(self) -> bool:
        """Whether the commune has its real code yet: the one made from the settings of an
        installation that named none holds PLACEHOLDER_CODE until the province sets it."""
        return self.code != PLACEHOLDER_CODE

    def clean(self):
        super().clean()
        errors = {}
        if self.merged_into_id is not None:
            if self.pk is not None and self.merged_into_id == self.pk:
                errors["merged_into"] = ValidationError(
                    _("A commune cannot be merged into itself."), code="merged_into_itself"
                )
            elif self.merged_into.merged_into_id is not None:
                errors["merged_into"] = ValidationError(
                    _("%(commune)s was itself merged into another commune: choose the commune that exists now."),
                    code="merged_into_merged",
                    params={"commune": self.merged_into},
                )
            if self.merged_on is None:
                errors["merged_on"] = ValidationError(_("Enter the date of the merger."), code="merged_on_missing")
        elif self.merged_on is not None:
            errors["merged_into"] = ValidationError(
                _("Choose the commune it was merged into, or leave the date empty."), code="merged_into_missing"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None

    def fill_blanks(self) -> None:
        """The place name defaults to the name, the short name to the name in Latin letters
        (with the code when another commune has it already); the caller saves."""
        self.place = self.place or self.name
        if not self.slug:
            others = Commune.objects.exclude(pk=self.pk) if self.pk else Commune.objects.all()
            taken = set(others.filter(slug=ascii_slug(self.name)).values_list("slug", flat=True))
            self.slug = free_slug(self.name, self.code, taken=taken)


def free_slug(name: str, code: str, *, taken: set[str]) -> str:
    """ "hoang-hop", or "hoang-hop-16015" when it is `taken`."""
    slug = ascii_slug(name)[:90] or code
    return f"{slug}-{code}" if slug in taken else slug


class CommuneLeader(models.Model):
    """One of a commune's leaders: who signs its reports, in order (the chair first)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="leaders", verbose_name=_("commune"))
    name = models.CharField(_("full name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, help_text=_("For example “Chủ tịch” or “Phó Chủ tịch”."))
    may_sign = models.BooleanField(_("may sign reports"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")

    def __str__(self):
        return f"{self.name} ({self.position})"


class Membership(models.Model):
    """A commune a user serves: its commune officials and its superior body's viewers (issue
    17). One user may serve several (an official covering two communes during a merger) and
    picks the commune from the navigation's menu. A union officer needs none: they serve the
    commune of their enterprise. Which roles may hold one is the province administrator's
    page's rule (accounts.province_views); this layer knows no roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="commune_memberships",
        verbose_name=_("user"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("commune")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commune__name", "user__username"]
        verbose_name = _("commune served")
        verbose_name_plural = _("communes served")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "commune"],
                name="membership_once_per_user_and_commune",
                violation_error_message=_("This user already serves this commune."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.commune}"
