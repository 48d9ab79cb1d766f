"""The official's narrative of a report: its five sections, number, date, signer and recipients.

One per period and kind of report (định kỳ for every period, and the reviews the plan implies
at the end of each phase: sơ kết at the first target year, tổng kết at the last). Until the
official saves one, the report page and the Word document use the drafts the portal writes
from the data (reports.content).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.scoping import CommuneOwned, commune_manager
from core.bounds import LONG_TEXT_MAX_LENGTH, text_validator

# Decree 30's document numbers start again at 1 every year: a few thousand at most.
MAX_DOCUMENT_NUMBER = 99_999


class ReportKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic report")
    MIDTERM = "midterm", _("Mid-term review")
    FINAL = "final", _("Final review")


def section_field(verbose_name):
    return models.TextField(
        verbose_name, blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=[text_validator(LONG_TEXT_MAX_LENGTH)]
    )


class Narrative(CommuneOwned):
    commune_from = "period"
    period = models.ForeignKey(
        "indicators.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="narratives",
        verbose_name=_("reporting period"),
    )
    kind = models.CharField(_("kind of report"), max_length=10, choices=ReportKind.choices)
    direction = section_field(_("I. Direction and implementation"))
    results = section_field(_("II. Results"))
    shortcomings = section_field(_("III. Shortcomings, limitations and their causes"))
    next_steps = section_field(_("IV. Directions and tasks ahead"))
    proposals = section_field(_("V. Proposals and recommendations"))
    number = models.PositiveIntegerField(
        _("document number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DOCUMENT_NUMBER)],
    )
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=255, blank=True)
    # [{"name": "Liên đoàn Lao động tỉnh Thanh Hóa", "purpose": "b/c"}, …]
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    # Optimistic locking (core.locking): an edit carries the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = commune_manager()
    history = HistoricalRecords()

    # core.locking: shown when somebody else saved the narrative while the form was open.
    conflict_message = _(
        "Somebody else saved this report while you were editing it. Nothing was saved: compare "
        "with the saved text below; your text is kept in the form, save again to replace the "
        "saved text with it."
    )

    SECTIONS = ("direction", "results", "shortcomings", "next_steps", "proposals")

    class Meta:
        ordering = ["period", "kind"]
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            models.UniqueConstraint(fields=["commune", "period", "kind"], name="unique_narrative_per_period_kind")
        ]

    def __str__(self):
        return f"{self.period} · {self.get_kind_display()}"

    def get_absolute_url(self):
        url = reverse("reports:report_page", args=[self.period.code])
        return url if self.kind == ReportKind.PERIODIC else f"{url}?kind={self.kind}"
