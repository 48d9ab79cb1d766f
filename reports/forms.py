"""The official's form for a report: the five sections, the number, the date, the signer and Nơi nhận."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import PlainIntegerField, RecordIdField
from core.dates import DayField
from core.documents import PURPOSES
from core.identity import Identity

from .models import MAX_DOCUMENT_NUMBER, Narrative

# "Liên đoàn Lao động tỉnh Thanh Hóa (b/c)", the ";" Nơi nhận prints after it optional.
RECIPIENT_LINE = re.compile(r"^(?P<name>.+?)\s*\((?P<purpose>[a-z]/[a-z])\)\s*;?$")
MAX_RECIPIENTS = 20


def recipients_text(entries) -> str:
    return "\n".join(f"{name} ({purpose})" for name, purpose in entries)


class NarrativeForm(forms.ModelForm):
    """`version` is the narrative's version when the form was drawn (0: none saved yet)."""

    version = RecordIdField(widget=forms.HiddenInput, min_value=0)
    number = PlainIntegerField(
        label=_("Document number"),
        required=False,
        min_value=1,
        max_value=MAX_DOCUMENT_NUMBER,
        help_text=_("The number in “No.: …/BC-UBND”. Leave it blank for the office to write it in when it is signed."),
        error_messages={"invalid": _("Document number: write a whole number such as 15, or leave it blank.")},
    )
    issued_on = DayField(
        label=_("Date of the document"),
        required=False,
        help_text=_("Blank: the document reads “…, day … month … year …” for the office to date it when it is signed."),
        error_messages={"invalid": _("Date of the document: write a date such as 21/04/2025, or leave it blank.")},
    )
    signer = forms.ChoiceField(
        label=_("Signer"),
        error_messages={
            "invalid_choice": _("Signer: choose one of the commune's leaders listed; “%(value)s” is not among them."),
            "required": _("Signer: choose who signs the report."),
        },
    )
    recipients_lines = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One recipient a line, ending with the purpose in brackets: (b/c) for reporting, (p/h) for "
            "coordination, (t/h) for implementation. “Archived: VT, VHXH.” is added last."
        ),
        error_messages={"required": _("Recipients: write at least one recipient.")},
    )

    class Meta:
        model = Narrative
        fields = ["direction", "results", "shortcomings", "next_steps", "proposals", "number", "issued_on"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in Narrative.SECTIONS}

    def __init__(self, *args, identity: Identity, initial_sections=None, initial_recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.identity = identity
        self.fields["signer"].choices = [("", "—")] + [
            (leader.name, f"{leader.name} – {leader.title}") for leader in identity.leaders
        ]
        if not self.is_bound:
            narrative = self.instance
            self.initial["version"] = narrative.version if narrative.pk else 0
            if narrative.pk:
                self.initial["signer"] = narrative.signer_name
                self.initial["recipients_lines"] = recipients_text(
                    (entry["name"], entry["purpose"]) for entry in narrative.recipients
                )
            else:
                self.initial.update(initial_sections or {})
                self.initial["signer"] = identity.leaders[0].name if identity.leaders else ""
                self.initial["recipients_lines"] = recipients_text(initial_recipients)

    def clean_recipients_lines(self) -> list[dict]:
        entries = []
        lines = [line.strip() for line in self.cleaned_data["recipients_lines"].splitlines()]
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            match = RECIPIENT_LINE.match(line)
            if match is None or match["purpose"] not in PURPOSES:
                raise forms.ValidationError(
                    _(
                        "Recipients, line %(number)s (“%(line)s”): end the line with the purpose in brackets, "
                        "(b/c), (p/h) or (t/h)."
                    ),
                    code="purpose",
                    params={"number": number, "line": line[:80]},
                )
            entries.append({"name": match["name"].rstrip(" -;"), "purpose": match["purpose"]})
        if len(entries) > MAX_RECIPIENTS:
            raise forms.ValidationError(
                _("Recipients: at most %(count)s lines."), code="too_many", params={"count": MAX_RECIPIENTS}
            )
        return entries

    def values(self) -> dict:
        """The narrative's fields as the form sets them, for reports.services.narrative_save."""
        data = self.cleaned_data
        leader = self.identity.leader(data["signer"])
        values = {name: data[name] for name in Narrative.SECTIONS}
        values.update(
            number=data["number"],
            issued_on=data["issued_on"],
            signer_title=leader.title,
            signer_name=leader.name,
            recipients=data["recipients_lines"],
        )
        return values
