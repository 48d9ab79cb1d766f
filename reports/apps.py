"""The reports app: the commune's report to the superior body (báo cáo), a Word document in
Decree 30 form, with the narrative the official writes for each period."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Commune reports")

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
