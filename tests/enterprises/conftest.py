"""Helpers for the enterprises tests: workbooks built with openpyxl, and the upload →
preview → confirm steps of an import the way a browser performs them. An import is
confirmed only when a test asks (`confirm=True`): otherwise the test sees the upload page,
so that a preview offering to save a file it should have refused cannot go unnoticed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

ENTERPRISE_HEADER = [
    "STT",
    "Tên doanh nghiệp",
    "Mã số thuế",
    "Địa chỉ",
    "Ngành nghề",
    "Loại hình",
    "Công đoàn cơ sở",
    "Điện thoại",
    "Email",
    "Theo dõi từ ngày",
]
ROSTER_HEADER = [
    "STT",
    "Mã nhân viên",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Công việc",
    "Chính trị, pháp luật",
    "Kỹ năng nghề",
    "Kỹ năng sống",
    "Công nghệ số",
    "Công dân học tập",
]
TITLE_BLOCK = [["ỦY BAN NHÂN DÂN XÃ HOÀNG HỢP"], ["DANH SÁCH DOANH NGHIỆP"], ["Ghi chú: mã số thuế 10 chữ số"], []]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def workbook(tmp_path):
    """workbook(rows, title=[...]) -> the .xlsx bytes of one sheet: the title rows, then `rows`."""

    def build(rows, *, title=()):
        book = Workbook()
        sheet = book.active
        for row in [*title, *rows]:
            sheet.append(list(row))
        path = tmp_path / "upload.xlsx"
        book.save(path)
        return path.read_bytes()

    return build


def upload(content: bytes, name: str = "danh-sach.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


@pytest.fixture
def import_enterprises(client):
    """Upload a workbook to the enterprise import as the logged-in client, and confirm the
    preview if asked (the upload page is returned when it offered nothing to confirm)."""

    def run(content, *, confirm=False, name="danh-sach.xlsx"):
        response = client.post(reverse("enterprises:enterprise_import"), {"file": upload(content, name)})
        if confirm and response.context and response.context.get("token"):
            return client.post(reverse("enterprises:enterprise_import_confirm"), {"token": response.context["token"]})
        return response

    return run


@pytest.fixture
def import_roster(client):
    """The same for a worker roster (the upload page unless confirm=True)."""

    def run(enterprise, content, *, confirm=False, deactivate_missing=False):
        data = {"file": upload(content, "cong-nhan.xlsx")}
        if deactivate_missing:
            data["deactivate_missing"] = "on"
        response = client.post(reverse("indicators:worker_import", args=[enterprise.pk]), data)
        if confirm and response.context and response.context.get("token"):
            return client.post(
                reverse("indicators:worker_import_confirm", args=[enterprise.pk]), {"token": response.context["token"]}
            )
        return response

    return run
