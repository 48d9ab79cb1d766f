"""Download of the district report workbook (Xuất Excel).

Kept apart from indicators/views.py: the workbook is built by indicators.exports,
which knows nothing of requests; this view only checks access and sends the file.
"""

import functools
import hashlib
import inspect

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from accounts.access import commune_view_required
from communes import identity
from core import documents, file_cache, xlsx_writing
from core.identity import Identity
from core.xlsx_writing import XLSX_CONTENT_TYPE
from plans.revision import plan_revision

from . import exports, figures_cache, progress
from .models import ReportingPeriod


@require_safe
@commune_view_required
def report_export(request, code):
    """The workbook for one period: the commune official and the district viewer only."""
    period = get_object_or_404(ReportingPeriod, code=code)
    # Written once per state of what it shows, into a file every server process shares:
    # under load most downloads are of a workbook nothing has changed since.
    # What the workbook says of the report it is attached to (its number, date, signer, draft
    # state) is read once: it is part of the fingerprint and of what is written.
    # So is the commune's identity (its row and its leaders).
    commune = identity.current()
    reference = exports.reference_for(period, commune=commune)
    fingerprint = export_fingerprint(period, reference, commune)
    write = functools.partial(exports.write_district_report, period, reference=reference)
    if None in fingerprint:  # a period without revision tokens: its state has no name
        handle = file_cache.open_written(write, suffix=".xlsx")
    else:
        handle = file_cache.open_cached(f"export-{period.pk}", fingerprint, write, suffix=".xlsx")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=exports.report_filename(period, commune=commune),
        content_type=XLSX_CONTENT_TYPE,
    )
    # The figures change as reports are approved: never serve a stale copy from a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def export_fingerprint(period: ReportingPeriod, reference, commune: Identity) -> list[object]:
    """Everything the period's workbook shows: its reports (both revision tokens), the
    approved reports of every earlier period (the lower bound reads them), enterprises,
    indicators and targets (they replace every token), the plan's tasks and activities,
    the report it is attached to (number, date, signer, draft state), the commune's
    identity, the language, today's date (lateness and the date printed), and the code that
    writes it. The time its figures are "as of" is when it was written: nothing it shows has
    changed since, or the fingerprint would differ."""
    return [
        reference,
        figures_cache.tokens([period.pk]).get(period.pk),
        figures_cache.token_up_to(period),
        plan_revision(),
        commune,
        settings.LANGUAGE_CODE,
        timezone.localdate(),
        _code_version(),
    ]


@functools.cache
def _code_version() -> str:
    """The source of the modules that decide the workbook's content and form: a new
    release writes its documents anew."""
    digest = hashlib.blake2b(digest_size=16)
    for module in (exports, progress, xlsx_writing, documents):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()
