"""Checking evidence files (photos, PDF) before anything is stored.

A file is judged by its content, never by its name or the browser's declared type:
libmagic reads the first bytes, images must then open and verify with Pillow, and a
PDF must end like one and parse (pypdf) without scripts, launch actions or embedded
files. Whatever the uploader called it, the stored file gets a random name and the
extension of what it really is; the uploader's name, with that extension too, is kept
for display and for the download's Content-Disposition.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
import warnings
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PdfStreamError
from pypdf.generic import DictionaryObject, StreamObject

# Detected MIME type -> (extension we store it under, Pillow format or None for PDF).
ALLOWED_TYPES = {
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "image/webp": (".webp", "WEBP"),
    "application/pdf": (".pdf", None),
}
ACCEPT_ATTRIBUTE = ".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf"
MAX_FILES_PER_UPLOAD = 10
# A PDF's last "%%EOF" sits at its very end; allow some trailing bytes that scanners add.
PDF_TAIL_BYTES = 8192
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what we learnt about it."""

    upload: UploadedFile
    content_type: str
    size: int
    original_name: str
    storage_name: str


def clean_original_name(name: str) -> str:
    """The uploader's file name, made safe to show and to put in a header."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or "tep-minh-chung"


def _read(upload: UploadedFile, start: int, length: int) -> bytes:
    upload.seek(start)
    data = upload.read(length)
    upload.seek(0)
    return data


def _image_is_sound(upload: UploadedFile, expected_format: str) -> bool:
    """Pillow must recognise the same format and find the data intact.

    Decompression bombs (tiny files that expand to gigapixels) are refused too:
    Pillow's warning for them is turned into an error here.
    """
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return False
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ):
        return False
    finally:
        upload.seek(0)
    return True


def check_evidence_file(upload: UploadedFile) -> CheckedFile:
    """Accept a JPEG, PNG, WebP or PDF within the size limit; raise ValidationError otherwise."""
    name = clean_original_name(upload.name)
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the largest allowed is %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    detected = magic.from_buffer(_read(upload, 0, HEAD_BYTES), mime=True)
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a photo (JPEG, PNG, WebP) or a PDF document, "
                "whatever its name says. Choose another file."
            ),
            code="wrong_type",
            params={"name": name},
        )
    extension, image_format = ALLOWED_TYPES[detected]
    if image_format:
        sound = _image_is_sound(upload, image_format)
    else:
        sound = b"%%EOF" in _read(upload, max(0, upload.size - PDF_TAIL_BYTES), PDF_TAIL_BYTES)
        if sound:
            active = _pdf_active_content(upload)
            if active is None:
                sound = False
            elif active:
                raise ValidationError(
                    _(
                        "The PDF “%(name)s” contains scripts, launch actions or embedded files, which "
                        "evidence never needs. Print it to a new PDF (or scan it) and upload that."
                    ),
                    code="active_pdf",
                    params={"name": name},
                )
    if not sound:
        raise ValidationError(
            _("The file “%(name)s” is damaged or was not uploaded completely."),
            code="damaged",
            params={"name": name},
        )
    return CheckedFile(
        upload=upload,
        content_type=detected,
        size=upload.size,
        original_name=with_extension(name, detected),
        storage_name=f"{uuid.uuid4().hex}{extension}",
    )


# The other extensions a type is commonly saved under; any other gets the type's own.
EXTENSION_ALIASES = {"image/jpeg": {".jpg", ".jpeg"}}


def with_extension(name: str, content_type: str) -> str:
    """The uploader's name with the extension of what the file really is: a PDF uploaded as
    "bao-cao.hta" is kept, shown and downloaded as "bao-cao.pdf"."""
    stem, extension = os.path.splitext(name)
    if extension.lower() in EXTENSION_ALIASES.get(content_type, {ALLOWED_TYPES[content_type][0]}):
        return name
    return f"{stem or name}{ALLOWED_TYPES[content_type][0]}"


# Keys and actions of a PDF that run something or carry other files; evidence needs none.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/Rendition"}
# More objects than any scanned report has: parsing stops there (the file is refused).
PDF_MAX_OBJECTS = 100_000


def _pdf_active_content(upload: UploadedFile) -> bool | None:
    """Parse the PDF (pypdf) and look at every object: True when it holds a script, a launch
    action or an embedded file; None when it cannot be parsed as a PDF (or is encrypted, so
    that nothing in it can be checked); False when it is a plain document."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return None
        ids = {idnum for table in reader.xref.values() for idnum in table} | set(reader.xref_objStm)
        if not ids or len(ids) > PDF_MAX_OBJECTS:
            return None
        for idnum in ids:
            obj = reader.get_object(idnum)
            if isinstance(obj, StreamObject | DictionaryObject) and (
                PDF_ACTIVE_KEYS & set(obj.keys()) or obj.get("/S") in PDF_ACTIVE_ACTIONS
            ):
                return True
        return False
    except (PdfReadError, PdfStreamError, ValueError, TypeError, KeyError, RecursionError):
        return None
    finally:
        upload.seek(0)


def check_evidence_files(uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Check every file and report every bad one at once, so one correction suffices."""
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("Attach at most %(count)s files at a time."),
            code="too_many",
            params={"count": MAX_FILES_PER_UPLOAD},
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_evidence_file(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked
