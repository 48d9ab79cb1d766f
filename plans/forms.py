"""Forms of the plan pages. Every message is Vietnamese through gettext; entered
values come back on error because the views re-render the bound form."""

from __future__ import annotations

import copy
import datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from core.bounds import (
    NOT_WHOLE_WORKERS,
    PlainIntegerField,
    RecordChoiceField,
    RecordChoiceFilter,
    RecordIdField,
    RecordMultipleChoiceField,
)
from core.dates import DayField
from enterprises.models import Enterprise

from .models import Activity, AnnualPlan, Plan, Task, TaskStatus, Unit
from .uploads import ACCEPT_ATTRIBUTE, MAX_FILES_PER_UPLOAD, check_evidence_files


class TaskChoiceField(RecordChoiceField):
    def label_from_instance(self, task):
        return f"{task.code}. {task.short_text}"


class TaskMultipleChoiceField(RecordMultipleChoiceField):
    def label_from_instance(self, task):
        return f"{task.code}. {task.short_text}"


class TaskChoiceFilter(RecordChoiceFilter):
    field_class = TaskChoiceField


def plan_tasks(plan):
    return Task.objects.filter(group__plan=plan).select_related("group")


class StyledFilterSet(django_filters.FilterSet):
    """Filters drawn as small Bootstrap selects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class TaskFilter(StyledFilterSet):
    """The plan page's filters: ?status=…&unit=… (a unit leads or coordinates the task)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices, empty_label=_("All statuses"))
    unit = RecordChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.all(),
        method="filter_unit",
        empty_label=_("All units"),
    )

    class Meta:
        model = Task
        fields = ["status", "unit"]

    def filter_unit(self, queryset, name, unit):
        coordinated = Task.coordinating_units.through.objects.filter(unit=unit).values("task_id")
        return queryset.filter(Q(lead_unit=unit) | Q(pk__in=coordinated))


