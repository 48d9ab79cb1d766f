"""Evidence files are what they are, whatever they are called (issue 12, finding 6): the name
kept and served gets the extension of the detected type, and a PDF is parsed, so one that
runs scripts or launches programs is refused. The hostile files are made here, with pypdf."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from plans.uploads import check_evidence_file, with_extension
from tests.plans.conftest import PDF_BYTES


def pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def javascript_on_open(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def launch_on_open(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def test_a_pdf_named_hta_is_kept_and_served_as_a_pdf():
    checked = check_evidence_file(upload("bao-cao.hta", pdf()))
    assert checked.original_name == "bao-cao.pdf"
    assert checked.storage_name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content_type", "kept"),
    [
        ("anh.JPEG", "image/jpeg", "anh.JPEG"),
        ("anh.jpg", "image/jpeg", "anh.jpg"),
        ("anh.png", "image/jpeg", "anh.jpg"),
        ("bien-ban", "application/pdf", "bien-ban.pdf"),
        ("hop.webp.exe", "image/webp", "hop.webp.webp"),
    ],
)
def test_the_kept_name_ends_with_the_detected_types_extension(name, content_type, kept):
    assert with_extension(name, content_type) == kept


def test_a_plain_pdf_is_accepted():
    assert check_evidence_file(upload("ket-qua.pdf", pdf())).content_type == "application/pdf"
    assert check_evidence_file(upload("bien-ban.pdf", PDF_BYTES)).content_type == "application/pdf"


@pytest.mark.parametrize(
    "build",
    [
        javascript_on_open,
        launch_on_open,
        lambda writer: writer.add_attachment("chay.exe", b"MZ"),
    ],
    ids=["javascript", "launch", "embedded file"],
)
def test_a_pdf_that_runs_or_carries_something_is_refused(build):
    with pytest.raises(ValidationError) as refused:
        check_evidence_file(upload("bao-cao.pdf", pdf(build)))
    assert refused.value.code == "active_pdf"


def test_a_script_between_pdf_markers_is_not_a_pdf():
    polyglot = b'%PDF-1.4\n<script language=VBScript>CreateObject("WScript.Shell")</script>\n%%EOF\n'
    with pytest.raises(ValidationError) as refused:
        check_evidence_file(upload("bao-cao.hta", polyglot))
    assert refused.value.code == "damaged"
