"""Forms of the indicators app. The rules themselves live in `indicators.rules` and on the
models (one place for the form, the import and the services); the forms turn them into
messages beside the fields."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.bounds import (
    MAX_WORKERS,
    NOT_WHOLE_WORKERS,
    NOTE_MAX_LENGTH,
    TOO_MANY_WORKERS,
    PlainDecimalField,
    PlainIntegerField,
    RecordIdField,
)
from core.dates import DayField, DayInput
from core.templatetags.portal import num
from core.uploads import ExcelFileForm
from enterprises.models import Worker

from . import rules
from .models import REASON_REQUIRED, EnterpriseReport, Indicator, ReportingPeriod
from .roster_imports import EARLIEST_OUTCOME, birth_year_bounds

NUMBER_ERRORS = {
    "invalid": _("Enter a whole number of workers, such as 0, 12 or 1.200."),
    "not_whole": NOT_WHOLE_WORKERS,
    "min_value": _("A number of workers cannot be negative."),
    "max_value": TOO_MANY_WORKERS,
    "required": _("Enter this figure before submitting."),
}
PERCENT_ERRORS = {
    "invalid": _("Enter a percent, such as 72 or 72.5."),
    "min_value": _("A percent cannot be below 0."),
    "max_value": _("A percent cannot be above 100."),
    "max_digits": _("Enter at most two decimals."),
    "max_decimal_places": _("Enter at most two decimals."),
    "max_whole_digits": _("A percent cannot be above 100."),
}


def number_input(**attrs):
    """A phone-friendly whole-number box: the numeric keypad, big enough for a thumb.

    A text input (not type=number) so that the server, not the browser, explains a
    mistake in Vietnamese and the typed value stays visible.
    """
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-control-lg", **attrs})


def workers_field(label, *, help_text="") -> forms.IntegerField:
    return PlainIntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_WORKERS,
        help_text=help_text,
        error_messages=NUMBER_ERRORS,
        widget=number_input(),
    )


class ReportForm(forms.ModelForm):
    """An enterprise's figures for one period: totals, one count per indicator, notes.

    `intent` is what the submit button asked for: "draft" (blank figures allowed),
    "submit" or "enter" (every figure required, soft checks need the confirm box).
    """

    version = RecordIdField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        label=_("I have checked the figures above and confirm they are correct."), required=False
    )

    class Meta:
        model = EnterpriseReport
        fields = ["total_workers", "female_workers", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        *args,
        indicators: list[Indicator],
        previous: EnterpriseReport | None,
        intent: str = "draft",
        roster=None,
        **kwargs,
    ):
        """`roster`: the enterprise's roster totals (indicators.roster.RosterTotals) when a new
        report was filled from it: each figure then shows the roster's beside the last report's."""
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.previous = previous
        self.roster = roster
        self.intent = intent
        self.warnings: list[str] = []
        self.field_warnings: dict[str, list[str]] = {}
        old = rules.previous_counts(previous)
        self.fields["total_workers"] = workers_field(
            _("Total workers (CNLĐ) at the end of the period"),
            help_text=self._previous_text(
                previous.total_workers if previous else None, roster.workers if roster else None
            ),
        )
        self.fields["female_workers"] = workers_field(
            _("Of whom female workers"),
            help_text=self._previous_text(
                previous.female_workers if previous else None, roster.female_workers if roster else None
            ),
        )
        for indicator in indicators:
            self.fields[rules.count_field(indicator)] = workers_field(
                f"{indicator.code}) {indicator.name}",
                help_text=self._previous_text(
                    old.get(indicator.code), roster.met_count(indicator.pk) if roster else None
                ),
            )
        self.fields["notes"].label = _("Notes")
        self.fields["notes"].required = False
        # Fields in reading order: totals, indicators, notes, confirmation.
        order = ["total_workers", "female_workers"] + [rules.count_field(i) for i in indicators]
        self.order_fields([*order, "notes", "version", "confirm"])
        if self.instance.pk:
            old_values = {value.indicator_id: value.count for value in self.instance.values.all()}
            for indicator in indicators:
                self.initial.setdefault(rules.count_field(indicator), old_values.get(indicator.pk))
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)

    def _previous_text(self, value, on_roster=None) -> str:
        """What the field said before, side by side: the roster's figure (when the report was
        filled from it) and the last report's."""
        parts = []
        if self.roster is not None:
            parts.append(_("Roster: %(value)s") % {"value": num(on_roster or 0)})
        if self.previous is not None:
            period = str(self.previous.period).lower()
            if value is None:
                parts.append(_("Previous report (%(period)s): –") % {"period": period})
            else:
                parts.append(_("Previous report (%(period)s): %(value)s") % {"period": period, "value": num(value)})
        return " · ".join(str(part) for part in parts)

    @property
    def indicator_fields(self):
        return [self[rules.count_field(indicator)] for indicator in self.indicators]

    def figures(self) -> rules.Figures:
        data = self.cleaned_data
        return rules.Figures(
            total_workers=data.get("total_workers"),
            female_workers=data.get("female_workers"),
            counts={i.code: data.get(rules.count_field(i)) for i in self.indicators},
            notes=(data.get("notes") or "").strip(),
        )

    def clean(self):
        """Every hard error at once: a rule is judged whenever the figures it reads are
        numbers, so a box of letters hides nothing else; the soft warnings are judged
        alongside, so that one submit shows everything to fix or confirm."""
        cleaned = super().clean()
        figures = self.figures()
        complete = self.intent != "draft"
        for name, errors in rules.figures_problems(figures, self.indicators, complete=complete).items():
            if name in self.errors:
                continue  # not a number (or out of bounds): its own message says so, once
            for error in errors:
                self.add_error(name, error)
        if complete:
            self.field_warnings = rules.figure_warnings_by_field(figures, self.previous, self.indicators)
            self.warnings = [warning for warnings in self.field_warnings.values() for warning in warnings]
            self._show_warnings()
            if self.warnings and not cleaned.get("confirm"):
                self.add_error("confirm", rules.NEEDS_CONFIRMATION())
        return cleaned

    def _show_warnings(self) -> None:
        """Each warning under its box, read out with it (it is part of the help text)."""
        for name, warnings in self.field_warnings.items():
            field = self.fields[name]
            # The bound field copied the help text when it was first read: set both.
            field.help_text = self[name].help_text = format_html(
                "{}{}",
                format_html_join(
                    "",
                    '<span class="d-block field-warning" data-field-warning><i class="bi bi-exclamation-triangle" aria-hidden="true"></i> {}</span>',
                    ((warning,) for warning in warnings),
                ),
                field.help_text,
            )
            field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " has-warning"

    @property
    def needs_only_confirmation(self) -> bool:
        """Every figure is acceptable; only the confirmation of the warnings is missing."""
        return bool(self.errors) and set(self.errors) == {"confirm"}

    @property
    def warned_fields(self):
        return [self[name] for name in self.field_warnings]

    @property
    def error_fields(self):
        """The boxes with a hard error, in the page's order (the banner links to each)."""
        return [self[name] for name in self.fields if name in self.errors and name not in ("confirm", "version")]

    def _post_clean(self):
        # The model instance is written by the services, never by ModelForm.save().
        pass


