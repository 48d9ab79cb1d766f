"""Forms of the enterprises app. Every message is Vietnamese through gettext."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from core.dates import DayField

from .models import Enterprise
from .validators import normalize_tax_code

PHONE_CHARS = re.compile(r"^\+?[\d\s().-]+$")
# Django says only "Enter a valid email address." for an address that is there but malformed.
INVALID_EMAIL = {"invalid": _("“%(value)s” is not an email address: write it like congdoan.maymac@gmail.com.")}


def phone_error(value: str) -> str | None:
    """Why `value` is not a phone number, or None. Digits with the usual separators, 8–15 digits."""
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARS.match(value) or not 8 <= len(digits) <= 15:
        return str(
            _("“%(value)s” is not a phone number: write digits only, e.g. 0237 3861 234 or 0912 345 678.")
            % {"value": value}
        )
    return None


def clean_phone_value(value: str) -> str:
    value = " ".join((value or "").split())
    if value:
        message = phone_error(value)
        if message:
            raise forms.ValidationError(message, code="invalid_phone")
    return value


class TaxCodeField(forms.CharField):
    """Accepts the spaces and dots people type ("2800 123 456"); the model validates the rest."""

    def to_python(self, value):
        return normalize_tax_code(super().to_python(value))


class EnterpriseForm(forms.ModelForm):
    """The official's form: every field but the "followed now" flag, which follows the
    "no longer followed from" date (the stop and resume buttons set both)."""

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "tax_code",
            "legal_form",
            "economic_sector",
            "sector",
            "address",
            "has_union",
            "union_name",
            "phone",
            "email",
            "followed_from",
            "stopped_from",
        ]
        field_classes = {"tax_code": TaxCodeField, "followed_from": DayField, "stopped_from": DayField}
        help_texts = {
            "tax_code": _("10 digits, or 10 digits, a dash and 3 digits for a branch (e.g. 2801234567-001)."),
            "address": _("Village (thôn/xóm), e.g. Thôn 3."),
            "union_name": _("Required when the enterprise has a grassroots union."),
        }
        error_messages = {"email": INVALID_EMAIL}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, as an empty cell of the import: the day it is added, or unchanged.
        self.fields["followed_from"].required = False

    def clean_followed_from(self):
        return self.cleaned_data["followed_from"] or self.instance.followed_from

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_tax_code(self):
        tax_code = self.cleaned_data["tax_code"]
        existing = Enterprise.objects.filter(tax_code=tax_code).exclude(pk=self.instance.pk).first()
        if existing is not None:
            raise forms.ValidationError(
                _("Tax code %(tax_code)s is already registered for “%(name)s”."),
                code="duplicate_tax_code",
                params={"tax_code": tax_code, "name": existing.name},
            )
        return tax_code

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        union_name = " ".join(cleaned.get("union_name", "").split())
        cleaned["union_name"] = union_name
        if cleaned.get("has_union") and not union_name:
            self.add_error(
                "union_name", _("Enter the name of the grassroots union, or untick “has a grassroots union”.")
            )
        elif union_name and not cleaned.get("has_union"):
            self.add_error("has_union", _("You entered a union name: tick this box, or clear the name."))
        return cleaned

    def save(self, commit=True):
        # Followed now exactly when no stop date is given (the model's constraint).
        self.instance.is_active = self.instance.stopped_from is None
        return super().save(commit)


class EnterpriseContactForm(forms.ModelForm):
    """What a union officer may change about their enterprise: how to reach it and its union."""

    class Meta:
        model = Enterprise
        fields = ["phone", "email", "union_name"]
        help_texts = {"union_name": _("Leave empty if the enterprise has no grassroots union.")}
        error_messages = {"email": INVALID_EMAIL}

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])

    def clean_union_name(self):
        return " ".join(self.cleaned_data["union_name"].split())

    def save(self, commit=True):
        # A named union is a union: the same rule as the Excel import.
        self.instance.has_union = bool(self.instance.union_name)
        return super().save(commit)


def username_field():
    return forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in, e.g. congdoan.maymac. Letters, digits and . @ + - _ only."),
    )


class OfficerForm(forms.Form):
    """A union officer's account details (the account is a Django user)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False, error_messages=INVALID_EMAIL)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    position = forms.CharField(
        label=_("Position"), max_length=255, required=False, help_text=_("e.g. Chủ tịch công đoàn cơ sở")
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user  # the account being edited, None when creating one
        super().__init__(*args, **kwargs)

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = get_user_model().objects.filter(email__iexact=email)
            if self.user is not None:
                others = others.exclude(pk=self.user.pk)
            if others.exists():
                raise forms.ValidationError(
                    _("Another account already uses this e-mail address; password links would go to the wrong person."),
                    code="duplicate_email",
                )
        return email

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])


class PasswordDelivery:
    EMAIL = "email"
    SHOW = "show"
    CHOICES = [
        (EMAIL, _("E-mail them a link to set their own password")),
        (SHOW, _("Show me an initial password to give them (shown once)")),
    ]


class OfficerCreateForm(OfficerForm):
    username = username_field()
    delivery = forms.ChoiceField(
        label=_("How will the officer get a password?"),
        choices=PasswordDelivery.CHOICES,
        initial=PasswordDelivery.EMAIL,
        widget=forms.RadioSelect,
    )
    field_order = ["username", "full_name", "email", "phone", "position", "delivery"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."), code="duplicate_username")
        return username

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("delivery") == PasswordDelivery.EMAIL
            and not cleaned.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", _("Enter an e-mail address to send the link to, or choose an initial password."))
        return cleaned


class OfficerPasswordForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How will the officer get a password?"),
        choices=PasswordDelivery.CHOICES,
        initial=PasswordDelivery.EMAIL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_delivery(self):
        delivery = self.cleaned_data["delivery"]
        if delivery == PasswordDelivery.EMAIL and not self.user.email:
            raise forms.ValidationError(
                _("This account has no e-mail address: add one first, or choose an initial password."),
                code="no_email",
            )
        return delivery
