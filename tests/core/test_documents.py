"""The Decree 30/2020 parts of a document, as text: header block, date line, recipients, signature."""

import datetime

import pytest

from core import documents


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.date(2026, 1, 5), "Hoàng Hợp, ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 28), "Hoàng Hợp, ngày 28 tháng 02 năm 2026"),
        (datetime.date(2025, 3, 9), "Hoàng Hợp, ngày 09 tháng 3 năm 2025"),
        (datetime.date(2025, 10, 1), "Hoàng Hợp, ngày 01 tháng 10 năm 2025"),
        (datetime.date(2025, 12, 31), "Hoàng Hợp, ngày 31 tháng 12 năm 2025"),
    ],
)
def test_the_date_pads_days_below_10_and_january_and_february_with_a_zero(day, expected):
    # Decree 30/2020, Appendix I: "ngày nhỏ hơn 10 và tháng 1, 2 phải ghi thêm số 0".
    assert documents.place_and_date("Hoàng Hợp", day) == expected


@pytest.mark.parametrize(
    "body, lines",
    [
        ("Ủy ban nhân dân xã Hoàng Hợp", ("ỦY BAN NHÂN DÂN", "XÃ HOÀNG HỢP")),
        ("Ủy ban nhân dân phường Ba Đình", ("ỦY BAN NHÂN DÂN", "PHƯỜNG BA ĐÌNH")),
        ("Ủy ban nhân dân thị trấn Bút Sơn", ("ỦY BAN NHÂN DÂN", "THỊ TRẤN BÚT SƠN")),
        ("Ủy ban  nhân dân\nthành phố Thanh Hóa", ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ THANH HÓA")),
        ("Ban quản lý dự án", ("BAN QUẢN LÝ DỰ ÁN", "")),
    ],
)
def test_the_body_is_split_before_its_level_word(body, lines):
    assert documents.body_lines(body) == lines


def test_the_header_block_has_the_body_the_nation_the_motto_the_number_and_the_date():
    header = documents.header_block(
        body="Ủy ban nhân dân xã Hoàng Hợp", place="Hoàng Hợp", when=datetime.date(2026, 1, 5)
    )
    assert header == documents.HeaderBlock(
        body=("ỦY BAN NHÂN DÂN", "XÃ HOÀNG HỢP"),
        national_title="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        motto="Độc lập - Tự do - Hạnh phúc",
        number="Số:       /BC-UBND",
        place_and_date="Hoàng Hợp, ngày 05 tháng 01 năm 2026",
    )


def test_the_report_goes_to_the_addressee_and_the_superior_body_and_is_archived():
    recipients = documents.recipients(
        addressee="Liên đoàn Lao động huyện Hoàng Hoá", superior="Ủy ban nhân dân huyện Hoàng Hoá"
    )
    assert recipients.heading == "Nơi nhận:"
    assert recipients.entries == [
        "Liên đoàn Lao động huyện Hoàng Hoá (b/c);",
        "Ủy ban nhân dân huyện Hoàng Hoá (b/c);",
        "Lưu: VT.",
    ]


@pytest.mark.parametrize("superior", ["Liên đoàn Lao động tỉnh Thanh Hóa", ""])
def test_a_superior_body_that_is_the_addressee_or_none_is_not_named_twice(superior):
    recipients = documents.recipients(addressee="Liên đoàn Lao động tỉnh Thanh Hóa", superior=superior)
    assert recipients.entries == ["Liên đoàn Lao động tỉnh Thanh Hóa (b/c);", "Lưu: VT."]


def test_the_chair_signs_on_behalf_of_the_committee():
    signature = documents.signature(
        body="Ủy ban nhân dân xã Hoàng Hợp", signer_title="Chủ tịch", signer_name="Lê Văn Phụng"
    )
    assert signature == documents.Signature(authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], name="Lê Văn Phụng")


def test_a_deputy_signs_for_the_chair_above_their_own_title():
    signature = documents.signature(
        body="Ủy ban nhân dân xã Hoàng Hợp", signer_title="Phó Chủ tịch", signer_name="Nguyễn Văn Bình"
    )
    assert signature.authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_without_a_signer_title_the_chair_signs():
    signature = documents.signature(body="Ủy ban nhân dân xã Hoàng Hợp", signer_title="", signer_name="")
    assert signature.authority == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_without_a_date_the_office_dates_it_by_hand():
    assert documents.place_and_date("Hoàng Hợp", None) == "Hoàng Hợp, ngày … tháng … năm …"


def test_the_number_line_with_and_without_a_number():
    assert documents.number_line(15) == "Số: 15/BC-UBND"
    assert documents.number_line(None) == "Số:       /BC-UBND"


def test_recipients_carry_their_purpose_and_the_archive_comes_last():
    recipients = documents.recipient_list(
        [("Liên đoàn Lao động tỉnh Thanh Hóa", "b/c"), ("Ủy ban MTTQ xã", "p/h")], archive="VT, VHXH"
    )
    assert recipients.entries == [
        "Liên đoàn Lao động tỉnh Thanh Hóa (b/c);",
        "Ủy ban MTTQ xã (p/h);",
        "Lưu: VT, VHXH.",
    ]


def test_a_commune_slug_keeps_the_letter_d():
    from core.identity import ascii_slug

    assert ascii_slug("Đông Sơn") == "dong-son"
    assert ascii_slug("Hoàng Hợp") == "hoang-hop"
