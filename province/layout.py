"""Arranging the roll-up (province.rollup) for the province's templates: which badge goes
with each rate. Nothing here counts or sums."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import layout
from indicators import progress

from .rollup import CommuneFigures, Rollup, TrendPoint


@dataclass(frozen=True)
class CommuneRow:
    item: CommuneFigures
    cells: list[layout.Cell]  # one per province indicator, by code


@dataclass(frozen=True)
class TrendRow:
    point: TrendPoint
    cells: list[layout.Cell]


def _cell(code: str, item: progress.IndicatorProgress | None) -> layout.Cell:
    if item is None:
        return layout.Cell(code, None, None)
    return layout.Cell(code, item.rate, layout.indicator_badge(item) if item.rate is not None else None)


def commune_rows(result: Rollup) -> list[CommuneRow]:
    """The commune × indicator table: each commune's rate and status against its own plan."""
    return [
        CommuneRow(item, [_cell(indicator.code, item.cell(indicator.code)) for indicator in result.indicators])
        for item in result.communes
    ]


def trend_rows(points: list[TrendPoint], indicators: list[progress.Yardstick]) -> list[TrendRow]:
    """The province's rates period by period (periods with approved reports only)."""
    return [
        TrendRow(point, [_cell(i.code, point.total.indicator(i.code)) for i in indicators])
        for point in points
        if point.total.completeness.approved
    ]


def cards(result: Rollup) -> list[layout.Card]:
    """The province's indicators against its own targets, with the province's minimum."""
    return layout.cards(result.total, result.bound)


def commune_cards(item: CommuneFigures) -> list[layout.Card]:
    """One commune's indicators against its own plan, with its minimum."""
    return layout.cards(item.figures, item.bound) if item.figures else []
