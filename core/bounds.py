"""The bounds of what people type: numbers of workers, record ids and free text.

One place for the limits, so that a model, its form, the Excel import and the services
refuse the same values. The limits are far above honest use in a commune (a province has
some hundreds of thousands of workers; a report's note is a few lines) and far below
what breaks a sum, a database integer or the history tables.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django_scopes.manager import DisabledQuerySet

# A workforce or a count of workers (one report, one activity): the report form's bound
# since the start. Sums over every report of a province stay far inside 64-bit integers.
MAX_WORKERS = 10_000_000
# Free text: a note or a reason, and a longer description or running log.
NOTE_MAX_LENGTH = 5_000
LONG_TEXT_MAX_LENGTH = 20_000
# The largest id a row can have (a 64-bit BigAutoField on SQLite and PostgreSQL); SQLite
# cannot even be asked about a larger one (OverflowError), so such a value is refused first.
MAX_RECORD_ID = 2**63 - 1
# Longer than any number these bounds allow: refused before Python parses it.
MAX_NUMBER_CHARACTERS = 30

NOT_PLAIN_NUMBER = _(
    "Write the number with the digits 0–9, such as 240; forms such as 1e5, Infinity or NaN are not accepted."
)


NOT_WHOLE_NUMBER = _(
    "Enter a whole number: “%(value)s” has a decimal part. Thousands may be grouped with a dot or a space, such as 1.200."
)

# The same refusal where the number counts workers (report figures, an activity's reach).
NOT_WHOLE_WORKERS = _(
    "A number of workers is a whole number: “%(value)s” has a decimal part. Thousands may be grouped with a dot or a space, such as 1.200."
)


# The message writes the bound out, as the interface writes numbers (1.234), which a
# validator's %(limit_value)s would not.
TOO_MANY_WORKERS = _("A number of workers cannot be above 10,000,000.")


def workers_validator() -> MaxValueValidator:
    return MaxValueValidator(MAX_WORKERS, message=TOO_MANY_WORKERS)


def text_validator(limit: int) -> MaxLengthValidator:
    """A TextField's `max_length` only sizes its form field; this makes `full_clean()` check it too."""
    return MaxLengthValidator(limit)


def record_id(value) -> int | None:
    """`value` (a form value, a query parameter) as a record id, or None when it cannot be one."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_RECORD_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_RECORD_ID else None


class _ChosenInScope:
    """A form class is built at import, outside any scope, where a scoped model's manager
    (django-scopes: a commune's rows) refuses every query: its record fields then start with
    no records, and the form's `__init__`, run inside the request's scope, gives each the
    records it offers."""

    def _set_queryset(self, queryset):
        if isinstance(queryset, DisabledQuerySet):
            queryset = queryset.none()
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class RecordChoiceField(_ChosenInScope, forms.ModelChoiceField):
    """A ModelChoiceField that refuses a value no record can have as "not a valid choice",
    before asking the database."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and self.to_field_name is None
            and record_id(value) is None
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class RecordMultipleChoiceField(_ChosenInScope, forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses values no record can have before the `pk__in`
    query, which SQLite answers with OverflowError for a number past 64 bits."""

    def _check_values(self, value):
        if self.to_field_name is None:
            try:
                values = frozenset(value)
            except TypeError:
                values = None  # the base class explains a value that is not a list
            for pk in values or ():
                if not isinstance(pk, self.queryset.model) and record_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)


# Vietnamese groups thousands with a dot or a space ("1.200", "1 200", a non-breaking space
# when copied from a document) and writes decimals with a comma ("12,5"). A dot that does not
# group three digits ("1.2", "12.5") is a decimal typed the English way. "12.0" stays a whole
# number, as Django's IntegerField always read it.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
_PLAIN = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:(?:\.[0-9]{3})+|(?: [0-9]{3})+)\Z", re.ASCII)
_WHOLE_DECIMAL = re.compile(r"[+-]?[0-9]+\.0+\Z", re.ASCII)
_DECIMAL = re.compile(r"[+-]?[0-9]*[.,][0-9]+\Z|[+-]?[0-9]{1,3}(?:,[0-9]{3})+\Z", re.ASCII)


def whole_number(text: str) -> int | None:
    """A whole number as people type it: "1200", "1.200", "1 200"; None when blank.

    The one reading of a typed count, shared by the form fields and the Excel import.
    Refuses, with a ValidationError whose code says why: a decimal ("12,5", "1.2", "1,200",
    the comma being the Vietnamese decimal mark) as `not_whole`; what Python alone would
    take for a number ("1e5", "Infinity", "NaN", other scripts' digits) as
    `not_plain_number`; more characters than any bound allows as `too_long`; anything
    else ("mười", "4x") as `invalid`. Bounds (negative, too large) are the caller's.
    """
    text = text.translate(_SPACES).strip()
    if not text:
        return None
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise ValidationError(_("This number is too large."), code="too_long")
    if _PLAIN.match(text) or _GROUPED.match(text):
        return int(text.replace(".", "").replace(" ", ""))
    if _WHOLE_DECIMAL.match(text):
        return int(text.split(".")[0])
    if _DECIMAL.match(text):
        raise ValidationError(NOT_WHOLE_NUMBER, code="not_whole", params={"value": text})
    if _reads_as_number(text):
        raise ValidationError(NOT_PLAIN_NUMBER, code="not_plain_number")
    raise ValidationError(_("Enter a whole number."), code="invalid")


class PlainNumberMixin:
    """A number typed as digits: `int()` and `Decimal()` also read "1e5", "Infinity", "NaN",
    "1_000" and other scripts' digits, and spend seconds on a 100,000-digit one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.setdefault("not_plain_number", NOT_PLAIN_NUMBER)
        self.error_messages.setdefault("too_long", _("This number is too large."))

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip()
            if not all(character in "0123456789+-., " for character in text):
                if _reads_as_number(text):
                    raise ValidationError(self.error_messages["not_plain_number"], code="not_plain_number")
                raise ValidationError(self.error_messages["invalid"], code="invalid")  # words, "4x"
            if len(text) > MAX_NUMBER_CHARACTERS:
                raise ValidationError(self.error_messages["too_long"], code="too_long")
        return super().to_python(value)


def _reads_as_number(text: str) -> bool:
    """Whether Python would take `text` for a number although it is not written in plain digits."""
    try:
        Decimal(text[:100])
    except InvalidOperation:
        return False
    return True


class PlainIntegerField(forms.IntegerField):
    """Every whole number a person types in a form (counts of workers, years, numbers of
    documents): read by `whole_number`, so "1.200" and "1 200" are 1200 and "12,5" is
    refused with a message saying why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.setdefault("not_plain_number", NOT_PLAIN_NUMBER)
        self.error_messages.setdefault("too_long", _("This number is too large."))
        self.error_messages.setdefault("not_whole", NOT_WHOLE_NUMBER)

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return whole_number(value)
        except ValidationError as refusal:
            raise ValidationError(
                self.error_messages[refusal.code], code=refusal.code, params={"value": value.strip()}
            ) from None


class PlainDecimalField(PlainNumberMixin, forms.DecimalField):
    pass


class RecordIdField(PlainIntegerField):
    """A hidden version or id a form carries: a whole number a database can hold."""

    def __init__(self, *, min_value=0, **kwargs):
        super().__init__(min_value=min_value, max_value=MAX_RECORD_ID, **kwargs)


class RecordChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on one record (`?task=12`) whose form field is a RecordChoiceField."""

    field_class = RecordChoiceField
