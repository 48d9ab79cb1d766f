"""The shared pieces' one table: the tokens of creation forms already sent (`core.submissions`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A creation form that created something: its one-time token, who sent it and where the
    answer went (the new object's page), so that the same form sent again goes there too.
    Kept a day (`core.submissions.KEEP`), then deleted: it records no business fact."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    token = models.CharField(_("form token"), max_length=64)
    url = models.CharField(_("address of the result"), max_length=2000, blank=True)
    at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    backup_excluded = True  # core.backup: short-lived, no business fact

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_form_token")]

    def __str__(self):
        return f"{self.user_id} {self.token} → {self.url}"
