"""The commune report: the Word document read back, its honest state, the official's narrative.

The data set: year 2024, closed; A (200 workers) and B (300) approved, C submitted, D with no
report: 2 of 4 enterprises approved, exactly half, so the report is signable. Commune: 500
workers, a 420 (84 %), b 350 (70 %), c 340 (68 %), d 150 (30 %), e 160 (32 %).
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from core.templatetags.portal import num, pct
from indicators import progress
from indicators.models import PeriodKind, PeriodState, ReportStatus
from reports import content as report_content_module
from reports.models import Narrative, ReportKind
from reports.word import write_docx
from tests.factories import EnterpriseFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2025, 1, 20, 14, 5))
COUNTS_A = {"a": 180, "b": 150, "c": 130, "d": 60, "e": 60}
COUNTS_B = {"a": 240, "b": 200, "c": 210, "d": 90, "e": 100}


@pytest.fixture
def year_2024(plan, enterprise_a, enterprise_b):
    period = PeriodFactory(year=2024, kind=PeriodKind.ANNUAL)
    period.state = PeriodState.CLOSED  # load_plan made it, not yet opened
    period.save()
    ReportFactory(enterprise=enterprise_a, period=period, total_workers=200, female_workers=120, counts=COUNTS_A)
    ReportFactory(enterprise=enterprise_b, period=period, total_workers=300, female_workers=100, counts=COUNTS_B)
    ReportFactory(
        enterprise=EnterpriseFactory(tax_code="2801000001"),
        period=period,
        status=ReportStatus.SUBMITTED,
        total_workers=1000,
        counts={"a": 900},
    )
    EnterpriseFactory(tax_code="2801000002")
    return period


def docx_of(period, kind=ReportKind.PERIODIC):
    buffer = io.BytesIO()
    write_docx(period, kind, buffer, now=NOW)
    buffer.seek(0)
    return Document(buffer)


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def all_texts(document) -> list[str]:
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p.text for p in cell.paragraphs]
    return [text for text in found if text.strip()]


def run_of(paragraph):
    return next(run for run in paragraph.runs if run.text.strip())


def find(document, text):
    for paragraph in document.paragraphs:
        if paragraph.text == text:
            return paragraph
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text == text:
                        return paragraph
    raise AssertionError(f"no paragraph {text!r}")


class TestPage:
    def test_the_page_is_a4_with_decree_30_margins(self, year_2024):
        section = docx_of(year_2024).sections[0]
        # Stored in twentieths of a point: millimetres to a tenth.
        assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
        assert 20 <= round(section.top_margin.mm, 1) <= 25 and 20 <= round(section.bottom_margin.mm, 1) <= 25
        assert 30 <= round(section.left_margin.mm, 1) <= 35
        assert 15 <= round(section.right_margin.mm, 1) <= 20

    def test_everything_is_times_new_roman(self, year_2024):
        document = docx_of(year_2024)
        normal = document.styles["Normal"]
        assert normal.font.name == "Times New Roman"
        fonts = normal.element.rPr.rFonts
        assert {fonts.get(f"{{{fonts.nsmap['w']}}}{name}") for name in ("ascii", "hAnsi", "cs", "eastAsia")} == {
            "Times New Roman"
        }
        assert all(run.font.name in (None, "Times New Roman") for p in document.paragraphs for run in p.runs)

    def test_the_pages_are_numbered_from_the_second_centred_at_the_top(self, year_2024):
        section = docx_of(year_2024).sections[0]
        assert section.different_first_page_header_footer
        assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
        header = section.header.paragraphs[0]
        assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert "PAGE" in header._p.xml


class TestHeader:
    def test_the_issuing_body_and_the_nation_with_their_sizes(self, year_2024):
        document = docx_of(year_2024)
        for text, size in (
            ("ỦY BAN NHÂN DÂN", 13),
            ("XÃ HOÀNG HỢP", 13),
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13),
            ("Độc lập - Tự do - Hạnh phúc", 14),
        ):
            run = run_of(find(document, text))
            assert run.bold and run.font.size == Pt(size), text

    def test_the_number_and_the_date_are_left_blank_for_the_office(self, year_2024):
        document = docx_of(year_2024)
        assert find(document, "Số:       /BC-UBND")
        place = run_of(find(document, "Hoàng Hợp, ngày … tháng … năm …"))
        assert place.italic and place.font.size == Pt(14)

    def test_the_title_and_the_summary_line(self, year_2024):
        document = docx_of(year_2024)
        texts = paragraphs(document)
        title = find(document, "BÁO CÁO")
        assert run_of(title).bold and run_of(title).font.size == Pt(14)
        summary = texts[texts.index("BÁO CÁO") + 1]
        assert summary.startswith("Kết quả triển khai thực hiện Chương trình “Đẩy mạnh")
        assert summary.endswith("năm 2024")
        assert "Kính gửi: Liên đoàn Lao động tỉnh Thanh Hóa" in texts

    def test_it_says_when_the_figures_were_taken(self, year_2024):
        assert "(Số liệu tính đến 14:05 ngày 20/01/2025)" in paragraphs(docx_of(year_2024))


class TestBody:
    def test_the_five_sections_in_order_at_14_pt_justified_and_indented(self, year_2024):
        document = docx_of(year_2024)
        texts = paragraphs(document)
        headings = [
            "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI",
            "II. KẾT QUẢ THỰC HIỆN",
            "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
            "V. ĐỀ XUẤT, KIẾN NGHỊ",
        ]
        assert [texts.index(h) for h in headings] == sorted(texts.index(h) for h in headings)
        body = document.paragraphs[[p.text for p in document.paragraphs].index(headings[0]) + 1]
        assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert body.paragraph_format.first_line_indent > 0
        assert run_of(body).font.size == Pt(14)

    def test_the_body_cites_the_appendices_by_name(self, year_2024):
        text = " ".join(paragraphs(docx_of(year_2024)))
        for title in (
            "Phụ lục I – Kết quả thực hiện các chỉ tiêu",
            "Phụ lục II – Kết quả theo doanh nghiệp",
            "Phụ lục III – Nhiệm vụ và hoạt động",
        ):
            assert title in text

    def test_the_indicator_table_shows_progress_figures(self, year_2024):
        document = docx_of(year_2024)
        table = document.tables[1]
        figures = progress.commune_progress(year_2024)
        assert [c.text for c in table.rows[0].cells] == [
            "STT",
            "Chỉ tiêu",
            "Số CNLĐ đạt",
            "Tỷ lệ",
            "Mốc lộ trình năm 2024",
            "Mục tiêu năm 2025",
            "Số CNLĐ còn thiếu",
            "Đánh giá",
        ]
        for row, item in zip(table.rows[1:], figures.indicators, strict=True):
            cells = [c.text for c in row.cells]
            assert cells[1] == f"{item.code}) {item.name}"
            assert cells[2] == num(item.met)
            assert cells[3] == pct(item.rate)
            assert cells[4] == report_content_module.bar(item.milestone)
            assert cells[5] == report_content_module.bar(item.target(2025))
            assert cells[6] == num(item.gap(2025))
            assert cells[7] == str(item.status_label)
            assert run_of(row.cells[2].paragraphs[0]).font.size == Pt(12)
        assert [row.cells[3].text for row in table.rows[1:]] == ["84,0%", "70,0%", "68,0%", "30,0%", "32,0%"]

    def test_the_recipients_and_the_signature(self, year_2024):
        document = docx_of(year_2024)
        heading = find(document, "Nơi nhận:")
        assert run_of(heading).bold and run_of(heading).font.size == Pt(12)
        item = find(document, "- Liên đoàn Lao động tỉnh Thanh Hóa (b/c);")
        assert run_of(item).font.size == Pt(11)
        assert find(document, "- Lưu: VT, VHXH.")
        texts = all_texts(document)
        start = texts.index("TM. ỦY BAN NHÂN DÂN")
        assert texts[start : start + 2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        assert "Nguyễn Văn An" in texts
        assert not any("huyện" in text or "Lê Văn Phụng" in text for text in texts)


class TestHonestState:
    def test_a_closed_period_with_half_its_reports_approved_is_signable(self, year_2024):
        texts = paragraphs(docx_of(year_2024))
        assert "DỰ THẢO" not in texts
        assert not any(text.startswith("Dự thảo") for text in texts)

    def test_an_open_period_is_a_draft_and_says_why(self, year_2024):
        year_2024.state = PeriodState.OPEN
        year_2024.save()
        texts = paragraphs(docx_of(year_2024))
        assert texts[0] == "DỰ THẢO"
        assert "Dự thảo, chưa ký ban hành: kỳ báo cáo đang mở, số liệu còn thay đổi." in texts

    def test_under_half_the_reports_approved_is_a_draft(self, year_2024):
        EnterpriseFactory(tax_code="2801000003")  # 2 of 5 approved
        texts = paragraphs(docx_of(year_2024))
        assert texts[0] == "DỰ THẢO"
        assert (
            "Dự thảo, chưa ký ban hành: mới có 2/5 doanh nghiệp có báo cáo được duyệt (40,0%), chưa đủ một nửa "
            "số doanh nghiệp phải báo cáo." in texts
        )

    def test_a_period_with_no_report_is_a_draft(self, plan, enterprise_a):
        period = closed(PeriodFactory(year=2025, kind=PeriodKind.HALF_YEAR))
        assert paragraphs(docx_of(period))[0] == "DỰ THẢO"

    def test_a_period_with_no_approved_report_says_so_instead_of_counting_zeros(self, plan, enterprise_a):
        period = closed(PeriodFactory(year=2025, kind=PeriodKind.HALF_YEAR))
        text = " ".join(all_texts(docx_of(period)))
        assert "Chưa có báo cáo được duyệt trong số 1 doanh nghiệp phải báo cáo: kỳ này chưa có số liệu." in text
        assert "0 CNLĐ, trong đó 0 lao động nữ" not in text

    def test_percentages_in_text_round_half_up(self, plan):
        period = closed(PeriodFactory(year=2025, kind=PeriodKind.HALF_YEAR))
        enterprises = [EnterpriseFactory(tax_code=f"28030000{n:02d}") for n in range(7)]
        for enterprise in enterprises[:2]:
            ReportFactory(enterprise=enterprise, period=period)
        text = " ".join(paragraphs(docx_of(period)))
        assert "2/7" in text and "(28,6%)" in text


class TestNarrative:
    def test_the_saved_narrative_is_what_is_printed(self, year_2024, client_for, official):
        response = client_for(official).post(reverse("reports:report_page", args=["2024"]), form_data())
        assert response.status_code == 302
        narrative = Narrative.objects.get(period=year_2024, kind=ReportKind.PERIODIC)
        document = docx_of(year_2024)
        texts = paragraphs(document)
        for name in Narrative.SECTIONS:
            for line in getattr(narrative, name).splitlines():
                assert line in texts
        assert "Số: 15/BC-UBND" in all_texts(document)
        assert "Hoàng Hợp, ngày 05 tháng 02 năm 2025" in all_texts(document)
        texts = all_texts(document)
        start = texts.index("TM. ỦY BAN NHÂN DÂN")
        assert texts[start : start + 3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        assert "Lê Thị Hoa" in texts
        assert "- Ủy ban MTTQ xã (p/h);" in texts

    def test_until_it_is_saved_the_drafts_are_printed_and_offered(self, year_2024, client_for, official):
        response = client_for(official).get(reverse("reports:report_page", args=["2024"]))
        form = response.context["form"]
        assert "Kết quả thực hiện các nhiệm vụ" in form.initial["results"]
        assert form.initial["version"] == 0
        assert form.initial["signer"] == "Nguyễn Văn An"
        assert "Còn 2/4 doanh nghiệp chưa có báo cáo được duyệt" in form.initial["shortcomings"]
        assert "Liên đoàn Lao động tỉnh Thanh Hóa (b/c)" in form.initial["recipients_lines"]

    def test_a_number_with_text_is_refused_and_nothing_is_lost(self, year_2024, client_for, official):
        response = client_for(official).post(reverse("reports:report_page", args=["2024"]), form_data(number="15a"))
        assert response.status_code == 200
        assert "Số văn bản: nhập một số nguyên, ví dụ 15, hoặc để trống." in response.content.decode()
        assert response.context["form"]["direction"].value() == "Chỉ đạo: đã ban hành kế hoạch năm."
        assert not Narrative.objects.exists()

    def test_a_signer_not_among_the_leaders_is_refused(self, year_2024, client_for, official):
        response = client_for(official).post(
            reverse("reports:report_page", args=["2024"]), form_data(signer="Lê Văn Phụng")
        )
        assert response.status_code == 200
        assert "Người ký: chọn một trong các lãnh đạo xã trong danh sách; “Lê Văn Phụng”" in response.content.decode()
        assert not Narrative.objects.exists()

    def test_a_recipient_without_a_purpose_is_refused(self, year_2024, client_for, official):
        response = client_for(official).post(
            reverse("reports:report_page", args=["2024"]), form_data(recipients_lines="Ủy ban MTTQ xã")
        )
        assert "Nơi nhận, dòng 1 (“Ủy ban MTTQ xã”)" in response.content.decode()
        assert not Narrative.objects.exists()

    def test_a_stale_version_is_refused_and_the_typed_text_kept(self, year_2024, client_for, official):
        url = reverse("reports:report_page", args=["2024"])
        client = client_for(official)
        client.post(url, form_data())  # version 0 -> a narrative at version 1
        client.post(url, form_data(version="1", direction="Bản của người khác."))  # -> version 2
        response = client.post(url, form_data(version="1", direction="Bản của tôi."))
        assert response.status_code == 200
        page = response.content.decode()
        assert "người khác đã lưu báo cáo này. Chưa có gì được lưu" in page
        assert response.context["form"]["direction"].value() == "Bản của tôi."
        assert response.context["conflict"].direction == "Bản của người khác."
        assert Narrative.objects.get().direction == "Bản của người khác."
        # Saving again from the conflict page is a deliberate overwrite.
        response = client.post(url, form_data(version="2", direction="Bản của tôi."))
        assert response.status_code == 302
        assert Narrative.objects.get().direction == "Bản của tôi."
        assert Narrative.history.count() == 3

    def test_the_viewer_reads_and_cannot_write(self, year_2024, client_for, viewer):
        url = reverse("reports:report_page", args=["2024"])
        response = client_for(viewer).get(url)
        assert response.status_code == 200 and response.context["form"] is None
        assert client_for(viewer).post(url, form_data()).status_code == 405
        assert client_for(viewer).get(reverse("reports:report_docx", args=["2024"])).status_code == 200
        assert not Narrative.objects.exists()

    def test_a_union_officer_is_refused(self, year_2024, client_for, officer_a):
        assert client_for(officer_a).get(reverse("reports:report_page", args=["2024"])).status_code == 403
        assert client_for(officer_a).get(reverse("reports:report_docx", args=["2024"])).status_code == 403

    def test_an_unknown_period_says_so(self, plan, client_for, official):
        for name in ("reports:report_page", "reports:report_docx"):
            response = client_for(official).get(reverse(name, args=["2099"]))
            assert response.status_code == 404
            assert "Không có kỳ báo cáo “2099”." in response.content.decode()

    def test_a_review_only_at_the_end_of_a_phase(self, year_2024, client_for, official):
        response = client_for(official).get(reverse("reports:report_page", args=["2024"]) + "?kind=midterm")
        assert response.status_code == 404
        assert "Năm 2024 không có báo cáo sơ kết." in response.content.decode()


class TestReviews:
    def test_the_mid_term_review_covers_the_phase(self, year_2024, client_for, official):
        period = closed(PeriodFactory(year=2025, kind=PeriodKind.ANNUAL))
        assert report_content_module.kinds_of(period, period_plan()) == ["periodic", "midterm"]
        document = docx_of(period, ReportKind.MIDTERM)
        texts = paragraphs(document)
        summary = texts[texts.index("BÁO CÁO") + 1]
        assert summary.startswith("Sơ kết giai đoạn 2023 - 2025 triển khai thực hiện Chương trình")
        assert any("(từ ngày 01/12/2023 đến ngày 31/12/2025)" in text for text in texts)
        response = client_for(official).get(reverse("reports:report_docx", args=["2025"]) + "?kind=midterm")
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-hoang-hop-2025-so-ket.docx"'


def closed(period):
    period.state = PeriodState.CLOSED
    period.save()
    return period


def period_plan():
    from plans.models import Plan

    return Plan.objects.current()


def form_data(**changes):
    data = {
        "version": "0",
        "direction": "Chỉ đạo: đã ban hành kế hoạch năm.",
        "results": "1. Kết quả thực hiện các nhiệm vụ\nTổ chức 3 hoạt động.",
        "shortcomings": "Còn doanh nghiệp chưa báo cáo.",
        "next_steps": "Tiếp tục đôn đốc.",
        "proposals": "Đề nghị hỗ trợ tài liệu.",
        "number": "15",
        "issued_on": "2025-02-05",
        "signer": "Lê Thị Hoa",
        "recipients_lines": "Liên đoàn Lao động tỉnh Thanh Hóa (b/c)\nỦy ban MTTQ xã (p/h)",
    }
    data.update(changes)
    return data


class TestScale:
    def test_the_document_takes_a_fixed_number_of_queries_and_lists_no_enterprise(
        self, year_2024, django_assert_max_num_queries
    ):
        names = []
        for number in range(30):
            enterprise = EnterpriseFactory(tax_code=f"28020000{number:02d}", name=f"Công ty số {number}")
            names.append(enterprise.name)
            ReportFactory(enterprise=enterprise, period=year_2024, counts={"a": 50})
        with django_assert_max_num_queries(30):
            document = docx_of(year_2024)
        text = " ".join(all_texts(document))
        assert not any(name in text for name in names)


def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice is not installed")
    return path


def test_libreoffice_converts_the_document_to_pdf(year_2024, tmp_path):
    source = tmp_path / "bao-cao.docx"
    write_docx(year_2024, ReportKind.PERIODIC, source, now=NOW)
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "bao-cao.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    first = reader.pages[0]
    assert round(float(first.mediabox.width) * 25.4 / 72) == 210
    assert "BÁO CÁO" in first.extract_text()
