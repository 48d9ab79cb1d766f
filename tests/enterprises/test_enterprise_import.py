"""Importing the enterprise list from Excel: checked row by row, previewed, all or nothing."""

import datetime
import io
import zipfile

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from enterprises import imports, services
from enterprises.models import EconomicSector, Enterprise, LegalForm

from .conftest import ENTERPRISE_HEADER, TITLE_BLOCK, upload

pytestmark = pytest.mark.django_db

ROWS = [
    [
        1,
        "Công ty TNHH Dệt kim Hoàng Hợp",
        "2809000001",
        "Thôn 5",
        "Dệt kim",
        "Tư nhân",
        "Công đoàn cơ sở Dệt kim",
        "0237 3869 001",
        "detkim@example.vn",
    ],
    [
        2,
        "Hợp tác xã Dịch vụ nông nghiệp Hoàng Hợp",
        2809000002,
        "Thôn 2",
        "Nông nghiệp",
        "hợp tác xã",
        None,
        2373869002,
        None,
    ],
    [
        3,
        "Công ty TNHH Giày Hoàng Hợp – chi nhánh",
        "2809000001-001",
        "Thôn 1",
        "Da giày",
        "Có vốn đầu tư nước ngoài (FDI)",
        "CĐCS Giày",
        None,
        None,
    ],
]


@pytest.fixture
def official_client(client_for, official):
    return client_for(official)


def test_a_good_file_is_previewed_then_saved_on_confirmation(official_client, official, workbook, import_enterprises):
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]))
    assert preview.status_code == 200
    assert not Enterprise.objects.exists()  # nothing before the official confirms
    changes = preview.context["preview"]
    assert (len(changes.new), len(changes.updated), len(changes.unchanged)) == (3, 0, 0)
    assert "Dệt kim Hoàng Hợp" in preview.content.decode()

    response = official_client.post(
        reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"]}
    )
    assert response.status_code == 302
    knit = Enterprise.objects.get(tax_code="2809000001")
    # "Tư nhân" under "Loại hình" (old templates): the sector, the legal form left to choose.
    assert (knit.legal_form, knit.economic_sector) == ("", EconomicSector.NON_STATE)
    assert (knit.has_union, knit.union_name) == (True, "Công đoàn cơ sở Dệt kim")
    coop = Enterprise.objects.get(tax_code="2809000002")  # a tax code typed as a number
    assert (coop.legal_form, coop.has_union, coop.phone) == (LegalForm.COOPERATIVE, False, "02373869002")
    branch = Enterprise.objects.get(tax_code="2809000001-001")
    assert branch.economic_sector == EconomicSector.FOREIGN
    record = knit.history.get()
    assert (record.history_user, record.history_change_reason) == (official, "import")


def test_the_header_is_found_below_a_title_block_and_an_stt_column_is_normal(
    official_client, workbook, import_enterprises
):
    import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS], title=TITLE_BLOCK), confirm=True)
    assert Enterprise.objects.count() == 3


def test_headers_match_ignoring_case_and_spaces_in_any_order(official_client, workbook, import_enterprises):
    header = ["  mã SỐ thuế ", "TÊN DOANH NGHIỆP", "email"]
    import_enterprises(workbook([header, ["2809000009", "Công ty TNHH Nhỏ", "a@b.vn"]]), confirm=True)
    assert Enterprise.objects.get(tax_code="2809000009").email == "a@b.vn"


def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row(official_client, workbook, import_enterprises):
    bad = [4, "Công ty TNHH Sai mã", "28090", "Thôn 3", None, None, None, None, None]
    response = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS, bad], title=TITLE_BLOCK))
    assert not Enterprise.objects.exists()
    assert "token" not in response.context
    errors = response.context["errors"]
    assert [e.row for e in errors] == [len(TITLE_BLOCK) + 5]
    assert "28090" in errors[0].message and "không hợp lệ" in errors[0].message
    assert "Không có gì được lưu" in response.content.decode()


def test_the_upload_page_of_a_file_with_a_bad_row_offers_nothing_to_confirm(
    official_client, workbook, import_enterprises, settings
):
    bad = [4, "Công ty TNHH Sai mã", "28090", "Thôn 3", None, None, None, None, None]
    response = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS, bad]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "plan" not in response.context
    assert reverse("enterprises:enterprise_import_confirm") not in page
    assert "data-confirm-import" not in page
    assert not Enterprise.objects.exists()
    assert not list((settings.MEDIA_ROOT / "imports").glob("*.xlsx"))  # the upload is not kept


