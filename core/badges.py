"""A state shown by words and an icon, never by colour alone (templates/_badge.html draws it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Badge:
    code: str
    label: str
    icon: str  # bootstrap-icons class
    tone: str  # Bootstrap contextual colour: success, primary, danger, warning, secondary