class ActivityFilter(StyledFilterSet):
    """The activity list's filters; the choices follow what the user may see."""

    task = TaskChoiceFilter(label=_("Task"), queryset=Task.objects.none(), empty_label=_("All tasks"))
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="date__year",
        empty_label=_("All years"),
        choices=[],
    )
    enterprise = RecordChoiceFilter(
        label=_("Enterprise"),
        field_name="enterprises",
        queryset=Enterprise.objects.none(),
        empty_label=_("All enterprises"),
    )

    class Meta:
        model = Activity
        fields = ["task", "year", "enterprise"]

    def __init__(self, *args, user, plan, **kwargs):
        # The querysets must be set before the base class builds the form.
        self.base_filters = copy.deepcopy(self.base_filters)
        self.base_filters["task"].queryset = plan_tasks(plan)
        self.base_filters["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.base_filters["year"].extra["choices"] = [(year, str(year)) for year in plan_years(plan)]
        super().__init__(*args, **kwargs)


class TaskForm(forms.ModelForm):
    """The official's edit of a task. `version` is the task's version when the form was
    opened: if it moved on meanwhile, the save is refused (optimistic locking)."""

    version = RecordIdField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Task
        fields = ["status", "lead_unit", "coordinating_units", "progress_notes"]
        field_classes = {"lead_unit": RecordChoiceField, "coordinating_units": RecordMultipleChoiceField}
        widgets = {
            "coordinating_units": forms.CheckboxSelectMultiple,
            "progress_notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "progress_notes": _("What has been done so far, what is planned next, difficulties."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_unit")
        if lead and lead in (cleaned.get("coordinating_units") or []):
            self.add_error(
                "coordinating_units",
                forms.ValidationError(
                    _("“%(unit)s” already leads the task; do not list it as coordinating too."),
                    code="lead_also_coordinating",
                    params={"unit": lead},
                ),
            )
        return cleaned


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the form's clean_files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned


class ActivityForm(forms.ModelForm):
    """What was done under a task, with its evidence.

    An officer records for their own enterprise: the owner is set by the view, and only
    their enterprise is offered as involved. The official may record for the commune (no
    owner) or on an enterprise's behalf, and involve any active enterprise.
    """

    files = MultipleFileField(label=_("Evidence files"), required=False)

    class Meta:
        model = Activity
        fields = [
            "task",
            "date",
            "title",
            "place",
            "organiser",
            "owner_enterprise",
            "enterprises",
            "workers_reached",
            "description",
        ]
        field_classes = {
            "task": TaskChoiceField,
            "owner_enterprise": RecordChoiceField,
            "enterprises": RecordMultipleChoiceField,
            "workers_reached": PlainIntegerField,
            "date": DayField,
        }
        widgets = {
            "enterprises": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            # Text, not type=number: a browser would read "1.500" its own way (1.5 in English).
            "workers_reached": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        labels = {"title": _("Activity title")}
        help_texts = {
            "owner_enterprise": _(
                "Leave empty for an activity of the commune; choose an enterprise to record it "
                "on its behalf (its union officer may then edit it)."
            ),
            "workers_reached": _("Number of workers (CNLĐ) who took part or were reached."),
        }
        error_messages = {
            "task": {"required": _("Choose the task this activity belongs to.")},
            "date": {
                "required": _("Enter the date of the activity."),
                "invalid": _("Enter a valid date (dd/mm/yyyy)."),
            },
            "title": {"required": _("Enter the title of the activity.")},
            "workers_reached": {"invalid": _("Enter a whole number of workers."), "not_whole": NOT_WHOLE_WORKERS},
        }

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["task"].queryset = plan_tasks(plan)
        self.fields["workers_reached"].required = False
        self.fields["files"].help_text = _(
            "Photos (JPEG, PNG, WebP) or PDF documents, up to %(count)s files at a time, each at most %(size)s."
        ) % {"count": MAX_FILES_PER_UPLOAD, "size": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        editable = Enterprise.objects.editable_by(user)
        if access.is_official(user):
            # Inactive enterprises stay selectable only where they are already linked.
            linked = self.instance.enterprises.all() if self.instance.pk else Enterprise.objects.none()
            self.fields["enterprises"].queryset = Enterprise.objects.filter(
                Q(is_active=True) | Q(pk__in=linked.values("pk"))
            )
            self.fields["owner_enterprise"].queryset = Enterprise.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.owner_enterprise_id)
            )
            self.fields["owner_enterprise"].empty_label = _("— The commune (no enterprise) —")
        else:
            del self.fields["owner_enterprise"]
            self.fields["enterprises"].queryset = editable
            if not self.instance.pk and not self.is_bound:
                self.initial["enterprises"] = list(editable.values_list("pk", flat=True))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date.year not in plan_years(self.plan):
            raise forms.ValidationError(
                _("The date must fall between %(start)s and %(end)s, the years of the plan."),
                code="out_of_range",
                params={"start": f"01/01/{plan_years(self.plan)[0]}", "end": f"31/12/{self.plan.end_year}"},
            )
        return date

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Enter the title of the activity."), code="required")
        return title

    def clean_workers_reached(self):
        value = self.cleaned_data.get("workers_reached")
        return 0 if value is None else value

    def clean_files(self):
        return check_evidence_files(self.cleaned_data.get("files") or [])


class AnnualPlanForm(forms.ModelForm):
    """The official's plan for one year: the tasks scheduled and notes."""

    class Meta:
        model = AnnualPlan
        fields = ["tasks", "notes"]
        field_classes = {"tasks": TaskMultipleChoiceField}
        widgets = {
            "tasks": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "tasks": _("The tasks the commune schedules for this year."),
            "notes": _("Priorities, dates, who is responsible, budget…"),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = plan_tasks(plan)


def plan_years(plan: Plan) -> range:
    """The years work under the plan can be dated: from the year it was issued (activities
    may start at once) to its last year."""
    return range(min(plan.issued_year, plan.start_year), plan.end_year + 1)


def default_activity_date(plan: Plan) -> datetime.date | None:
    """Today, when today is within the plan's years (the usual case); else empty."""
    today = timezone.localdate()
    return today if today.year in plan_years(plan) else None