@pytest.mark.parametrize(
    "row, fragment",
    [
        (["", "2809000007", "", "", "", "", "", ""], "“Tên doanh nghiệp” đang trống"),
        (["Công ty X", "", "Thôn 1", "", "", "", "", ""], "“Mã số thuế” đang trống"),
        (["Công ty X", "2809000007", "", "", "", "", "abc", ""], "số điện thoại"),
        (["Công ty X", "2809000007", "", "", "", "", "", "không-phải-email"], "Email"),
    ],
)
def test_bad_cells_are_explained_in_vietnamese(official_client, workbook, import_enterprises, row, fragment):
    response = import_enterprises(workbook([ENTERPRISE_HEADER[1:], row]))
    messages = [e.message for e in response.context["errors"]]
    assert any(fragment in message for message in messages), messages
    assert [e.row for e in response.context["errors"]] == [2]
    assert not Enterprise.objects.exists()


def test_duplicate_tax_codes_within_the_file_are_an_error_naming_both_rows(
    official_client, workbook, import_enterprises
):
    rows = [ENTERPRISE_HEADER, ROWS[0], [9, "Công ty khác", "2809 000 001", "", "", "", "", "", ""]]
    response = import_enterprises(workbook(rows))
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3]
    assert "2809000001" in errors[0].message and "2" in errors[0].message
    assert not Enterprise.objects.exists()


def test_a_known_tax_code_updates_the_enterprise_and_empty_cells_erase_nothing(
    official_client, official, workbook, import_enterprises
):
    import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]), confirm=True)
    knit = Enterprise.objects.get(tax_code="2809000001")
    renamed = [1, "Công ty CP Dệt kim Hoàng Hợp", "2809000001", "Thôn 6", None, None, None, None, None]
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, renamed, ROWS[1]]), confirm=False)
    changes = preview.context["preview"]
    assert (len(changes.new), len(changes.updated), len(changes.unchanged)) == (0, 1, 1)
    assert {(c.old, c.new) for c in changes.updated[0].changes} == {
        ("Công ty TNHH Dệt kim Hoàng Hợp", "Công ty CP Dệt kim Hoàng Hợp"),
        ("Thôn 5", "Thôn 6"),
    }
    official_client.post(reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"]})
    assert Enterprise.objects.count() == 3
    knit.refresh_from_db()
    assert (knit.name, knit.address, knit.email, knit.sector) == (
        "Công ty CP Dệt kim Hoàng Hợp",
        "Thôn 6",
        "detkim@example.vn",
        "Dệt kim",
    )
    assert knit.history.count() == 2


def test_a_workbook_missing_a_required_header_is_refused(official_client, workbook, import_enterprises):
    response = import_enterprises(workbook([["STT", "Mã số thuế", "Địa chỉ"], [1, "2809000001", "Thôn 1"]]))
    assert "Thiếu cột bắt buộc" in response.context["errors"][0].message
    assert "Tên doanh nghiệp" in response.context["errors"][0].message


def test_a_workbook_without_a_tax_code_header_in_the_first_15_rows_is_refused(
    official_client, workbook, import_enterprises
):
    response = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS], title=[["tiêu đề"]] * 15))
    assert "Mã số thuế" in response.context["file_error"]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "content, name, fragment",
    [
        (b"Ten,Ma so thue\nA,2809000001\n", "danh-sach.csv", ".xlsx"),
        (b"\xd0\xcf\x11\xe0 old excel", "danh-sach.xls", ".xlsx"),
        (b"this is not a workbook at all", "danh-sach.xlsx", "không phải là bảng tính Excel"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_without_a_crash(
    official_client, import_enterprises, content, name, fragment
):
    response = import_enterprises(content, name=name)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(official_client, import_enterprises):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    response = import_enterprises(buffer.getvalue())
    assert "không đọc được" in response.context["file_error"]


def test_more_than_5000_rows_are_refused(official_client, workbook, import_enterprises):
    rows = [[f"Công ty {n}", f"{2810000000 + n}"] for n in range(imports.MAX_ENTERPRISE_ROWS + 1)]
    response = import_enterprises(workbook([["Tên doanh nghiệp", "Mã số thuế"], *rows]))
    assert "5.000" in response.context["file_error"]
    assert not Enterprise.objects.exists()


def test_an_import_of_many_rows_takes_few_queries(
    official_client, workbook, import_enterprises, django_assert_max_num_queries
):
    rows = [[f"Công ty {n}", f"{2810000000 + n}", f"Thôn {n % 8 + 1}"] for n in range(1500)]
    content = workbook([["Tên doanh nghiệp", "Mã số thuế", "Địa chỉ"], *rows])
    with django_assert_max_num_queries(80):
        import_enterprises(content, confirm=True)
    assert Enterprise.objects.count() == 1500


def test_a_confirmation_token_belongs_to_the_official_who_uploaded(
    official_client, client_for, workbook, import_enterprises
):
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]))
    from tests.factories import OfficialFactory

    other = client_for(OfficialFactory(username="chi.other"))
    response = other.post(reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302
    assert not Enterprise.objects.exists()


def test_a_forged_token_is_refused(official_client):
    response = official_client.post(
        reverse("enterprises:enterprise_import_confirm"), {"token": "../../etc/passwd"}, follow=True
    )
    assert not Enterprise.objects.exists()
    assert "tải tệp lên lại" in response.content.decode()


def test_cancelling_discards_the_uploaded_file(official_client, workbook, import_enterprises, settings):
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]))
    assert list((settings.MEDIA_ROOT / "imports").glob("*.xlsx"))
    official_client.post(
        reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"], "cancel": "1"}
    )
    assert not list((settings.MEDIA_ROOT / "imports").glob("*.xlsx"))
    assert not Enterprise.objects.exists()


