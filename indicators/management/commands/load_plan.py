"""`manage.py load_plan`: load or refresh the plan, its indicators and reporting periods."""

from django.conf import settings
from django.core.management.base import BaseCommand

from indicators.loader import indicators_load, periods_ensure
from plans.loader import plan_load, read_plan_file


class Command(BaseCommand):
    help = "Load (or refresh) the plan, its tasks, indicators, targets and reporting periods. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(settings.PORTAL_PLAN_FILE), help="plan data file (JSON)")

    def handle(self, *args, **options):
        data = read_plan_file(options["file"])
        plan = plan_load(data)
        indicators_load(plan, data.get("indicators", []))
        periods_ensure(plan)
        tasks = sum(len(group["tasks"]) for group in data["groups"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan “{plan.code}”: {len(data['groups'])} task groups, {tasks} tasks, "
                f"{plan.indicators.count()} indicators, "
                f"{plan.start_year}–{plan.end_year} reporting periods."
            )
        )
