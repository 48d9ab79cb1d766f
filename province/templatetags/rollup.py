"""The province's commune table, drawn by tags rather than template loops: it has a row per
commune and a cell per commune and indicator (166 rows and 830 cells for Thanh Hóa), and
drawing them with includes and template lookups cost the page more than its every query."""

import functools
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from core.templatetags.portal import num, pct

register = template.Library()


@functools.lru_cache(maxsize=256)
def _opening(code: str, indicator_code: str, icon: str, label: str) -> str:
    """A cell's opening up to its rate: a handful of statuses × indicators, each escaped once."""
    if not code:
        return format_html('<td class="num rate-cell" data-indicator="{}">', indicator_code)
    return format_html(
        '<td class="num rate-cell rate-{}" data-indicator="{}"><i class="bi {}" aria-hidden="true" title="{}"></i>'
        '<span class="visually-hidden">{}:</span> ',
        code,
        indicator_code,
        icon,
        label,
        label,
    )


@register.simple_tag
def rate_cell(cell):
    """One rate with its status (an icon, and the words for screen readers) as a table cell
    (`cell`: dashboard.layout.Cell)."""
    badge = cell.badge
    if badge is None:
        opening = _opening("", cell.indicator_code, "", "")
    else:
        opening = _opening(badge.code, cell.indicator_code, badge.icon, str(badge.label))
    # The rate is digits, separators and "%" (portal.pct), escaped all the same.
    return mark_safe(f"{opening}{escape(pct(cell.rate))}</td>")


@register.simple_tag
def commune_row(row, period_code: str):
    """One commune's row (`row`: province.layout.CommuneRow): its name linking to its figures
    for the period, overdue or not, its counts, then a rate cell per indicator."""
    item = row.item
    commune, counts = item.commune, item.counts
    link = f"{reverse('rollup:commune_detail', args=[commune.code])}?period={quote(period_code, safe='')}"
    overdue = (
        format_html(
            ' <span class="badge text-bg-danger status-badge"><i class="bi bi-alarm" aria-hidden="true"></i> {}</span>',
            pgettext("dashboard", "Overdue"),
        )
        if item.overdue
        else ""
    )
    workers = num(item.figures.total_workers) if item.figures else ""
    opening = format_html(
        '<tr data-commune="{}"><th scope="row" class="fw-normal enterprise-name"><a href="{}">{}</a>{}</th>'
        '<td class="num" data-completeness>{}/{}</td><td class="num" data-late>{}</td><td class="num">{}</td>',
        commune.code,
        link,
        commune.name,
        overdue,
        num(counts.approved),
        num(counts.active),
        num(counts.late),
        workers,
    )
    return mark_safe(opening + "".join(rate_cell(cell) for cell in row.cells) + "</tr>")