class ReturnForm(forms.Form):
    """A reason is required to return or reopen a report: the enterprise must know what to fix."""

    version = RecordIdField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": REASON_REQUIRED.message},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class PeriodDeadlineForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["deadline"]
        field_classes = {"deadline": DayField}
        widgets = {"deadline": DayInput(attrs={"class": "form-control"})}
        labels = {"deadline": _("Submission deadline")}
        error_messages = {
            "deadline": {
                "invalid": _("Enter a date, such as 15/07/2026."),
                "required": _("Enter a date, such as 15/07/2026."),
            }
        }

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if refusal := self.instance.deadline_refusal(deadline):
            raise refusal
        return deadline

    def _post_clean(self):
        # Saved through services.period_set_deadline, with its history.
        pass


def percent_field(label, *, required=False, placeholder=None) -> forms.DecimalField:
    attrs = {"inputmode": "decimal", "autocomplete": "off"}
    if placeholder is not None:
        attrs["placeholder"] = num(placeholder, 2)
    return PlainDecimalField(
        label=label,
        required=required,
        max_digits=5,
        decimal_places=2,
        localize=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        error_messages=PERCENT_ERRORS,
        widget=forms.TextInput(attrs=attrs),
    )


class IndicatorForm(forms.ModelForm):
    """The official's edit of one indicator: text, baseline, phase targets, yearly milestones.

    Target years are those the plan set (Target rows); milestone years run over the
    plan's years. An empty milestone is interpolated; its placeholder shows the value.
    """

    version = RecordIdField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Indicator
        fields = ["name", "description", "baseline", "baseline_year"]
        field_classes = {"baseline_year": PlainIntegerField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "name": _("Short name (also the Excel column header)"),
            "description": _("What counts a worker"),
            "baseline": _("Baseline (%)"),
            "baseline_year": _("Baseline year"),
        }

    def __init__(
        self, *args, target_years: list[int], milestone_years: list[int], interpolated: dict[int, Decimal], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.target_years = target_years
        self.milestone_years = milestone_years
        self.fields["baseline"] = percent_field(_("Baseline (%)"))
        self.fields["baseline"].help_text = _("Leave empty if unknown: milestones then start from 0.")
        self.initial["baseline"] = self.instance.baseline
        targets = {t.year: t.value for t in self.instance.targets.all()}
        milestones = {m.year: m.value for m in self.instance.milestones.all()}
        for year in target_years:
            name = f"target_{year}"
            self.fields[name] = percent_field(_("Target %(year)s (%%)") % {"year": year}, required=True)
            self.fields[name].error_messages["required"] = _("A phase target cannot be empty.")
            self.initial[name] = targets.get(year)
        for year in milestone_years:
            name = f"milestone_{year}"
            self.fields[name] = percent_field(
                _("Milestone %(year)s (%%)") % {"year": year}, placeholder=interpolated.get(year)
            )
            self.initial[name] = milestones.get(year)
        self.initial.setdefault("version", self.instance.version)

    @property
    def target_fields(self):
        return [self[f"target_{year}"] for year in self.target_years]

    @property
    def milestone_fields(self):
        return [self[f"milestone_{year}"] for year in self.milestone_years]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = (
            Indicator.objects.filter(plan_id=self.instance.plan_id, name__iexact=name)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                _(
                    "Another indicator of the plan is already called “%(name)s”; names head the Excel columns and must differ."
                ),
                code="duplicate_name",
                params={"name": name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        previous = None
        for year in self.target_years:
            value = cleaned.get(f"target_{year}")
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                self.add_error(
                    f"target_{year}",
                    ValidationError(
                        _("The %(year)s target cannot be lower than the %(earlier)s target."),
                        code="target_decreasing",
                        params={"year": year, "earlier": previous[0]},
                    ),
                )
            previous = (year, value)
        baseline = cleaned.get("baseline")
        first_target = cleaned.get(f"target_{self.target_years[0]}") if self.target_years else None
        if baseline is not None and first_target is not None and baseline > first_target:
            self.add_error(
                "baseline",
                ValidationError(_("The baseline cannot be above the first target."), code="baseline_above_target"),
            )
        return cleaned

    def _post_clean(self):
        # Saved through services.indicator_update, with the version check.
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def targets(self) -> dict[int, Decimal]:
        return {year: self.cleaned_data[f"target_{year}"] for year in self.target_years}

    def milestones(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"milestone_{year}") for year in self.milestone_years}


class RosterFileForm(ExcelFileForm):
    deactivate_missing = forms.BooleanField(
        label=_("Workers not in the file have left the enterprise"),
        help_text=_(
            "Tick when the file is the complete list of current workers: those missing from it are marked as no longer employed."
        ),
        required=False,
    )


class WorkerForm(forms.ModelForm):
    """A worker and, per indicator of the current plan, whether and when they met it."""

    class Meta:
        model = Worker
        fields = ["employee_code", "full_name", "sex", "birth_year", "job"]
        field_classes = {"birth_year": PlainIntegerField}
        widgets = {"sex": forms.RadioSelect}

    def __init__(self, *args, indicators=(), outcomes=None, **kwargs):
        """`outcomes` maps indicator id -> date already recorded for this worker."""
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        outcomes = outcomes or {}
        self.recorded = dict(outcomes)
        self.fields["sex"].choices = [c for c in self.fields["sex"].choices if c[0]]
        for indicator in self.indicators:
            met, day = self.outcome_names(indicator)
            self.fields[met] = forms.BooleanField(
                label=indicator.name,
                required=False,
                initial=indicator.pk in outcomes,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[day] = DayField(
                label=_("Date met"),
                required=False,
                initial=outcomes.get(indicator.pk),
                widget=DayInput(attrs={"class": "form-control form-control-sm", "aria-describedby": "outcome-hint"}),
            )

    @staticmethod
    def outcome_names(indicator) -> tuple[str, str]:
        return f"met_{indicator.pk}", f"date_{indicator.pk}"

    def outcome_rows(self):
        """(indicator, checkbox, date field) for the template's table."""
        return [(indicator, *(self[name] for name in self.outcome_names(indicator))) for indicator in self.indicators]

    def clean_employee_code(self):
        code = self.cleaned_data["employee_code"].strip()
        taken = Worker.objects.filter(enterprise_id=self.instance.enterprise_id, employee_code=code)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Employee code %(code)s is already used by another worker of this enterprise."),
                code="duplicate_employee_code",
                params={"code": code},
            )
        return code

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        low, high = birth_year_bounds()
        if year is not None and not low <= year <= high:
            raise forms.ValidationError(
                _("Birth year must be from %(low)s to %(high)s."),
                code="birth_year_range",
                params={"low": low, "high": high},
            )
        return year

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for indicator in self.indicators:
            met, day = self.outcome_names(indicator)
            date = cleaned.get(day)
            if not cleaned.get(met) and date is not None:
                self._date_without_tick(indicator, date, cleaned)
            if not cleaned.get(met):
                continue
            if date is None and day not in self.errors:
                self.add_error(day, _("Enter the date “%(name)s” was met, or untick it.") % {"name": indicator.name})
            elif date is not None and date > today:
                self.add_error(day, _("The date cannot be in the future."))
            elif date is not None and date < EARLIEST_OUTCOME:
                self.add_error(day, _("The date is too early to be a result of the plan."))
        return cleaned

    def _date_without_tick(self, indicator, date: datetime.date, cleaned: dict) -> None:
        """A date typed in an unticked row. Clerks copy dates from attendance lists and
        nobody types the date of something not met, so the date ticks the box (it used to
        be dropped without a word). The one exception is a row shown ticked with its
        recorded date and then unticked: that is how an outcome is removed, and the date
        left in the box is only what the form showed. Unticked with a changed date is
        both at once, so the clerk is asked which."""
        met, day = self.outcome_names(indicator)
        recorded = self.recorded.get(indicator.pk)
        if recorded is None:
            cleaned[met] = True
            # Shown ticked too if the form comes back for another mistake.
            self.data = self.data.copy()
            self.data[self.add_prefix(met)] = "on"
        elif date != recorded:
            self.add_error(
                day,
                ValidationError(
                    _(
                        "“%(name)s” was unticked but its date changed: tick it to keep the new date, or clear the date to remove it."
                    ),
                    code="untick_with_new_date",
                    params={"name": indicator.name},
                ),
            )

    def outcomes(self) -> dict[int, datetime.date | None]:
        """indicator id -> date met, or None to record that it is not met."""
        return {
            indicator.pk: self.cleaned_data.get(self.outcome_names(indicator)[1])
            if self.cleaned_data.get(self.outcome_names(indicator)[0])
            else None
            for indicator in self.indicators
        }
