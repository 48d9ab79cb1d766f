"""The indicators app's data: indicators with their targets and milestones, reporting periods,
enterprise reports with their figures and workflow log, reminders, the figures cache's tokens,
workers' outcomes and the log of who opened a roster.

The per-row rules of the report workflow live here, on the rows they judge (who may change
a report, whether it may be approved, returned or reopened, whether a deadline has passed),
each with its refusal stated once, so that the services raise what the views ask about.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communes.scoping import CommuneOwned, CommuneOwnedQuerySet, commune_manager
from core.bounds import LONG_TEXT_MAX_LENGTH, NOTE_MAX_LENGTH, text_validator, workers_validator
from core.refusals import Refusal
from plans.models import Plan

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def percent_field(verbose_name, **kwargs):  # pragma: no mutate block
    # Called only while the module loads, before mutmut switches any mutant on: its mutants
    # could never be caught, so none are made (tests/test_migrations.py holds the fields' shape).
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS, **kwargs)


class IndicatorQuerySet(CommuneOwnedQuerySet):
    def of_plan(self, plan=None):
        """The indicators of `plan` (by default the plan the portal runs) in the plan's order;
        none before `load_plan` ran."""
        plan = plan or Plan.objects.current()
        return self.filter(plan=plan).order_by("order", "code") if plan else self.none()


class Indicator(CommuneOwned):
    """One of the plan's specific objectives (section II.2): a percent of workers."""

    commune_from = "plan"

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("short name"), max_length=100)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[text_validator(LONG_TEXT_MAX_LENGTH)],
    )
    baseline = percent_field(_("baseline (%)"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), default=2023)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = commune_manager(IndicatorQuerySet)
    history = HistoricalRecords()

    # core.locking: shown when somebody else saved the indicator while the form was open.
    conflict_message = _(
        "Somebody else changed this indicator while you were editing it. Nothing was saved: "
        "reload the page and enter your changes again."
    )

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["commune", "plan", "code"], name="unique_indicator_code_per_plan")
        ]

    def __str__(self):
        return f"{self.code}) {self.name}"

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.code])


class Target(CommuneOwned):
    """A phase target: the percent to reach by the end of a year (2025, 2030)."""

    commune_from = "indicator"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = percent_field(_("target (%)"))

    objects = commune_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["commune", "indicator", "year"], name="unique_target_per_year")]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}%"


class Milestone(CommuneOwned):
    """A yearly milestone set by the official; years without one are interpolated."""

    commune_from = "indicator"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = percent_field(_("milestone (%)"))

    objects = commune_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["commune", "indicator", "year"], name="unique_milestone_per_year")
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}%"


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half", _("First six months")
    ANNUAL = "annual", _("Whole year")


class PeriodState(models.TextChoices):
    PENDING = "pending", _("Not opened")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# Why a period's reports, or the period itself, may not be changed.
PERIOD_NOT_OPEN = Refusal(
    "period_not_open", _("The reporting period %(period)s is not open: reports cannot be changed.")
)
IMPORT_PERIOD_NOT_OPEN = Refusal(
    "period_not_open",
    _("Reports can only be imported into an open period; %(period)s is “%(state)s”."),
)
# DOMAIN.md: a deadline is never before the period's end (the reports are of the whole period).
DEADLINE_BEFORE_END = Refusal(
    "deadline_before_end",
    _("The submission deadline cannot be before the period ends (%(end)s): choose %(end)s or a later date."),
)


class ReportingPeriodQuerySet(CommuneOwnedQuerySet):
    def open(self):
        return self.filter(state=PeriodState.OPEN)


