from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import access
from communes.scoping import CommuneOwned, CommuneOwnedQuerySet, commune_in_scope, commune_manager
from core.bounds import LONG_TEXT_MAX_LENGTH, text_validator, workers_validator


class PlanQuerySet(CommuneOwnedQuerySet):
    def current(self):
        """The plan the portal runs: the newest one marked current of the commune in scope,
        else of the commune the installation serves (each commune has its own plan)."""
        plans = self.filter(is_current=True)
        commune = commune_in_scope()
        if commune is not None:
            return plans.filter(commune=commune).order_by("-issued_year", "-pk").first()
        # Outside a scope, in the same query: the first commune that exists and has a plan,
        # which is the served one (`CommuneQuerySet.served`: the first row) unless that was
        # merged; requests and commands name their commune by scope.
        return plans.filter(commune__merged_into=None).order_by("commune_id", "-issued_year", "-pk").first()


class Plan(CommuneOwned):
    code = models.SlugField(_("code"), max_length=100)
    number = models.CharField(_("number and symbol"), max_length=100, blank=True)
    title = models.TextField(_("title"))
    issuer = models.CharField(_("issuing body"), max_length=255)
    place_date = models.CharField(_("place and date"), max_length=255, blank=True)
    issued_year = models.PositiveSmallIntegerField(_("year issued"))
    issued_month = models.PositiveSmallIntegerField(_("month issued"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    legal_bases = models.JSONField(_("legal bases"), default=list, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    general_objective = models.TextField(_("general objective"), blank=True)
    funding = models.TextField(_("funding"), blank=True)
    organisation = models.JSONField(_("organisation"), default=list, blank=True)
    closing = models.TextField(_("closing paragraph"), blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=255, blank=True)
    is_current = models.BooleanField(_("current plan"), default=True)

    objects = commune_manager(PlanQuerySet)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "code"],
                name="unique_plan_code_per_commune",
                violation_error_message=_("The commune already has a plan with this code."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:plan_detail")


class Unit(models.Model):
    """A body that leads or coordinates tasks (Công chức Văn hóa, Công đoàn cơ sở…)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class TaskGroup(CommuneOwned):
    commune_from = "plan"
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("title"))

    objects = commune_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        constraints = [
            models.UniqueConstraint(fields=["commune", "plan", "number"], name="unique_group_number_per_plan")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ONGOING = "ongoing", _("Ongoing (regular)")
    DONE = "done", _("Completed")


# The links of the many-to-many fields of tasks, activities and annual plans, made explicit so that each carries its
# commune like every other commune-owned row (issue 17: one column scopes and shards them).
# They keep the names, tables and columns Django gave the links it made before, and so their
# change history (simple_history names its link history after them). `add()` and `set()` fill
# the commune from the row they start from (CommuneOwnedQuerySet.bulk_create).


class Task_coordinating_units(CommuneOwned):
    commune_from = "task"

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE)
    unit = models.ForeignKey("plans.Unit", on_delete=models.CASCADE)

    objects = commune_manager()

    class Meta:
        db_table = "plans_task_coordinating_units"
        constraints = [
            models.UniqueConstraint(fields=["commune", "task", "unit"], name="unique_coordinating_unit_per_task")
        ]


class Task(CommuneOwned):
    commune_from = "group"
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("task group"))
    letter = models.CharField(_("letter"), max_length=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        null=True,
        blank=True,
        verbose_name=_("lead unit"),
    )
    coordinating_units = models.ManyToManyField(
        Unit,
        through=Task_coordinating_units,
        related_name="coordinated_tasks",
        blank=True,
        verbose_name=_("coordinating units"),
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress_notes = models.TextField(
        _("progress notes"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[text_validator(LONG_TEXT_MAX_LENGTH)],
    )
    # Optimistic locking (core.locking): an edit carries the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = commune_manager()
    history = HistoricalRecords(m2m_fields=[coordinating_units])

    # core.locking: shown when somebody else saved the task while the form was open.
    conflict_message = _(
        "Somebody else changed this task while you were editing it. Nothing was saved: compare "
        "with the current values below; your entries are kept, save again to replace the "
        "current values with them."
    )

    class Meta:
        ordering = ["group__number", "order"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["commune", "group", "letter"], name="unique_task_letter_per_group")
        ]

    def __str__(self):
        return f"{self.code} {self.short_text}"

    def get_absolute_url(self):
        return reverse("plans:task_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """How the plan cites the task: 'III.4.đ' reads as '4đ'."""
        return f"{self.group.number}{self.letter}"

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 90 else self.text[:88].rstrip() + "…"


class TaskState(NamedTuple):
    """A task's status and progress notes at some moment."""

    status: str
    progress_notes: str


def task_states_at_end_of(tasks: Iterable[Task], day: datetime.date) -> dict[int, TaskState]:
    """Each task's status and progress notes as its change history (django-simple-history)
    held them at the end of `day` (midnight after it, in the commune's time zone), so that a
    report of 2024 never shows what was written in 2025. A task whose history starts later
    (loaded or recorded after that day) is left out: nothing is known of it then. One query."""
    moment = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    states: dict[int, TaskState] = {}
    for record in (
        Task.history.filter(id__in=[task.pk for task in tasks], history_date__lt=moment)
        .order_by("id", "-history_date", "-history_id")
        .values("id", "status", "progress_notes")
    ):
        states.setdefault(record["id"], TaskState(record["status"], record["progress_notes"]))
    return states


class ActivityQuerySet(CommuneOwnedQuerySet):
    def visible_to(self, user):
        """The activities this user may see: every commune activity (public plan work, no
        owner enterprise), and those recorded for an enterprise the user sees."""
        return access.scoped(self, user, via="owner_enterprise", shared_when_null=True)


# Activity.enterprises' link (see Task_coordinating_units).
class Activity_enterprises(CommuneOwned):
    commune_from = "activity"

    activity = models.ForeignKey("plans.Activity", on_delete=models.CASCADE)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE)

    objects = commune_manager()

    class Meta:
        db_table = "plans_activity_enterprises"
        constraints = [
            models.UniqueConstraint(fields=["commune", "activity", "enterprise"], name="unique_enterprise_per_activity")
        ]


class Activity(CommuneOwned):
    """Something actually done under a task."""

    commune_from = "task"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="activities", verbose_name=_("task"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)
    place = models.CharField(_("place"), max_length=255, blank=True)
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        through=Activity_enterprises,
        related_name="activities",
        blank=True,
        verbose_name=_("enterprises involved"),
    )
    # Set when a union officer records it: the activity then belongs to their enterprise.
    owner_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="owned_activities",
        null=True,
        blank=True,
        verbose_name=_("recorded for enterprise"),
    )
    workers_reached = models.PositiveIntegerField(_("workers reached"), default=0, validators=[workers_validator()])
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=[text_validator(LONG_TEXT_MAX_LENGTH)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = commune_manager(ActivityQuerySet)
    history = HistoricalRecords(m2m_fields=[enterprises])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:activity_detail", args=[self.pk])


class Evidence(CommuneOwned):
    """A photo or PDF proving an activity; served only through an access-checked view."""

    commune_from = "activity"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = commune_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# AnnualPlan.tasks' link (see Task_coordinating_units).
class AnnualPlan_tasks(CommuneOwned):
    commune_from = "annualplan"

    annualplan = models.ForeignKey("plans.AnnualPlan", on_delete=models.CASCADE)
    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE)

    objects = commune_manager()

    class Meta:
        db_table = "plans_annualplan_tasks"
        constraints = [
            models.UniqueConstraint(fields=["commune", "annualplan", "task"], name="unique_task_per_annual_plan")
        ]


class AnnualPlan(CommuneOwned):
    """Section V: each year the commune schedules some tasks and sets milestones."""

    commune_from = "plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="annual_plans", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    tasks = models.ManyToManyField(
        Task,
        through=AnnualPlan_tasks,
        related_name="annual_plans",
        blank=True,
        verbose_name=_("scheduled tasks"),
    )
    notes = models.TextField(
        _("notes"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=[text_validator(LONG_TEXT_MAX_LENGTH)]
    )

    objects = commune_manager()
    history = HistoricalRecords(m2m_fields=[tasks])

    class Meta:
        ordering = ["year"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [models.UniqueConstraint(fields=["commune", "plan", "year"], name="unique_annual_plan_per_year")]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("plans:annual_plan_detail", args=[self.year])

    def clean(self):
        # The plan's own years, not fixed ones: a later plan brings its own.
        if self.plan_id and self.year is not None and not self.plan.start_year <= self.year <= self.plan.end_year:
            raise ValidationError(
                {
                    "year": ValidationError(
                        _("The year must be one of the plan's years, %(start)s to %(end)s."),
                        code="out_of_range",
                        params={"start": self.plan.start_year, "end": self.plan.end_year},
                    )
                }
            )
