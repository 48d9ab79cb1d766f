"""The password rules, in the portal's own words.

Django's validators, unchanged in what they accept, with their messages worded as the
portal speaks (GLOSSARY.md: impersonal, never "bạn"): Django's own Vietnamese catalogue
says "Mật khẩu của bạn…". Listed in AUTH_PASSWORD_VALIDATORS.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "The password is too short: it needs at least %(min_length)d character.",
            "The password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        )

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("The password is too close to the account's %(verbose_name)s.")

    def get_help_text(self):
        return _("Not close to the account's user name, full name or email.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("The password is too common: it is easily guessed.")

    def get_help_text(self):
        return _("Not a common, easily guessed password.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("The password cannot be digits only.")

    def get_help_text(self):
        return _("Not digits only.")
