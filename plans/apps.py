"""The plans app: the plan, its tasks, annual plans and the activities done under them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plan")

    def ready(self):
        from . import merging

        merging.connect()  # its part of a merger of communes (communes.merging)
