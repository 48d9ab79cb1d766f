"""`manage.py seed_demo`: realistic demo data and logins, each app's seed in layer order, for
Hoàng Hợp (the commune the installation serves), then two neighbouring demo communes merged
on 1/7/2025 into a third (dashboard.demo)."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from accounts.demo import DEMO_PASSWORD
from communes.current import every_commune
from communes.models import Commune
from dashboard import demo

# Each app seeds its own demo data, in dependency order; each seed() is idempotent
# and returns the demo logins it created as (username, description) pairs.
SEEDERS = ["accounts.demo", "enterprises.demo", "plans.demo", "indicators.demo"]


class Command(BaseCommand):
    help = "Fill the database with realistic demo data and demo accounts. Idempotent."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            # Hoàng Hợp, the commune the installation serves, in its scope; then the
            # neighbouring demo communes and their merger (dashboard.demo), each in its own.
            with every_commune():
                served = Commune.objects.served()
            with scope(commune=served):
                logins += self._seed_served()
            with every_commune():
                logins += demo.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")

    @staticmethod
    def _seed_served() -> list:
        logins = []
        for module_name in SEEDERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            logins += module.seed() or []
        return logins
