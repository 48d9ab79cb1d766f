"""The province's two tables, drawn by tags rather than template loops: the commune table has
a row per commune and a cell per commune and indicator (166 rows and 830 cells for Thanh
Hóa), and drawing them with includes and template lookups cost the page more than its every
query. What every cell shares is worked out once per table (`RateCells`): the language's
way of writing numbers, and each cell's opening for a status and an indicator."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from core.templatetags.portal import number_format
from dashboard import layout
from indicators import progress

register = template.Library()

# Stands for a commune's code in a URL reversed once for every commune (`DetailLinks`).
CODE_STAND_IN = "__code__"


class RateCells:
    """Draws rate cells: a rate with its status (an icon, and the words for screen readers).
    A table of 830 cells has a handful of distinct openings (statuses × indicators): each is
    made and escaped once, keyed by what decides its badge (dashboard.layout.indicator_badge)."""

    def __init__(self):
        self.numbers = number_format()
        self._openings: dict[tuple, str] = {}

    def cell(self, code: str, item: progress.IndicatorProgress | None) -> str:
        """The `<td>` of indicator `code` (`item`: its figures, None for none)."""
        if item is None or item.rate is None:
            return f'<td class="num rate-cell" data-indicator="{escape(code)}">–</td>'
        key = (code, item.withheld, item.status, item.year, item.provisional)
        opening = self._openings.get(key)
        if opening is None:
            badge = layout.indicator_badge(item)
            opening = self._openings[key] = format_html(
                '<td class="num rate-cell rate-{}" data-indicator="{}"><i class="bi {}" aria-hidden="true" '
                'title="{}"></i><span class="visually-hidden">{}:</span> ',
                badge.code,
                code,
                badge.icon,
                badge.label,
                badge.label,
            )
        # The rate is digits, separators and "%" (NumberFormat.pct), escaped all the same.
        return f"{opening}{escape(self.numbers.pct(item.rate))}</td>"


class DetailLinks:
    """Each commune's figures for the period (rollup:commune_detail?period=…): the URL is
    reversed once, with a stand-in for the code, not once per commune. A commune's code is
    five digits (communes.models.validate_code), which a URL writes as they are."""

    def __init__(self, period_code: str):
        head, _stand_in, tail = reverse("rollup:commune_detail", args=[CODE_STAND_IN]).rpartition(CODE_STAND_IN)
        self._head, self._tail = head, f"{tail}?period={quote(period_code, safe='')}"

    def __call__(self, code: str) -> str:
        return f"{self._head}{quote(code, safe='')}{self._tail}"


@register.simple_tag
def commune_rows(result, period_code: str):
    """The commune table's rows (`result`: province.rollup.Rollup): each commune's name
    linking to its figures for the period, overdue or not, its counts, then a rate cell per
    province indicator (the commune's own indicator of that code, judged against its plan)."""
    cells, link, numbers = RateCells(), DetailLinks(period_code), number_format()
    overdue = format_html(
        ' <span class="badge text-bg-danger status-badge"><i class="bi bi-alarm" aria-hidden="true"></i> {}</span>',
        pgettext("dashboard", "Overdue"),
    )
    codes = [indicator.code for indicator in result.indicators]
    rows = []
    for item in result.communes:
        commune, counts, figures = item.commune, item.counts, item.figures
        rows.append(
            f'<tr data-commune="{escape(commune.code)}"><th scope="row" class="fw-normal enterprise-name">'
            f'<a href="{escape(link(commune.code))}">{escape(commune.name)}</a>{overdue if item.overdue else ""}</th>'
            f'<td class="num" data-completeness>{numbers.num(counts.approved)}/{numbers.num(counts.active)}</td>'
            f'<td class="num" data-late>{numbers.num(counts.late)}</td>'
            f'<td class="num">{numbers.num(figures.total_workers) if figures else ""}</td>'
        )
        by_code = {each.code: each for each in figures.indicators} if figures else {}
        rows.extend(cells.cell(code, by_code.get(code)) for code in codes)
        rows.append("</tr>\n")
    return mark_safe("".join(rows))


@register.simple_tag
def trend_rows(points, indicators):
    """The trend table's rows (`points`: province.rollup.TrendPoint): each period's workers
    and the province's rate per indicator."""
    cells, numbers = RateCells(), number_format()
    rows = []
    for point in points:
        total = point.total
        rows.append(
            f'<tr data-period="{escape(point.period.code)}"><th scope="row" class="fw-normal text-nowrap">'
            f'{escape(str(point.period))}</th><td class="num">{numbers.num(total.total_workers)}</td>'
        )
        rows.extend(cells.cell(indicator.code, total.indicator(indicator.code)) for indicator in indicators)
        rows.append("</tr>\n")
    return mark_safe("".join(rows))