def test_a_confirmed_file_cannot_be_imported_twice(official_client, workbook, import_enterprises):
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]))
    url = reverse("enterprises:enterprise_import_confirm")
    official_client.post(url, {"token": preview.context["token"]})
    official_client.post(url, {"token": preview.context["token"]})
    assert Enterprise.objects.count() == 3
    assert Enterprise.history.count() == 3


def test_the_template_has_a_title_block_a_note_and_the_headers(official_client):
    from openpyxl import load_workbook

    response = official_client.get(reverse("enterprises:enterprise_import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 16) if sheet.cell(r, 3).value == "Mã số thuế")
    assert header_row > 2
    # The older lists' columns, with the economic sector beside the legal form.
    assert [c.value for c in sheet[header_row]] == [
        *ENTERPRISE_HEADER[:6],
        "Thành phần kinh tế",
        *ENTERPRISE_HEADER[6:],
    ]
    assert "Ghi chú" in sheet.cell(header_row - 2, 1).value
    assert sheet.cell(header_row + 1, 2).value is None  # no example row to import by mistake


def test_the_template_itself_imports_cleanly_once_filled(official_client, import_enterprises):
    from openpyxl import load_workbook

    content = official_client.get(reverse("enterprises:enterprise_import_template")).content
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    header_row = next(r for r in range(1, 16) if sheet.cell(r, 3).value == "Mã số thuế")
    for column, value in enumerate([1, "Công ty TNHH Mẫu", "2809000042", "Thôn 8", "", "Hộ kinh doanh"], start=1):
        sheet.cell(header_row + 1, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    import_enterprises(buffer.getvalue(), confirm=True)
    assert Enterprise.objects.get(tax_code="2809000042").legal_form == LegalForm.HOUSEHOLD


def test_the_upload_form_refuses_files_over_the_size_limit(official_client, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = official_client.post(reverse("enterprises:enterprise_import"), {"file": upload(b"PK" + b"x" * 200)})
    assert "file" in response.context["form"].errors


def test_every_problem_of_a_row_is_listed_at_once(official_client, workbook, import_enterprises):
    row = ["", "123", "", "", "", "", "", "abc"]
    response = import_enterprises(workbook([ENTERPRISE_HEADER[1:], row]))
    messages = " | ".join(e.message for e in response.context["errors"])
    assert "“Tên doanh nghiệp” đang trống" in messages
    assert "Mã số thuế “123” không hợp lệ" in messages
    assert "Email" in messages
    assert {e.row for e in response.context["errors"]} == {2}


def test_a_tax_code_excel_stored_as_a_number_gets_back_the_zero_it_dropped(
    official_client, workbook, import_enterprises
):
    """Hà Nội's codes begin with 01; typed into a number cell, Excel keeps 101234567."""
    rows = [["Tên doanh nghiệp", "Mã số thuế"], ["Công ty TNHH Thủ Đô", 101234567], ["Công ty TNHH Tám Số", 12345678]]
    response = import_enterprises(workbook(rows), confirm=False)
    assert [(e.row, "12345678" in e.message) for e in response.context["errors"]] == [(3, True)]
    import_enterprises(workbook(rows[:2]), confirm=True)
    assert Enterprise.objects.get().tax_code == "0101234567"


def staged(settings):
    return list((settings.MEDIA_ROOT / "imports").glob("*"))


def test_an_upload_that_breaks_the_import_leaves_no_copy_behind(
    official_client, workbook, import_enterprises, settings, monkeypatch
):
    def broken(path):
        raise RuntimeError("a bug in the import")

    monkeypatch.setattr(imports, "parse_enterprises", broken)
    with pytest.raises(RuntimeError):
        import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]))
    assert staged(settings) == []


def test_a_confirmation_that_fails_discards_the_copy_it_asks_to_upload_again(
    official_client, workbook, import_enterprises, settings, monkeypatch
):
    preview = import_enterprises(workbook([ENTERPRISE_HEADER, *ROWS]), confirm=False)
    assert len(staged(settings)) == 1

    def racing(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "enterprises_import", racing)
    response = official_client.post(
        reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert "Hãy tải tệp lên lại" in response.content.decode()
    assert staged(settings) == []


# --- "Theo dõi từ ngày" -------------------------------------------------------------------


def test_follow_dates_are_read_from_real_excel_dates_and_from_dd_mm_yyyy_text(
    official_client, workbook, import_enterprises
):
    header = ["Tên doanh nghiệp", "Mã số thuế", "Theo dõi từ ngày"]
    rows = [
        ["Công ty A", "2809000001", datetime.datetime(2026, 3, 2)],
        ["Công ty B", "2809000002", "15/04/2026"],
        ["Công ty C", "2809000003", None],
    ]
    import_enterprises(workbook([header, *rows]), confirm=True)
    followed = dict(Enterprise.objects.values_list("tax_code", "followed_from"))
    assert followed == {
        "2809000001": datetime.date(2026, 3, 2),
        "2809000002": datetime.date(2026, 4, 15),
        "2809000003": timezone.localdate(),  # empty: followed from the day it was added
    }


@pytest.mark.parametrize("value", ["31/02/2026", "tháng 3", "2026"])
def test_a_follow_date_that_is_not_a_date_is_refused_naming_the_row_and_the_column(
    official_client, workbook, import_enterprises, value
):
    header = ["Tên doanh nghiệp", "Mã số thuế", "Theo dõi từ ngày"]
    response = import_enterprises(
        workbook([header, ["Công ty A", "2809000001", "02/03/2026"], ["Công ty B", "2809000002", value]])
    )
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3]
    assert "Theo dõi từ ngày" in errors[0].message and "không phải là ngày" in errors[0].message
    assert "token" not in response.context
    assert not Enterprise.objects.exists()


def test_a_follow_date_more_than_a_year_ahead_is_refused(official_client, workbook, import_enterprises):
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    header = ["Tên doanh nghiệp", "Mã số thuế", "Theo dõi từ ngày"]
    response = import_enterprises(workbook([header, ["Công ty A", "2809000001", too_late.strftime("%d/%m/%Y")]]))
    errors = response.context["errors"]
    assert [e.row for e in errors] == [2]
    assert errors[0].message.startswith("Theo dõi từ ngày") and "một năm" in errors[0].message
    assert not Enterprise.objects.exists()


def test_a_follow_date_after_the_enterprise_was_stopped_is_refused_and_nothing_is_saved(
    official_client, workbook, import_enterprises
):
    from tests.factories import EnterpriseFactory

    stopped = EnterpriseFactory(tax_code="2809000001", is_active=False, stopped_from=datetime.date(2025, 1, 1))
    header = ["Tên doanh nghiệp", "Mã số thuế", "Theo dõi từ ngày"]
    response = import_enterprises(
        workbook([header, ["Công ty Mới", "2809000002", "02/03/2026"], [stopped.name, "2809000001", "02/03/2026"]]),
        confirm=True,
    )
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3]
    assert "Theo dõi từ ngày" in errors[0].message and "01/01/2025" in errors[0].message
    assert "token" not in response.context
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["2809000001"]
    stopped.refresh_from_db()
    assert stopped.followed_from == datetime.date(2023, 1, 1)


