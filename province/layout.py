"""Arranging the roll-up (province.rollup) for the province's templates: which cards and
which periods they show (the tables' cells are drawn by province.templatetags.rollup).
Nothing here counts or sums."""

from __future__ import annotations

from dashboard import layout

from .rollup import CommuneFigures, Rollup, TrendPoint


def trend_points(points: list[TrendPoint]) -> list[TrendPoint]:
    """The periods the trend table shows: those with approved reports."""
    return [point for point in points if point.total.completeness.approved]


def cards(result: Rollup) -> list[layout.Card]:
    """The province's indicators against its own targets, with the province's minimum."""
    return layout.cards(result.total, result.bound)


def commune_cards(item: CommuneFigures) -> list[layout.Card]:
    """One commune's indicators against its own plan, with its minimum."""
    return layout.cards(item.figures, item.bound) if item.figures else []
