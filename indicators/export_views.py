"""Download of the district report workbook (Xuất Excel).

Kept apart from indicators/views.py: the workbook is built by indicators.exports,
which knows nothing of requests; this view only checks access and streams the file.
"""

import tempfile

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from accounts.access import commune_view_required
from core.xlsx_writing import XLSX_CONTENT_TYPE

from . import exports
from .models import ReportingPeriod


@require_safe
@commune_view_required
def report_export(request, code):
    """The workbook for one period: the commune official and the district viewer only."""
    period = get_object_or_404(ReportingPeriod, code=code)
    # A temporary file, not memory: the workbook streams to disk row by row and is
    # sent from there; FileResponse closes (and so deletes) it when the download ends.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        exports.write_district_report(period, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=exports.report_filename(period),
        content_type=XLSX_CONTENT_TYPE,
    )
    # The figures change as reports are approved: never serve a stale copy from a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response
