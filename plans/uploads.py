"""Checking evidence files (photos, PDF) before anything is stored.

A file is judged by its content, never by its name or the browser's declared type:
libmagic reads the first bytes, images must then open and verify with Pillow, and a
PDF must end like one. Whatever the uploader called it, the stored file gets a random
name and the extension of what it really is; the original name is kept only for
display and for the download's Content-Disposition.
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
        original_name=name,
        storage_name=f"{uuid.uuid4().hex}{extension}",
    )


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
