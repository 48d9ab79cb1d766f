"""Excel uploads, the same for every import: the upload form, and the two steps of an import
(upload → every row checked and a preview shown → confirm) with the staged copy of the file
between them.

The confirmation carries a signed token naming the staged copy and the user who uploaded it;
it lives as long as the staged copy (core.xlsx_reading.STAGE_MAX_AGE). What a row is, and
what a preview holds, belongs to each import; a preview here is anything with `rows` (each
with a `status`) and `unchanged`.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import xlsx_reading
from .xlsx_writing import XLSX_CONTENT_TYPE

XLSX = XLSX_CONTENT_TYPE
UNCHANGED = "unchanged"  # the status of a preview row the import leaves as it is
PREVIEW_ROWS_SHOWN = 500
ERRORS_SHOWN = 200
TOKEN_AGE = xlsx_reading.STAGE_MAX_AGE


class ExcelFileForm(forms.Form):
    """One .xlsx workbook, at most settings.UPLOAD_MAX_BYTES."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
        error_messages={"required": _("Choose an Excel file to import."), "empty": _("The file is empty.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB)."),
                code="too_large",
                params={"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            )
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _(
                    "Only Excel workbooks (.xlsx) can be imported. Open the file in Excel and save it as “Excel Workbook (.xlsx)”."
                ),
                code="not_xlsx",
            )
        return uploaded


def excel_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_token(kind: str, name: str, user, **extra) -> str:
    """The signed token of a staged upload `name`, for `user` to confirm an import of `kind`."""
    return signing.dumps({"file": name, "user": user.pk, **extra}, salt=f"enterprises.import.{kind}")


def read_import_token(request, kind: str):
    """The staged upload a confirmation refers to, if the token is this user's and fresh:
    (the token's data, the staged file's path), else (None, None)."""
    try:
        data = signing.loads(request.POST.get("token", ""), salt=f"enterprises.import.{kind}", max_age=TOKEN_AGE)
    except signing.BadSignature:
        return None, None
    if data.get("user") != request.user.pk:
        return None, None
    return data, xlsx_reading.staged_path(data.get("file", ""))


def leave_confirmation(request, data, path, *, cancelled_to, expired_to):
    """The confirm step's ways out before anything is read: the user cancelled (the staged
    copy discarded, back to `cancelled_to`), or the staged copy is gone (back to `expired_to`
    to upload it again). The redirect to return, or None to go on with the import."""
    if "cancel" in request.POST:
        if data:
            xlsx_reading.discard_staged(data["file"])
        messages.info(request, gettext("The import was cancelled; nothing was saved."))
        return redirect(cancelled_to)
    if path is None:
        messages.error(request, gettext("The uploaded file has expired or was already imported. Upload it again."))
        return redirect(expired_to)
    return None


def parse_or_error(parse, path, **kwargs):
    """(what `parse` read, None), or (None, the message) for a file that is no workbook."""
    try:
        return parse(path, **kwargs), None
    except xlsx_reading.WorkbookError as error:
        return None, str(error)


def check_upload(form: ExcelFileForm, *, parse, preview, kind: str, user) -> dict:
    """The upload step of an import whose preview needs nothing but the rows: the file staged,
    every row checked (`parse`), compared with what is on record (`preview(rows)`, whose
    `errors` refuse the file too). Answers what the import page shows: the problems, or the
    preview with the token of the staged copy that waits for the confirmation (otherwise the
    copy goes at once)."""
    with xlsx_reading.staging(form.cleaned_data["file"]) as staged:
        parsed, error = parse_or_error(parse, staged.path)
        checked = None if error or not parsed.is_valid else preview(parsed.rows)
        if checked is None:
            return {"file_error": error, **import_context(parsed, None)}
        if checked.errors:
            parsed.errors = checked.errors
            return import_context(parsed, None)
        return {
            **import_context(parsed, checked),
            "token": import_token(kind, staged.keep(), user),
            "filename": form.cleaned_data["file"].name,
        }


def import_context(parsed, preview) -> dict:
    """What the import page shows: the first errors, and the first rows that change and that
    stay the same, with how many more there are."""
    context = {"parsed": parsed}
    if parsed is not None:
        context["errors"] = parsed.errors[:ERRORS_SHOWN]
        context["errors_more"] = max(0, len(parsed.errors) - ERRORS_SHOWN)
        context["warnings"] = parsed.warnings[:ERRORS_SHOWN]
        context["warnings_more"] = max(0, len(parsed.warnings) - ERRORS_SHOWN)
    if preview is not None:
        changing = [row for row in preview.rows if row.status != UNCHANGED]
        unchanged = preview.unchanged
        context.update(
            {
                "preview": preview,
                "changing": changing[:PREVIEW_ROWS_SHOWN],
                "changing_more": max(0, len(changing) - PREVIEW_ROWS_SHOWN),
                "unchanged": unchanged[:PREVIEW_ROWS_SHOWN],
                "unchanged_more": max(0, len(unchanged) - PREVIEW_ROWS_SHOWN),
            }
        )
    return context
