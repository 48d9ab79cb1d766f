"""Dates as people type them in the portal's forms: dd/mm/yyyy, with the hint shown.

A text box, not `<input type="date">`: a phone set to English shows the browser's date box
as mm/dd/yyyy against the Vietnamese hint, a placeholder never shows in it, and a date it
cannot parse is sent as nothing, so a half-typed date was silently dropped. Here what was
typed reaches the server, which explains a mistake and keeps the text in the box.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# GLOSSARY.md: "ngày/tháng/năm, ví dụ 21/04/2025", never "dd/mm/yyyy" on screen.
DATE_PLACEHOLDER = _("dd/mm/yyyy")
DATE_HINT = _("Day/month/year, such as 21/04/2025.")
INVALID_DATE = _("Enter a valid date (dd/mm/yyyy).")
# The day first, as written in Vietnam; ISO too (what a browser's date box and the tests send).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class DayInput(forms.DateInput):
    """A text box for a date, shown as dd/mm/yyyy with the hint as its placeholder."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "maxlength": 10, **(attrs or {})},
            format="%d/%m/%Y",
        )


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy; its help text ends with the hint (after any of its own)."""

    widget = DayInput
    default_error_messages = {"invalid": INVALID_DATE}

    def __init__(self, *, help_text="", **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(help_text=format_lazy("{} {}", help_text, DATE_HINT) if help_text else DATE_HINT, **kwargs)
