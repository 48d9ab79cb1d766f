"""The province administrator's forms: a commune, its leaders as a formset, and a merger."""

from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.bounds import RecordChoiceField
from core.dates import DayField

from .merging import MergerRefused, merger_communes, merger_refusals
from .models import Commune, CommuneLeader, validate_code

# Empty rows offered below the leaders already recorded.
EXTRA_LEADERS = 2


class CommuneForm(forms.ModelForm):
    """A commune's record. Whether it was merged, into which commune and when, is not
    edited here: only a merger (MergerForm, communes.merging) sets it, moving the commune's
    enterprises, officers and open work with it; a commune marked merged by hand would
    keep them and drop out of the province's totals."""

    class Meta:
        model = Commune
        fields = ["code", "name", "kind", "slug", "body", "place", "superior", "addressee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["place"].required = False

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        validate_code(code)  # before the duplicate: 00000 is "not a code", not "taken"
        existing = Commune.objects.filter(code=code).exclude(pk=self.instance.pk).first()
        if existing is not None:
            raise forms.ValidationError(
                _("The code %(code)s is already recorded, for %(commune)s."),
                code="duplicate_code",
                params={"code": code, "commune": existing},
            )
        return code

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Commune.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(Commune._meta.get_field("slug").error_messages["unique"], code="unique")
        return slug


class LeaderForm(forms.ModelForm):
    class Meta:
        model = CommuneLeader
        fields = ["order", "name", "position", "may_sign"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class BaseLeaderFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        """The hidden id of each row is one of this commune's leaders, and an id no row can
        have is refused before the database is asked (core.bounds), as everywhere."""
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        original = form.fields[name]
        form.fields[name] = RecordChoiceField(
            self.get_queryset(), initial=original.initial, required=False, widget=original.widget
        )


LeaderFormSet = inlineformset_factory(
    Commune,
    CommuneLeader,
    form=LeaderForm,
    formset=BaseLeaderFormSet,
    extra=EXTRA_LEADERS,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class MergerForm(forms.Form):
    """A merger of communes (communes.merging), by the codes of the list of administrative
    units: the page refuses what the command refuses, with the same words."""

    sources = forms.CharField(
        label=_("Former communes"),
        max_length=200,
        help_text=_("Their codes, separated by commas or spaces (e.g. 16015, 16018)."),
    )
    into = forms.CharField(label=_("Merged into"), max_length=20, help_text=_("The receiving commune's code."))
    date = DayField(label=_("Merger date"))

    def clean_sources(self):
        return self.cleaned_data["sources"].replace(",", " ").split()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            into, sources = merger_communes(into_code=cleaned["into"], source_codes=cleaned["sources"])
        except MergerRefused as refused:
            raise forms.ValidationError(refused.errors) from None
        if errors := merger_refusals(into=into, sources=sources, date=cleaned["date"]):
            raise forms.ValidationError(errors)
        cleaned["into_commune"], cleaned["source_communes"] = into, sources
        return cleaned
