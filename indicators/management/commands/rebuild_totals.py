"""`manage.py rebuild_totals`: count every period's totals again from the reports
(indicators.totals), in one transaction, and say what changed; with `--check`, change
nothing and exit non-zero when a period's stored totals differ from a recount. Commune by
commune, each inside its scope (a period's totals are of its own commune's reports)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.current import commune_scope, each_commune
from indicators import totals
from indicators.models import ReportingPeriod


class Command(BaseCommand):
    help = (
        "Recount every reporting period's maintained totals from the reports and store the ones that "
        "differ; --check only reports the periods whose totals drifted (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 listing the periods that drifted"
        )

    def handle(self, *args, check=False, **options):
        if check:
            drifted = self._each_commune(totals.drift)
            if drifted:
                periods = sum(count for _name, count, _lines in drifted)
                raise CommandError(
                    f"Totals differ from the reports in {periods} period(s):\n{self._join(drifted)}\n"
                    "Run `manage.py rebuild_totals` to count them again."
                )
            self.stdout.write("Every period's totals equal a recount from the reports.")
            return
        with transaction.atomic():
            changed = self._each_commune(totals.rebuild)
        if changed:
            periods = sum(count for _name, count, _lines in changed)
            self.stdout.write(f"Rebuilt the totals of {periods} period(s):\n{self._join(changed)}")
        else:
            self.stdout.write("Nothing to change: every period's totals equal a recount from the reports.")

    def _each_commune(self, count) -> list[tuple[str, int, str]]:
        """(commune, periods, their description) of each commune where `count()` found some."""
        found = []
        for commune in each_commune():
            with commune_scope(commune):
                periods = count()
                if periods:
                    found.append((commune.name, len(periods), self._describe(periods)))
        return found

    @staticmethod
    def _join(found: list[tuple[str, int, str]]) -> str:
        if len(found) == 1:
            return found[0][2]
        return "\n".join(f"{name}:\n{lines}" for name, _count, lines in found)

    @staticmethod
    def _describe(found: dict) -> str:
        codes = dict(ReportingPeriod.objects.filter(pk__in=list(found)).values_list("pk", "code"))
        lines = []
        for pk in sorted(found, key=lambda pk: codes.get(pk, "")):
            what = ", ".join(
                f"the standing of {kept} report(s)" if name == "standings" else f"{name} {kept} → {counted}"
                for name, (kept, counted) in found[pk].items()
            )
            lines.append(f"  {codes.get(pk, pk)}: {what}")
        return "\n".join(lines)
