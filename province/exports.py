"""The province's workbook for a period: one row per active commune with the province's
totals (Tổng hợp), and the flat data sheet of every active commune's enterprises (Dữ liệu,
the same keys as each commune's workbook: indicators.exports.data_rows).

The figures are province.rollup's (the communes' stored totals); the data sheet reads the
communes' enterprises' reports for the period, forty communes at a time (three queries each
time), and is written straight as XML (core.xlsx_writing's streamed sheet): 250,000 rows for
a province of 50,000 enterprises. Written to a temporary file and streamed; knows nothing of
requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import file_cache
from core.xlsx_writing import LANDSCAPE_MARGINS, Exporter, Row, Sheet, Style
from indicators import exports as commune_exports
from indicators import progress

from . import rollup

TITLE = Style(size=14, bold=True, align="center")
LINE = Style(size=12, italic=True, align="center")
TH = Style(size=11, bold=True, align="center", border=True, fill=commune_exports.GREY_FILL)
TD = Style(size=11, border=True)
TD_INT = TD.but(align="right", number_format="#,##0")
TD_PCT = TD.but(align="right", number_format=commune_exports.RATE_FORMAT)
TOTAL = Style(size=11, bold=True, border=True)
TOTAL_INT = TOTAL.but(align="right", number_format="#,##0")
TOTAL_PCT = TOTAL.but(align="right", number_format=commune_exports.RATE_FORMAT)
# STT, code, name, approved, expected, late, workers; then per indicator: met, rate. The
# province's five indicators fit the landscape page at 100 % (LANDSCAPE_WIDTH), as every
# sheet meant for paper does; the headings wrap.
LEAD_WIDTHS = [4, 6, 16, 7, 8, 6, 10]
# The data sheet reads this many communes' enterprises and reports at a time: a few queries
# for the province, and a bounded part of its 50,000 enterprises in memory.
COMMUNES_AT_ONCE = 40
INDICATOR_WIDTHS = [8, 5]


class ProvinceWorkbook(Exporter):
    def __init__(self, option: rollup.PeriodOption, *, today, now: datetime | None = None):
        self.option = option
        self.now = now or timezone.now()
        self.result = rollup.rollup(option, today=today)

    def title(self) -> str:
        return _("Province summary, %(period)s") % {"period": commune_exports.lower_first(str(self.result.period))}

    def write(self, target) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            super().write(target)

    def sheets(self) -> Iterator[Sheet]:
        indicators = self.result.indicators
        widths = LEAD_WIDTHS + INDICATOR_WIDTHS * len(indicators)
        yield Sheet(
            _("Summary"), widths, self.summary_rows(widths), landscape=True, freeze="D5", margins=LANDSCAPE_MARGINS
        )
        yield commune_exports.data_sheet(self.data_rows())

    def summary_rows(self, widths) -> Iterator[Row]:
        last = len(widths)
        yield Row([self.title().upper()] + [None] * (last - 1), TITLE, 22, [(1, last)])
        local = timezone.localtime(self.now)
        as_of = _("Figures as of %(time)s on %(date)s") % {
            "time": local.strftime("%H:%M"),
            "date": commune_exports.day(local),
        }
        yield Row([as_of] + [None] * (last - 1), LINE, 18, [(1, last)])
        yield Row([None] * last, TD.but(border=False), 8)
        header = [
            _("No."),
            _("Commune code"),
            _("Commune"),
            _("Approved reports"),
            _("Enterprises to report"),
            _("Submitted late"),
            _("Total workers"),
        ]
        for indicator in self.result.indicators:
            header += [
                _("%(code)s) met") % {"code": indicator.code},
                _("%(code)s) rate (%%)") % {"code": indicator.code},
            ]
        yield Row(header, TH)  # as high as its longest heading wraps
        lead_styles = [TD_INT, TD, TD, TD_INT, TD_INT, TD_INT, TD_INT]
        styles = lead_styles + [TD_INT, TD_PCT] * len(self.result.indicators)
        for number, item in enumerate(self.result.communes, start=1):
            values = [
                number,
                _code(item.commune),
                item.commune.name,
                item.counts.approved,
                item.counts.active,
                item.counts.late,
                item.figures.total_workers if item.figures else 0,
            ]
            for indicator in self.result.indicators:
                cell = item.cell(indicator.code)
                values += [cell.met if cell else None, commune_exports.as_number(cell.rate) if cell else None]
            yield Row(values, styles)
        total = self.result.total
        values = [
            None,
            None,
            _("Whole province"),
            total.completeness.approved,
            total.completeness.expected,
            self.result.counts.late,
            total.total_workers,
        ]
        for item in total.indicators:
            values += [item.met, commune_exports.as_number(item.rate)]
        yield Row(values, [TOTAL, TOTAL, TOTAL, *[TOTAL_INT] * 4] + [TOTAL_INT, TOTAL_PCT] * len(total.indicators))

    def data_rows(self) -> Iterator[Row]:
        """Every active commune's enterprises and their reports for the period, commune by
        commune (each commune's own indicators, by its plan): three queries for a batch of
        communes, whatever their enterprises."""
        items = [item for item in self.result.communes if item.period is not None]
        for start in range(0, len(items), COMMUNES_AT_ONCE):
            batch = items[start : start + COMMUNES_AT_ONCE]
            rows = progress.rows_of_periods(item.period for item in batch)
            for item in batch:
                indicators = item.figures.indicators if item.figures else []
                yield from commune_exports.data_rows(
                    _code(item.commune),
                    item.commune.place,
                    item.period,
                    [_Named(cell.indicator_id, cell.code) for cell in indicators],
                    rows[item.period.pk],
                )


@dataclass(frozen=True)
class _Named:
    """An indicator as the data sheet reads it: its id and code."""

    pk: int
    code: str


def _code(commune) -> str:
    """A commune's code as the sheets show it: none until its real code is set (a commune's
    own workbook leaves it empty too: communes.identity)."""
    return commune.code if commune.has_code else ""


def workbook(option: rollup.PeriodOption, *, today, now: datetime | None = None):
    """The workbook in a temporary file, open at its start (deleted when closed)."""
    return file_cache.open_written(ProvinceWorkbook(option, today=today, now=now).write, suffix=".xlsx")


def filename(option: rollup.PeriodOption) -> str:
    return f"tong-hop-tinh-{option.code}.xlsx"
