"""`manage.py merge_communes --into <code> --date 2025-07-01 <code> <code>…`: merge the
former communes into the receiving one (communes.merging). A dry run unless `--apply`: it
says what would move and changes nothing."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes.merging import MergerRefused, merge_by_codes


def merger_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("“%(value)s” is not a date: write it as year-month-day, e.g. 2025-07-01.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Merge communes into a receiving commune on a date: their enterprises, officers, rosters, reports, "
        "activities and evidence move; the former communes become read-only history. A dry run unless --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="code", help="the former communes' five-digit codes")
        parser.add_argument("--into", required=True, metavar="code", help="the receiving commune's code")
        parser.add_argument("--date", required=True, help="the merger's date, e.g. 2025-07-01")
        parser.add_argument("--apply", action="store_true", help="do it (without it: only say what would move)")

    def handle(self, *args, sources, into, date, apply=False, **options):
        try:
            summary = merge_by_codes(into_code=into, source_codes=sources, date=merger_date(date), apply=apply)
        except MergerRefused as refused:
            raise CommandError(
                "\n".join([_("The merger was refused; nothing was changed:"), *refused.errors])
            ) from None
        names = ", ".join(str(source) for source in summary.sources)
        if summary.applied:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Merged into %(into)s on %(date)s: %(sources)s.")
                    % {"into": summary.into, "date": summary.date.strftime("%d/%m/%Y"), "sources": names}
                )
            )
        else:
            self.stdout.write(
                _("Dry run, nothing was changed. Merging %(sources)s into %(into)s on %(date)s would move:")
                % {"into": summary.into, "date": summary.date.strftime("%d/%m/%Y"), "sources": names}
            )
        for label, count in summary.moved:
            self.stdout.write(f"  {label}: {count}")
        if not summary.applied:
            self.stdout.write(_("Run the command again with --apply to merge."))
