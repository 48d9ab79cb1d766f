import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import access
from communes.scoping import CommuneOwned, CommuneOwnedQuerySet, commune_manager
from core.names import full_name_of

from .validators import validate_tax_code


class LegalForm(models.TextChoices):
    """Loại hình doanh nghiệp: the legal form (Law on Enterprises 2020, with the cooperatives,
    household businesses and branches a commune's list also holds)."""

    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship")
    SINGLE_MEMBER_LLC = "single_member_llc", _("Single-member limited liability company")
    MULTI_MEMBER_LLC = "multi_member_llc", _("Limited liability company with two or more members")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    PARTNERSHIP = "partnership", _("Partnership")
    COOPERATIVE = "cooperative", _("Cooperative")
    HOUSEHOLD = "household", _("Household business")
    BRANCH = "branch", _("Branch or representative office")
    OTHER = "other", _("Other")


class EconomicSector(models.TextChoices):
    """Thành phần kinh tế: who owns the capital, whatever the legal form."""

    STATE = "state", _("State")
    NON_STATE = "non_state", _("Non-state")
    FOREIGN = "foreign", _("Foreign-invested")


def a_year_after(day: datetime.date) -> datetime.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class EnterpriseQuerySet(CommuneOwnedQuerySet):
    def active(self):
        """The enterprises the commune follows now (none stopped). Which enterprises count in
        a reporting period is the period's question: `ReportingPeriod.counted_enterprises`."""
        return self.filter(is_active=True)

    def by_tax_code(self, tax_codes) -> dict[str, "Enterprise"]:
        """{tax code: enterprise} of these tax codes (unique within a commune)."""
        return {enterprise.tax_code: enterprise for enterprise in self.filter(tax_code__in=list(tax_codes))}

    def visible_to(self, user):
        """The enterprises this user may see (`accounts.access` decides)."""
        return access.scoped(self, user)

    def editable_by(self, user):
        """The enterprises whose data this user may change."""
        return access.scoped(self, user, change=True)


class Enterprise(CommuneOwned):
    name = models.CharField(_("enterprise name"), max_length=255)
    tax_code = models.CharField(_("tax code"), max_length=14, validators=[validate_tax_code])
    address = models.CharField(_("address (village)"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=255, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices, blank=True)
    economic_sector = models.CharField(_("economic sector"), max_length=20, choices=EconomicSector.choices, blank=True)
    has_union = models.BooleanField(_("has a grassroots union"), default=False)
    union_name = models.CharField(_("grassroots union name"), max_length=255, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    # Who counts in a reporting period follows these two dates (indicators.progress, rule 1),
    # so that adding or stopping an enterprise later never changes a past period.
    followed_from = models.DateField(
        _("followed from"),
        default=timezone.localdate,
        help_text=_(
            "The day the commune started following the enterprise: it counts in every period ending on or after it."
        ),
    )
    stopped_from = models.DateField(
        _("no longer followed from"),
        null=True,
        blank=True,
        help_text=_(
            "Empty while the commune follows the enterprise. From this day on it no longer counts in the "
            "periods that start on or after it, and its officers cannot log in."
        ),
    )
    # "Followed now": kept equal to `stopped_from is None` (a database constraint), since the
    # officers' login and the lists of today read it; stop_following and resume_following set both.
    is_active = models.BooleanField(_("followed now"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = commune_manager(EnterpriseQuerySet)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "tax_code"],
                name="unique_tax_code_per_commune",
                violation_error_message=_("The commune already follows an enterprise with this tax code."),
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, stopped_from=None) | Q(is_active=False, stopped_from__isnull=False),
                name="enterprise_inactive_exactly_when_stopped",
            ),
            models.CheckConstraint(
                condition=Q(stopped_from=None) | Q(followed_from__lte=F("stopped_from")),
                name="enterprise_followed_before_stopped",
            ),
        ]
        # Lists by name walk it and stop at their page (issue 18): the dashboard's names of the
        # enterprises with no report, the enterprise table.
        indexes = [models.Index(fields=["name", "id"], name="enterprise_by_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        super().clean()
        today = timezone.localdate()
        latest = a_year_after(today)
        errors = {}
        if self.followed_from and self.followed_from > latest:
            errors["followed_from"] = ValidationError(
                _("Followed from (%(date)s) cannot be more than a year from today (%(latest)s at the latest)."),
                code="followed_from_too_late",
                params={"date": self.followed_from.strftime("%d/%m/%Y"), "latest": latest.strftime("%d/%m/%Y")},
            )
        elif self.followed_from and self.stopped_from and self.followed_from > self.stopped_from:
            errors["followed_from"] = ValidationError(
                _("Followed from (%(date)s) cannot be after the day the commune stopped following it (%(stopped)s)."),
                code="followed_after_stopped",
                params={
                    "date": self.followed_from.strftime("%d/%m/%Y"),
                    "stopped": self.stopped_from.strftime("%d/%m/%Y"),
                },
            )
        if self.stopped_from and self.stopped_from > today:
            errors["stopped_from"] = ValidationError(
                _("No longer followed from (%(date)s) cannot be after today (%(today)s)."),
                code="stopped_in_the_future",
                params={"date": self.stopped_from.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")},
            )
        if errors:
            raise ValidationError(errors)

    def stop_following(self, on: datetime.date | None = None) -> None:
        """No longer followed from `on` (today by default); the caller saves."""
        self.stopped_from = on or timezone.localdate()
        self.is_active = False

    def resume_following(self) -> None:
        """Followed again, as if never stopped; the caller saves."""
        self.stopped_from = None
        self.is_active = True


class UnionOfficerQuerySet(CommuneOwnedQuerySet):
    def reachable(self):
        """The officers an e-mail can reach: an active account with an address."""
        return self.filter(user__is_active=True).exclude(user__email="")


class UnionOfficer(CommuneOwned):
    """Ties a user account to the one enterprise whose union it represents."""

    commune_from = "enterprise"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="union_officer",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="officers", verbose_name=_("enterprise")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)

    objects = commune_manager(UnionOfficerQuerySet)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("union officer")
        verbose_name_plural = _("union officers")

    def __str__(self):
        return full_name_of(self.user)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class WorkerQuerySet(CommuneOwnedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Worker(CommuneOwned):
    """A worker (CNLĐ) on an enterprise's optional roster.

    Personal data is kept minimal on purpose (Decree 13/2023/NĐ-CP): no ID
    numbers, no addresses, only what the report figures need.
    """

    commune_from = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="workers", verbose_name=_("enterprise")
    )
    employee_code = models.CharField(_("employee code"), max_length=50)
    full_name = models.CharField(_("full name"), max_length=255)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1940), MaxValueValidator(2015)],
    )
    job = models.CharField(_("job"), max_length=255, blank=True)
    is_active = models.BooleanField(_("currently employed"), default=True)
    # The day the worker was marked as no longer employed: the retention period of their
    # personal data runs from it (`enterprises.retention`).
    left_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    # Set when the retention period removed the worker's personal data; the row stays,
    # anonymised, so that counts stay right.
    anonymised_on = models.DateField(_("personal data removed on"), null=True, blank=True, editable=False)

    objects = commune_manager(WorkerQuerySet)
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_code"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "enterprise", "employee_code"], name="unique_employee_code_per_enterprise"
            )
        ]

    def __str__(self):
        return f"{self.employee_code} – {self.full_name}" if self.full_name else self.employee_code

    def get_absolute_url(self):
        return reverse("indicators:worker_update", args=[self.enterprise_id, self.pk])
