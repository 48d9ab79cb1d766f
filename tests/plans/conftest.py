"""Fixtures of the plan's tests: the real plan's tasks by code, real files to upload,
a commune activity and one recorded by enterprise A (with a photo)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plans import services
from plans.models import Activity
from plans.uploads import check_evidence_files


def png_bytes(size=(32, 24), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


# A minimal but well-formed one-page PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)
# The start of a Windows program (MZ header, PE stub) as libmagic recognises it.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + (b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00L\x01\x03\x00" + b"\x00" * 300)
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(name="anh-hoat-dong.png"):
    return upload(name, png_bytes(), "image/png")


def pdf_upload(name="bien-ban.pdf"):
    return upload(name, PDF_BYTES, "application/pdf")


@pytest.fixture
def tasks(plan):
    from plans.forms import plan_tasks

    return {task.code: task for task in plan_tasks(plan)}


def record_activity(*, task, user, owner=None, enterprises=(), files=(), **fields):
    """An activity saved the way the portal saves it (with history and checked files)."""
    activity = Activity(
        task=task,
        owner_enterprise=owner,
        date=fields.pop("date", datetime.date(2025, 10, 2)),
        title=fields.pop("title", "Tuần lễ hưởng ứng học tập suốt đời"),
        **fields,
    )
    return services.activity_save(
        activity=activity,
        enterprises=list(enterprises),
        files=check_evidence_files(list(files)),
        user=user,
    )


@pytest.fixture
def commune_activity(tasks, official, enterprise_a, enterprise_b):
    return record_activity(
        task=tasks["1c"],
        user=official,
        enterprises=[enterprise_a, enterprise_b],
        title="Ngày Sách và Văn hoá đọc Việt Nam",
        date=datetime.date(2025, 4, 21),
        files=[png_upload("ngay-sach.png")],
        workers_reached=90,
    )


@pytest.fixture
def activity_a(tasks, officer_a, enterprise_a):
    """Recorded by enterprise A's officer: enterprise A's, invisible to enterprise B."""
    return record_activity(
        task=tasks["4b"],
        user=officer_a,
        owner=enterprise_a,
        enterprises=[enterprise_a],
        title="Hội thi “Bàn tay vàng” An Phát",
        date=datetime.date(2025, 8, 22),
        files=[png_upload("ban-tay-vang.png"), pdf_upload("ket-qua.pdf")],
        workers_reached=40,
    )