class ReportingPeriod(CommuneOwned):
    code = models.CharField(_("code"), max_length=10)  # "2025-H1" or "2025", once per commune
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    deadline = models.DateField(_("submission deadline"))
    state = models.CharField(_("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.PENDING)

    objects = commune_manager(ReportingPeriodQuerySet)
    history = HistoricalRecords()

    class Meta:
        ordering = ["end", "kind"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "code"],
                name="unique_period_code_per_commune",
                violation_error_message=_("The commune already has a reporting period with this code."),
            )
        ]

    def __str__(self):
        if self.kind == PeriodKind.HALF_YEAR:
            return _("First six months of %(year)s") % {"year": self.year}
        return _("Year %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("indicators:period_detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN

    def deadline_passed(self, today: datetime.date) -> bool:
        """Whether the deadline day is over on `today`, a date in the commune's time zone
        (`timezone.localdate()`): a first submission from then on is late."""
        return today > self.deadline

    def days_left(self, today: datetime.date) -> int:
        """Days from `today` to the deadline: 0 on the deadline day, negative once it has passed."""
        return (self.deadline - today).days

    def is_late(self, moment: datetime.datetime) -> bool:
        """Whether a first submission at `moment` is late: the deadline had passed on its local date."""
        return self.submitted_late(timezone.localdate(moment))

    def submitted_late(self, first_submitted_on: datetime.date | None) -> bool:
        """Whether a report first submitted on that local date (None: never) is late against
        the period's current deadline. `SUBMITTED_LATE` says the same in SQL."""
        return first_submitted_on is not None and self.deadline_passed(first_submitted_on)

    def change_refusal(self) -> ValidationError | None:
        """Why no report of this period may be written now; None while the period is open."""
        if not self.is_open:
            return PERIOD_NOT_OPEN(period=str(self).lower())
        return None

    def import_refusal(self) -> ValidationError | None:
        """Why no reports may be imported into this period now; None while it is open."""
        if not self.is_open:
            return IMPORT_PERIOD_NOT_OPEN(period=str(self).lower(), state=self.get_state_display())
        return None

    def clean(self):
        # Every write path (the deadline form and service, the admin) meets the rule here.
        if self.deadline is not None and self.end is not None and (refusal := self.deadline_refusal(self.deadline)):
            raise ValidationError({"deadline": refusal})

    def counted_enterprises(self) -> Q:
        """A filter on enterprises (`Enterprise.objects.filter(...)`, or a `Count`'s filter):
        those that count in this period (indicators.progress, rule 1). An enterprise counts
        when it has a report for the period, or when the commune followed it during the
        period: followed from the period's end at the latest, and not stopped on or before
        its start. The one place this is decided. Only the period's own commune's
        enterprises count in it: every commune has a period of each code and dates."""
        reported = Q(Exists(EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period=self)))
        return Q(commune_id=self.commune_id) & (followed_during(self.start, self.end) | reported)

    def followed_during(self, followed_from: datetime.date | None, stopped_from: datetime.date | None) -> bool:
        """Whether an enterprise with these follow dates was followed during the period, as
        `counted_enterprises` decides it in SQL (without the report that counts it too)."""
        return (
            followed_from is not None
            and followed_from <= self.end
            and (stopped_from is None or stopped_from > self.start)
        )

    def deadline_refusal(self, deadline: datetime.date) -> ValidationError | None:
        """Why `deadline` may not be this period's deadline; None when it may: it may not
        come before the period's end, or every enterprise would be late before it could report."""
        if deadline < self.end:
            return DEADLINE_BEFORE_END(end=self.end.strftime("%d/%m/%Y"))
        return None


def followed_during(start: datetime.date, end: datetime.date) -> Q:
    """A filter on enterprises: those the commune followed during a period from `start` to
    `end` (followed from its end at the latest, not stopped on or before its start), the part
    of `ReportingPeriod.counted_enterprises` that does not depend on reports."""
    return Q(followed_from__lte=end) & (Q(stopped_from=None) | Q(stopped_from__gt=start))


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# Statuses the enterprise may still change: a submitted report waits for review, an approved one is locked.
ENTERPRISE_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Figures the enterprise stood behind: the base of the soft checks and of "the previous report".
STANDING = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# On report rows, in SQL, what `EnterpriseReport.is_late` says of one report: first submitted
# after its period's current deadline (NULL, never submitted, is not late).
SUBMITTED_LATE = Q(first_submitted_on__gt=F("period__deadline"))


class Outstanding(models.TextChoices):
    """Three different sets of enterprises that still owe the commune something for a period.

    Each has its own name, in the code and on screen; none of them is "missing". The value
    is the filter's key in URLs, the label its words.
    """

    UNREPORTED = "unreported", _("Not reported")  # no report at all
    UNSUBMITTED = "unsubmitted", _("Not submitted")  # no report, a draft or a returned one
    UNAPPROVED = "unapproved", _("Not approved")  # anything but an approved report

    @property
    def cleared_by(self) -> frozenset[str]:
        """The statuses of a report that take its enterprise out of the set."""
        return _CLEARED_BY[self]

    def holds_for(self, status: str | None) -> bool:
        """Whether an enterprise whose report has `status` (None: it has none) is in the set."""
        return status not in self.cleared_by

    def of(self, period) -> Exists:
        """A filter on enterprises (`Enterprise.objects.filter(...)`, or a `Count`'s filter):
        those in the set for `period`, a period or its pk."""
        reports = EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period=period)
        if self is not Outstanding.UNREPORTED:
            reports = reports.filter(status__in=sorted(self.cleared_by))
        return ~Exists(reports)


