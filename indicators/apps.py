"""The indicators app: indicators and targets, periods, reports, rosters' outcomes, figures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators and reports")

    def ready(self):
        from . import merging, signals

        signals.connect()
        merging.connect()  # its part of a merger of communes (communes.merging)