def test_a_stop_recorded_between_the_preview_and_the_confirmation_saves_nothing(
    official_client, workbook, import_enterprises
):
    from tests.factories import EnterpriseFactory

    known = EnterpriseFactory(tax_code="2809000001")
    header = ["Tên doanh nghiệp", "Mã số thuế", "Theo dõi từ ngày"]
    preview = import_enterprises(
        workbook([header, ["Công ty Mới", "2809000002", "02/03/2026"], [known.name, "2809000001", "02/03/2026"]])
    )
    known.stop_following(datetime.date(2025, 1, 1))
    known.save()
    response = official_client.post(
        reverse("enterprises:enterprise_import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert "Hãy tải tệp lên lại" in response.content.decode()
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["2809000001"]


def test_the_template_formats_the_follow_date_column_as_dates(official_client):
    from openpyxl import load_workbook

    response = official_client.get(reverse("enterprises:enterprise_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 16) if sheet.cell(r, 3).value == "Mã số thuế")
    headers = [cell.value for cell in sheet[header_row]]
    column = headers.index("Theo dõi từ ngày") + 1
    assert sheet.column_dimensions[sheet.cell(header_row, column).column_letter].number_format == "dd/mm/yyyy"
    assert "Theo dõi từ ngày" in sheet.cell(header_row - 2, 1).value