# Computed once: the dashboard asks `holds_for` of every enterprise's row several times a request.
_CLEARED_BY = {
    Outstanding.UNREPORTED: frozenset(ReportStatus.values),
    Outstanding.UNSUBMITTED: frozenset(STANDING),
    Outstanding.UNAPPROVED: frozenset({ReportStatus.APPROVED}),
}


# Why a report may not be changed, reviewed or reopened.
REPORT_LOCKED = Refusal(
    "locked", _("This report has been approved and is locked. Ask the commune official to reopen it.")
)
WAITING_FOR_REVIEW = Refusal(
    "waiting_for_review",
    _("This report has been submitted and is waiting for the commune's review; it cannot be changed now."),
)
APPROVE_NOT_SUBMITTED = Refusal(
    "not_submitted", _("Only a submitted report can be approved (this one is “%(status)s”).")
)
RETURN_NOT_SUBMITTED = Refusal(
    "not_submitted", _("Only a submitted report can be returned (this one is “%(status)s”).")
)
# A report goes back to the enterprise only with the reason, so that it knows what to correct.
REASON_REQUIRED = Refusal("required", _("Give the reason, so that the enterprise knows what to correct."))
REOPEN_NOT_APPROVED = Refusal("not_approved", _("Only an approved report can be reopened (this one is “%(status)s”)."))


class EnterpriseReportQuerySet(CommuneOwnedQuerySet):
    def waiting_for_review(self):
        """Submitted reports, in the review queue's order: by enterprise name, then id."""
        return self.filter(status=ReportStatus.SUBMITTED).order_by("enterprise__name", "enterprise_id")

    def next_waiting_after(self, report: EnterpriseReport) -> EnterpriseReport | None:
        """The report the commune should look at after `report` (báo cáo tiếp theo cần xem):
        the first of its period waiting for review after it in the queue's order, else,
        starting again from the top, the first waiting before it; None when none waits."""
        waiting = (
            self.filter(period_id=report.period_id)
            .exclude(pk=report.pk)
            .waiting_for_review()
            .select_related("enterprise", "period")
        )
        name = report.enterprise.name
        after = Q(enterprise__name__gt=name) | Q(enterprise__name=name, enterprise_id__gt=report.enterprise_id)
        return waiting.filter(after).first() or waiting.first()


