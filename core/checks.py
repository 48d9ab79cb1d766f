"""System checks of the portal's own settings (`manage.py check --deploy`).

A production server still carrying the demo's identity would print reports from a commune
that no longer exists, to bodies that no longer exist: the deploy check refuses it and says
which variable to set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

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


def _problem(name: str, value) -> str | None:
    if not value:
        return "is not set"
    texts = [value] if isinstance(value, str) else [" ".join(pair) for pair in value]
    if any(DISTRICT.search(text) for text in texts):
        return "names a district, a level that ended on 1/7/2025"
    if name not in SHARED and value == DEMO_VALUES.get(name):
        return "is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025)"
    return None


@register(Tags.compatibility, deploy=True)
def commune_identity(app_configs, **kwargs):
    """The commune's identity is set for this installation, and names no district."""
    errors = []
    for number, (name, hint) in enumerate(HINTS.items(), start=1):
        problem = _problem(name, getattr(settings, name, None))
        if problem:
            errors.append(
                Error(
                    f"{name} {problem}.",
                    hint=f"Set {hint} (README, Configuration).",
                    id=f"portal.E{number:03d}",
                )
            )
    return errors
