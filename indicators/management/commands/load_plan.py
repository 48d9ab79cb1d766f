"""`manage.py load_plan [--commune <code>] [plan file]`: load or refresh a commune's plan, its
indicators and reporting periods (issue 17: each commune has its own plan and targets).

Without `--commune` the plan goes to the commune the installation serves, as before communes
owned their data; the file defaults to `PORTAL_PLAN_FILE` (Hoàng Hợp's plan). The whole load
runs inside the commune's scope and one transaction: a refused commune or a bad file changes
nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from communes.current import UnknownCommune, commune_of_code, every_commune
from communes.models import Commune
from indicators.loader import indicators_load, periods_ensure
from plans.loader import plan_load, read_plan_file


class Command(BaseCommand):
    help = (
        "Load (or refresh) a commune's plan, its tasks, indicators, targets and reporting periods. "
        "Idempotent. Without --commune: the commune the installation serves."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_file", nargs="?", help="plan data file (JSON); PORTAL_PLAN_FILE by default")
        parser.add_argument("--file", dest="file_option", help="the same as the plan file argument")
        parser.add_argument("--commune", help="the commune's five-digit administrative unit code")

    def handle(self, *args, plan_file=None, file_option=None, commune=None, **options):
        path = plan_file or file_option or str(settings.PORTAL_PLAN_FILE)
        with every_commune():
            target = self._commune(commune)
        try:
            data = read_plan_file(path)
        except OSError as error:
            raise CommandError(
                _("Cannot read the plan file %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
        except ValueError as error:
            raise CommandError(
                _("The plan file %(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}
            ) from None
        missing = [key for key in ("code", "title", "groups") if key not in data]
        if missing:
            raise CommandError(
                _("The plan file %(path)s lacks %(keys)s: it is not a plan file.")
                % {"path": path, "keys": ", ".join(missing)}
            )
        with scope(commune=target), transaction.atomic():
            plan = plan_load(data, commune=target)
            indicators_load(plan, data.get("indicators", []))
            periods_ensure(plan)
            indicators = plan.indicators.count()
        tasks = sum(len(group["tasks"]) for group in data["groups"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{target}: plan “{plan.code}”: {len(data['groups'])} task groups, {tasks} tasks, "
                f"{indicators} indicators, {plan.start_year}–{plan.end_year} reporting periods."
            )
        )

    @staticmethod
    def _commune(code: str | None) -> Commune:
        if code is None:
            served = Commune.objects.served()
            if served is None:
                raise CommandError(_("No commune is recorded yet: run `manage.py migrate` first."))
            return served
        try:
            commune = commune_of_code(code)
        except UnknownCommune as error:
            raise CommandError(str(error)) from None
        if not commune.is_active:
            raise CommandError(
                _(
                    "%(commune)s was merged into %(into)s on %(date)s: its data is kept as history and "
                    "takes no new plan. Load the plan of %(into)s instead (--commune %(code)s)."
                )
                % {
                    "commune": commune,
                    "into": commune.merged_into,
                    "date": commune.merged_on.strftime("%d/%m/%Y"),
                    "code": commune.merged_into.code,
                }
            )
        return commune