class EnterpriseReport(CommuneOwned):
    """An enterprise's figures for one period: total workers and, per indicator,
    how many of them have met it so far (cumulative, each worker counted once)."""

    commune_from = "enterprise"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("enterprise"),
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    total_workers = models.PositiveIntegerField(
        _("total workers"), null=True, blank=True, validators=[workers_validator()]
    )
    female_workers = models.PositiveIntegerField(
        _("female workers"), null=True, blank=True, validators=[workers_validator()]
    )
    notes = models.TextField(
        _("notes"), blank=True, max_length=NOTE_MAX_LENGTH, validators=[text_validator(NOTE_MAX_LENGTH)]
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    # The commune's date of the first submission (or entry by the commune): what lateness is
    # measured by, against the period's current deadline (`is_late`, `SUBMITTED_LATE`).
    first_submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    entered_by_official = models.BooleanField(_("entered by the commune"), default=False)
    return_reason = models.TextField(
        _("reason for return"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[text_validator(NOTE_MAX_LENGTH)],
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = commune_manager(EnterpriseReportQuerySet)
    history = HistoricalRecords()

    # core.locking: shown when somebody else saved the report while the form was open.
    conflict_message = _(
        "Somebody else changed this report while you were editing it. Nothing was saved: "
        "reload the page to see their version, then enter your changes again."
    )

    class Meta:
        ordering = ["period", "enterprise__name"]
        verbose_name = _("enterprise report")
        verbose_name_plural = _("enterprise reports")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "enterprise", "period"], name="unique_report_per_enterprise_period"
            )
        ]
        indexes = [
            models.Index(fields=["period", "status"]),
            # The late ones of a period: first submitted after its deadline (progress.late).
            models.Index(fields=["period", "first_submitted_on"], name="report_by_first_submission"),
        ]

    def __str__(self):
        return f"{self.enterprise} – {self.period}"

    def get_absolute_url(self):
        return reverse("indicators:report_detail", args=[self.period.code, self.enterprise_id])

    def clean(self):
        # The figures' bound for every write path (the form and the import say it first,
        # with their own words; the admin and any future service meet it here).
        total, female = self.total_workers, self.female_workers
        if total is not None and female is not None and female > total:
            raise ValidationError(
                {
                    "female_workers": ValidationError(
                        _("Female workers (%(female)s) cannot be more than total workers (%(total)s)."),
                        code="female_above_total",
                        params={"female": female, "total": total},
                    )
                }
            )

    @property
    def is_locked(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_late(self) -> bool:
        """Whether the report came late (nộp muộn): its first submission after the period's
        current deadline. Moving the deadline re-decides it; a resubmission after a return
        does not, as the return was the commune's doing. Reads `period`: select it with the report."""
        return self.period.submitted_late(self.first_submitted_on)

    # The workflow's rules. Each answers why the action is refused, or None when it is
    # allowed; the `can_…` and `…_by_…` forms answer yes or no. A report not saved yet is
    # a draft: `EnterpriseReport(enterprise=…, period=…)` stands for one not begun.

    def enterprise_edit_refusal(self) -> ValidationError | None:
        """Why the enterprise may not save or submit this report now."""
        if refusal := self.period.change_refusal():
            return refusal
        if self.status in ENTERPRISE_EDITABLE:
            return None
        return REPORT_LOCKED() if self.status == ReportStatus.APPROVED else WAITING_FOR_REVIEW()

    def editable_by_enterprise(self) -> bool:
        return self.enterprise_edit_refusal() is None

    def entry_refusal(self) -> ValidationError | None:
        """Why the commune may not enter figures on the enterprise's behalf now: an approved
        report must be reopened first, so that changing approved figures leaves a reason."""
        if refusal := self.period.change_refusal():
            return refusal
        return REPORT_LOCKED() if self.status == ReportStatus.APPROVED else None

    def can_be_entered(self) -> bool:
        return self.entry_refusal() is None

    def approval_refusal(self) -> ValidationError | None:
        """Why the commune may not approve the report: only a submitted one can be (in a
        closed period too, so that the last reports can still be accepted)."""
        if self.status != ReportStatus.SUBMITTED:
            return APPROVE_NOT_SUBMITTED(status=self.get_status_display())
        return None

    def can_be_approved(self) -> bool:
        return self.approval_refusal() is None

    def return_refusal(self) -> ValidationError | None:
        """Why the commune may not send the report back: only a submitted one of an open period."""
        if refusal := self.period.change_refusal():
            return refusal
        if self.status != ReportStatus.SUBMITTED:
            return RETURN_NOT_SUBMITTED(status=self.get_status_display())
        return None

    def can_be_returned(self) -> bool:
        return self.return_refusal() is None

    def reopen_refusal(self) -> ValidationError | None:
        """Why the commune may not unlock the report: only an approved one of an open period."""
        if refusal := self.period.change_refusal():
            return refusal
        if self.status != ReportStatus.APPROVED:
            return REOPEN_NOT_APPROVED(status=self.get_status_display())
        return None

    def can_be_reopened(self) -> bool:
        return self.reopen_refusal() is None


class ReportValue(CommuneOwned):
    commune_from = "report"
    report = models.ForeignKey(
        EnterpriseReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="report_values", verbose_name=_("indicator")
    )
    count = models.PositiveIntegerField(_("workers who met it"), validators=[workers_validator()])

    objects = commune_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__order"]
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [
            models.UniqueConstraint(fields=["commune", "report", "indicator"], name="unique_value_per_indicator")
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.count}"

    def clean(self):
        # Each count at most the report's workforce, whoever writes it (see EnterpriseReport.clean).
        total = self.report.total_workers if self.report_id is not None else None
        if total is not None and self.count is not None and self.indicator_id is not None and self.count > total:
            raise ValidationError(
                {
                    "count": ValidationError(
                        _("Workers who met “%(name)s” (%(count)s) cannot be more than total workers (%(total)s)."),
                        code="count_above_total",
                        params={"name": self.indicator.name, "count": self.count, "total": total},
                    )
                }
            )


class ReportAction(models.TextChoices):
    CREATE = "create", _("Created")
    SAVE = "save", _("Saved as draft")
    SUBMIT = "submit", pgettext_lazy("report action", "Submitted")
    APPROVE = "approve", pgettext_lazy("report action", "Approved")
    RETURN = "return", pgettext_lazy("report action", "Returned")
    REOPEN = "reopen", _("Reopened")
    ENTER = "enter", _("Entered by the commune")
    IMPORT = "import", _("Imported from Excel")


class ReportEvent(CommuneOwned):
    """The workflow log: who moved a report where, when and why."""

    commune_from = "report"

    report = models.ForeignKey(
        EnterpriseReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    action = models.CharField(_("action"), max_length=10, choices=ReportAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(
        _("reason"), blank=True, max_length=NOTE_MAX_LENGTH, validators=[text_validator(NOTE_MAX_LENGTH)]
    )

    objects = commune_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Deadline approaching")
    OVERDUE = "overdue", _("Deadline passed")
    DIGEST = "digest", _("Digest for the commune")


class SentReminder(CommuneOwned):
    """A reminder e-mail that `send_reminders` has sent, so that a second run sends nothing new.

    An officer gets at most one reminder of each kind per period; an official at most
    one digest a day, and only when its content changed since the last one (fingerprint).
    The unique constraints also keep two overlapping runs of the command from both sending.
    """

    commune_from = "period"

    kind = models.CharField(pgettext_lazy("reminder", "kind"), max_length=10, choices=ReminderKind.choices)
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sent_reminders",
        verbose_name=_("period"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    email = models.EmailField(_("e-mail address"))
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)

    objects = commune_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "period", "enterprise", "recipient"],
                condition=models.Q(kind__in=["due_soon", "overdue"]),
                name="one_officer_reminder_per_kind_and_period",
            ),
            models.UniqueConstraint(
                fields=["commune", "recipient", "sent_on"],
                condition=models.Q(kind="digest"),
                name="one_digest_per_recipient_and_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.email} ({self.sent_on:%d/%m/%Y})"


class FiguresRevision(CommuneOwned):
    """A period's revision tokens: replaced whenever anything the period's figures are
    computed from changes, so that figures cached under an old token are never read
    again (indicators.figures_cache). One row per period, kept by signals.

    `token` changes with any report of the period; `approved_token` only when what the
    commune's figures count changes (an approved report, enterprises, targets), not
    while officers save and submit."""

    commune_from = "period"

    backup_excluded = True  # core.backup: made anew for every period after a restore

    period = models.OneToOneField(
        ReportingPeriod,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="figures_revision",
        verbose_name=_("period"),
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4)
    approved_token = models.UUIDField(_("token of the approved figures"), default=uuid.uuid4)

    objects = commune_manager()

    class Meta:
        verbose_name = _("figures revision")
        verbose_name_plural = _("figures revisions")

    def __str__(self):
        return f"{self.period_id}: {self.token}"


class WorkerOutcome(CommuneOwned):
    """A worker on an enterprise's roster has met one indicator (cumulative: once met, counted
    once). It lives here, beside the indicators it points at, not with the worker: the
    enterprises layer knows nothing of indicators."""

    commune_from = "worker"

    worker = models.ForeignKey(
        "enterprises.Worker", on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("worker")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="worker_outcomes",
        verbose_name=_("indicator"),
    )
    achieved_on = models.DateField(_("achieved on"))

    objects = commune_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__order"]
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")
        constraints = [
            models.UniqueConstraint(fields=["commune", "worker", "indicator"], name="unique_outcome_per_worker")
        ]

    def __str__(self):
        return f"{self.worker} – {self.indicator}"


class RosterAccessKind(models.TextChoices):
    LIST = "list", _("Opened the roster")
    SEARCH = "search", _("Searched the roster")
    WORKER = "worker", _("Opened a worker's page")
    TEMPLATE = "template", _("Downloaded the roster template")
    IMPORT_PREVIEW = "import_preview", _("Previewed a roster import")


class RosterAccess(CommuneOwned):
    """Someone opened a named worker roster, or something made from one (Decree 13/2023/NĐ-CP:
    processing of personal data is recorded). Written by the roster views, read by the
    official; it names the worker looked at, never what was searched for, so that the
    record holds no personal data of its own beyond the reader's account."""

    commune_from = "enterprise"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_accesses", verbose_name=_("user")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="roster_accesses", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("what"), max_length=20, choices=RosterAccessKind.choices)
    worker = models.ForeignKey(
        "enterprises.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("worker"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = commune_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("roster access")
        verbose_name_plural = _("roster accesses")
        indexes = [
            models.Index(fields=["enterprise", "-at"], name="roster_access_by_enterprise"),
            models.Index(fields=["user", "-at"], name="roster_access_by_user"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.enterprise_id}"


class PeriodTotals(CommuneOwned):
    """A period's totals, maintained by the services that change their inputs, in the same
    transaction (indicators.totals): the inputs of the commune's figures (Σ workers and Σ
    female workers over approved reports) and of its report counts (reports by status, the
    late ones, the enterprises that count in the period and those of them with no report).
    The sums met per indicator are PeriodIndicatorTotal rows.

    Signed fields: a drifted total (rows changed by hand) must not make a user's write fail;
    `manage.py rebuild_totals --check` finds it."""

    commune_from = "period"

    backup_excluded = True  # core.backup: rebuilt from the reports after a restore

    period = models.OneToOneField(
        ReportingPeriod, on_delete=models.CASCADE, primary_key=True, related_name="totals", verbose_name=_("period")
    )
    draft = models.BigIntegerField(default=0)
    submitted = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(default=0)
    returned = models.BigIntegerField(default=0)
    late = models.BigIntegerField(default=0)
    workers = models.BigIntegerField(default=0)  # Σ total workers over approved reports
    female = models.BigIntegerField(default=0)  # Σ female workers over approved reports
    active = models.BigIntegerField(default=0)  # enterprises that count in the period (rule 1)
    unreported = models.BigIntegerField(default=0)  # of those, the ones with no report at all
    # The lower bound's inputs: of the enterprises that count without an approved report, the
    # sum of their latest approved headcounts before the period, and how many have none.
    headcount = models.BigIntegerField(default=0)
    unknown = models.BigIntegerField(default=0)

    objects = commune_manager()

    class Meta:
        verbose_name = _("period totals")
        verbose_name_plural = _("period totals")

    def __str__(self):
        return f"{self.period_id}: {self.approved}/{self.active}"


class PeriodIndicatorTotal(CommuneOwned):
    """Σ workers who met one indicator over a period's approved reports (indicators.totals)."""

    commune_from = "period"

    backup_excluded = True

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="indicator_totals", verbose_name=_("period")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="period_totals", verbose_name=_("indicator")
    )
    met = models.BigIntegerField(default=0)

    objects = commune_manager()

    class Meta:
        verbose_name = _("indicator total")
        verbose_name_plural = _("indicator totals")
        constraints = [
            models.UniqueConstraint(fields=["commune", "period", "indicator"], name="unique_indicator_total_per_period")
        ]

    def __str__(self):
        return f"{self.period_id} {self.indicator_id}: {self.met}"


class ReportStanding(CommuneOwned):
    """Where one report with figures shown (submitted or approved, with workers) stands
    against its period's yardsticks, maintained in the transaction of every write that
    changes it (indicators.standing): how many indicators are under their bar and its
    deepest shortfall under the milestones. The dashboard's "furthest behind" is then an
    indexed `ORDER BY … LIMIT`, whatever the number of enterprises (issue 18)."""

    commune_from = "report"

    backup_excluded = True  # core.backup: rebuilt from the reports after a restore

    report = models.OneToOneField(
        EnterpriseReport, on_delete=models.CASCADE, primary_key=True, related_name="standing", verbose_name=_("report")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="standings", verbose_name=_("period")
    )
    behind = models.PositiveSmallIntegerField(default=0)  # indicators under their bar
    # min(rate − milestone) over the indicators with a rate and a milestone, in points; 0
    # without any (as the ranking has always taken it).
    shortfall = models.DecimalField(max_digits=14, decimal_places=8, default=0)

    objects = commune_manager()

    class Meta:
        verbose_name = _("report standing")
        verbose_name_plural = _("report standings")
        indexes = [models.Index(fields=["period", "-behind", "shortfall"], name="standing_furthest_behind")]

    def __str__(self):
        return f"{self.report_id}: {self.behind} behind, {self.shortfall}"
