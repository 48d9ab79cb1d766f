"""The login and password-reset forms: Django's, with the portal's messages and limits; and
the province administrator's form giving a commune an official or a viewer."""

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from communes import identity
from communes.models import Commune, Membership
from core import limits
from core.mail import deliver
from core.network import client_ip

from . import access
from .roles import OFFICIAL, ROLE_LABELS, VIEWER

logger = logging.getLogger(__name__)
HOUR = 60 * 60


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
        "inactive": _("This account has been deactivated. Ask the commune official."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending only a few mails an hour per address and per client.

    Past a limit nothing is sent, and the view answers exactly as when a mail went out or
    the address is unknown, so the page reveals neither the limit nor the accounts.
    """

    def save(self, *args, request=None, **kwargs):
        client = client_ip(request) if request is not None else None
        address = self.cleaned_data["email"].strip().lower()
        # The client is counted first: a flood from one place does not use up the quota of
        # the addresses it names.
        if not (
            limits.allow("reset-client", client or "unknown", limit=settings.PORTAL_RESET_MAILS_PER_CLIENT, window=HOUR)
            and limits.allow("reset-address", address, limit=settings.PORTAL_RESET_MAILS_PER_ADDRESS, window=HOUR)
        ):
            logger.warning("Password-reset mail not sent: hourly limit reached (client %s)", client)
            return
        super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Django's reset mail, sent through core.mail: a mail server that is down is logged,
        and the page answers as always (it says nothing of accounts or of the mail server)."""
        context = {**context, "commune_name": identity.current_name()}
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        deliver(EmailMessage(subject, body, from_email, [to_email]), what="Password reset")


class MemberForm(forms.Form):
    """An account to serve `commune`, by its username: a commune official or a superior
    body's viewer, active, not serving the commune already. A union officer serves the
    commune of their enterprise, and the province administrator none."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("The account of a commune official or of the superior body's viewer."),
    )

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no account with the username “%(username)s”."),
                code="unknown_user",
                params={"username": username},
            )
        if not user.is_active:
            raise forms.ValidationError(
                _("The account “%(username)s” is deactivated: it cannot serve a commune."),
                code="inactive_user",
                params={"username": username},
            )
        role = access.role_of(user)
        if role not in (OFFICIAL, VIEWER):
            raise forms.ValidationError(
                _(
                    "The account “%(username)s” (%(role)s) cannot be given a commune here: only a commune "
                    "official or the superior body's viewer. A union officer serves the commune of their enterprise."
                ),
                code="wrong_role",
                params={"username": username, "role": ROLE_LABELS.get(role, _("No role assigned"))},
            )
        if Membership.objects.filter(user=user, commune=self.commune).exists():
            raise forms.ValidationError(
                _("The account “%(username)s” already serves %(commune)s."),
                code="already_serving",
                params={"username": username, "commune": self.commune},
            )
        self.user = user
        return username
