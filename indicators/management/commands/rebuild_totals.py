"""`manage.py rebuild_totals`: count every period's totals again from the reports
(indicators.totals), in one transaction, and say what changed; with `--check`, change
nothing and exit non-zero when a period's stored totals differ from a recount."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
            drifted = totals.drift()
            if drifted:
                raise CommandError(
                    f"Totals differ from the reports in {len(drifted)} period(s):\n{self._describe(drifted)}\n"
                    "Run `manage.py rebuild_totals` to count them again."
                )
            self.stdout.write("Every period's totals equal a recount from the reports.")
            return
        with transaction.atomic():
            changed = totals.rebuild()
        if changed:
            self.stdout.write(f"Rebuilt the totals of {len(changed)} period(s):\n{self._describe(changed)}")
        else:
            self.stdout.write("Nothing to change: every period's totals equal a recount from the reports.")

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
