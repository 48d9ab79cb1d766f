"""`manage.py seed_demo`: realistic demo data and logins, each app's seed in layer order."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD

# Each app seeds its own demo data, in dependency order; each seed() is idempotent
# and returns the demo logins it created as (username, description) pairs.
SEEDERS = ["accounts.demo", "enterprises.demo", "plans.demo", "indicators.demo"]


class Command(BaseCommand):
    help = "Fill the database with realistic demo data and demo accounts. Idempotent."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for module_name in SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                logins += module.seed() or []
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")
