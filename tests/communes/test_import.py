"""The province administrator imports the official list of communes from Excel (code,
name, kind): every row checked, a preview, then all or nothing (issue 17, item 1)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from communes import imports, services
from communes.models import Commune
from tests import factories

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["STT", "Mã đơn vị hành chính", "Tên", "Loại"]
TITLE = [["ỦY BAN NHÂN DÂN TỈNH THANH HÓA"], ["DANH SÁCH XÃ, PHƯỜNG, ĐẶC KHU"], []]


def xlsx(rows, *, header=HEADER, title=TITLE) -> bytes:
    book = Workbook()
    for row in [*title, header, *rows]:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes):
    return SimpleUploadedFile("danh-sach-xa.xlsx", content, content_type=XLSX_TYPE)


GOOD = [
    [1, "16015", "Hoằng Giang", "Xã"],
    [2, 16018, "Xã Hoằng Phú", "xã"],  # a number cell, and the kind written before the name
    [3, "14950", "Hạc Thành", "Phường"],
    [4, 4, "Phúc Xá", "phuong"],  # Excel dropped the zeros of 00004
    [5, "22736", "Phú Quốc", "Đặc khu"],
]


def parsed(rows, **kwargs):
    return imports.parse_communes(io.BytesIO(xlsx(rows, **kwargs)))


class TestTheFile:
    def test_a_good_file_gives_every_commune(self):
        result = parsed(GOOD)
        assert result.errors == []
        assert [(r.row, r.code, r.name, r.kind) for r in result.rows] == [
            (5, "16015", "Hoằng Giang", "commune"),
            (6, "16018", "Hoằng Phú", "commune"),
            (7, "14950", "Hạc Thành", "ward"),
            (8, "00004", "Phúc Xá", "ward"),
            (9, "22736", "Phú Quốc", "special_zone"),
        ]

    def test_the_national_lists_headers_are_understood(self):
        header = ["Mã đơn vị hành chính", "Tên đơn vị hành chính", "Cấp"]
        result = parsed([["16015", "Xã Hoằng Giang", "Xã"]], header=header, title=())
        assert [(r.code, r.name) for r in result.rows] == [("16015", "Hoằng Giang")]

    @pytest.mark.parametrize(
        "row, message",
        [
            (
                [1, "1601", "Hoằng Giang", "Xã"],
                "Mã đơn vị hành chính “1601” không hợp lệ: phải gồm đúng 5 chữ số (ví dụ 16015).",
            ),
            (
                [1, "16O15", "Hoằng Giang", "Xã"],
                "Mã đơn vị hành chính “16O15” không hợp lệ: phải gồm đúng 5 chữ số (ví dụ 16015).",
            ),
            (
                [1, "00000", "Hoằng Giang", "Xã"],
                "Mã đơn vị hành chính: 00000 không phải mã của một xã: nhập mã xã theo Danh mục đơn vị hành chính.",
            ),
            ([1, "", "Hoằng Giang", "Xã"], "“Mã đơn vị hành chính” đang trống."),
            ([1, "16015", "", "Xã"], "“Tên” đang trống."),
            ([1, "16015", "Hoằng Giang", "Thị trấn"], "“Loại” là “Thị trấn”: ghi Xã, Phường hoặc Đặc khu."),
            ([1, "16015", "Hoằng Giang", ""], "“Loại” đang trống."),
        ],
    )
    def test_each_bad_row_is_refused_with_its_reason(self, row, message):
        result = parsed([row, [2, "16018", "Hoằng Phú", "Xã"]])
        assert [(error.row, error.message) for error in result.errors] == [(5, message)]

    def test_a_code_twice_in_the_file_is_refused_naming_the_other_row(self):
        result = parsed([[1, "16015", "Hoằng Giang", "Xã"], [2, "16015", "Hoằng Phú", "Xã"]])
        assert [(error.row, error.message) for error in result.errors] == [
            (6, "Mã 16015 xuất hiện nhiều lần trong tệp (cả ở dòng 5).")
        ]

    def test_the_template_reads_back_as_an_empty_list(self):
        content = imports.commune_template(issuer="Ủy ban nhân dân tỉnh Thanh Hóa")
        sheet = load_workbook(io.BytesIO(content)).active
        assert [cell.value for cell in sheet[5]] == HEADER
        result = imports.parse_communes(io.BytesIO(content))
        assert [error.message for error in result.errors] == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề cột."]


class TestTheService:
    def test_a_code_on_record_is_refused_and_nothing_is_saved(self, commune):
        factories.CommuneFactory(code="16015", name="Hoằng Giang")
        rows = parsed(GOOD).rows
        preview = services.commune_import_preview(rows)
        assert [(error.row, error.message) for error in preview.errors] == [
            (5, "Mã 16015 đã có: xã Hoằng Giang. Bỏ dòng này, hoặc sửa mã.")
        ]
        with pytest.raises(services.ImportRefused):
            services.communes_import(rows=rows, user=None)
        assert Commune.objects.count() == 2

    def test_the_communes_added_get_their_body_and_the_provinces_bodies(self, commune, province_admin):
        created = services.communes_import(rows=parsed(GOOD).rows, user=province_admin)
        assert len(created) == 5
        ward = Commune.objects.get(code="14950")
        assert (ward.kind, ward.body, ward.place, ward.slug) == (
            "ward",
            "Ủy ban nhân dân phường Hạc Thành",
            "Hạc Thành",
            "hac-thanh",
        )
        assert (ward.superior, ward.addressee) == (commune.superior, commune.addressee)
        assert ward.history.get().history_user == province_admin
        assert Commune.objects.served() == commune  # the installation still serves its own

    def test_a_name_already_used_gets_the_code_in_its_short_name(self, commune):
        services.communes_import(rows=parsed([[1, "16999", "Hoàng Hợp", "Xã"]]).rows, user=None)
        assert Commune.objects.get(code="16999").slug == "hoang-hop-16999"


class TestThePages:
    def test_preview_then_confirm_adds_the_communes(self, client_for, province_admin, commune):
        client = client_for(province_admin)
        response = client.post(reverse("province:commune_import"), {"file": upload(xlsx(GOOD))})
        assert response.status_code == 200
        assert "Sẽ thêm 5 xã." in response.content.decode()
        assert Commune.objects.count() == 1  # nothing yet
        response = client.post(reverse("province:commune_import_confirm"), {"token": response.context["token"]})
        assert response.status_code == 302
        assert Commune.objects.count() == 6
        page = client.get(response["Location"]).content.decode()
        assert "Đã nhập xong: thêm 5 xã." in page

    def test_a_file_with_any_bad_row_saves_nothing_and_lists_every_problem(self, client_for, province_admin, commune):
        rows = [*GOOD, [6, "1234", "Sai Mã", "Xã"], [7, "16015", "Trùng Mã", "Xã"], [8, "16100", "", "Thị trấn"]]
        response = client_for(province_admin).post(reverse("province:commune_import"), {"file": upload(xlsx(rows))})
        page = response.content.decode()
        assert "Không có gì được lưu." in page
        assert [error.row for error in response.context["errors"]] == [10, 11, 12, 12]
        assert "token" not in response.context
        assert Commune.objects.count() == 1

    def test_a_code_already_recorded_is_refused_at_the_preview(self, client_for, province_admin, commune):
        factories.CommuneFactory(code="22736", name="Phú Quốc")
        response = client_for(province_admin).post(reverse("province:commune_import"), {"file": upload(xlsx(GOOD))})
        assert [error.message for error in response.context["errors"]] == [
            "Mã 22736 đã có: xã Phú Quốc. Bỏ dòng này, hoặc sửa mã."
        ]
        assert Commune.objects.count() == 2

    def test_a_commune_recorded_between_preview_and_confirmation_saves_nothing(
        self, client_for, province_admin, commune
    ):
        client = client_for(province_admin)
        response = client.post(reverse("province:commune_import"), {"file": upload(xlsx(GOOD))})
        factories.CommuneFactory(code="16015", name="Hoằng Giang")
        response = client.post(reverse("province:commune_import_confirm"), {"token": response.context["token"]})
        assert response.status_code == 302
        assert Commune.objects.count() == 2

    def test_the_template_downloads(self, client_for, province_admin, commune):
        response = client_for(province_admin).get(reverse("province:commune_import_template"))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="mau-danh-sach-xa-phuong.xlsx"'
