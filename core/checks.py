"""The rules of the deploy check of the commune's identity (`manage.py check --deploy`).

A production server still carrying the demo's identity would print reports from a commune
that no longer exists, to bodies that no longer exist: the check refuses it and says what to
set. The identity is a row of the communes app now, which registers the check
(communes/checks.py) and judges the row by these rules; the settings are judged here, as
before, while there is no row yet (the first migration of the communes app copies them).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

from .identity import DEMO_VALUES, DISTRICT

HINTS = {
    "PORTAL_COMMUNE_NAME": 'the commune\'s name as it is since 1/7/2025, e.g. PORTAL_COMMUNE_NAME="Hoằng Giang"',
    "PORTAL_COMMUNE_CODE": "the commune's five-digit code in the list of administrative units (PORTAL_COMMUNE_CODE)",
    "PORTAL_COMMUNE_BODY": 'the issuing body, e.g. PORTAL_COMMUNE_BODY="Ủy ban nhân dân xã Hoằng Giang"',
    "PORTAL_SUPERIOR_BODY": "the superior body (the province since 1/7/2025), "
    'e.g. PORTAL_SUPERIOR_BODY="Ủy ban nhân dân tỉnh Thanh Hóa"',
    "PORTAL_REPORT_ADDRESSEE": "whom reports are addressed to, "
    'e.g. PORTAL_REPORT_ADDRESSEE="Liên đoàn Lao động tỉnh Thanh Hóa"',
    "PORTAL_COMMUNE_LEADERS": "who may sign, the chair first, "
    'e.g. PORTAL_COMMUNE_LEADERS="Chủ tịch: Nguyễn Văn B; Phó Chủ tịch: Trần Thị C"',
}
# The province's bodies are right for every commune of the province: the demo's values of
# these two are refused only when they name a district.
SHARED = {"PORTAL_SUPERIOR_BODY", "PORTAL_REPORT_ADDRESSEE"}


def problem(name: str, value) -> str | None:
    """What is wrong with the identity's value under the setting `name`, or None."""
    if not value:
        return "is not set"
    texts = [value] if isinstance(value, str) else [" ".join(pair) for pair in value]
    if any(DISTRICT.search(text) for text in texts):
        return "names a district, a level that ended on 1/7/2025"
    if name not in SHARED and value == DEMO_VALUES.get(name):
        return "is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025)"
    return None


def settings_errors() -> list[Error]:
    """The settings' identity is set for this installation, and names no district."""
    errors = []
    for number, (name, hint) in enumerate(HINTS.items(), start=1):
        found = problem(name, getattr(settings, name, None))
        if found:
            errors.append(
                Error(
                    f"{name} {found}.",
                    hint=f"Set {hint} (README, Configuration).",
                    id=f"portal.E{number:03d}",
                )
            )
    return errors
