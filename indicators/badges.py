"""How a report's status looks wherever it is shown: the one definition of its badges."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.badges import Badge

from .models import ReportStatus

# An enterprise without any report for the period.
NO_REPORT = "none"
REPORT_BADGES = {
    ReportStatus.APPROVED: Badge(ReportStatus.APPROVED, ReportStatus.APPROVED.label, "bi-check2-circle", "success"),
    ReportStatus.SUBMITTED: Badge(
        ReportStatus.SUBMITTED, ReportStatus.SUBMITTED.label, "bi-hourglass-split", "primary"
    ),
    ReportStatus.RETURNED: Badge(ReportStatus.RETURNED, ReportStatus.RETURNED.label, "bi-arrow-return-left", "warning"),
    ReportStatus.DRAFT: Badge(ReportStatus.DRAFT, ReportStatus.DRAFT.label, "bi-pencil", "secondary"),
    NO_REPORT: Badge(NO_REPORT, _("No report"), "bi-x-circle", "danger"),
}


def report_badge(status: str | None) -> Badge:
    """The badge of a report's status; None (no report at all) has its own."""
    return REPORT_BADGES[status or NO_REPORT]
