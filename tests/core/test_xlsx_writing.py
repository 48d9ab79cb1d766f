"""The one workbook writer: safe cells, numbers and dates, heights from font metrics, page set-up, streaming."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core import documents
from core.xlsx_writing import (
    LANDSCAPE_MARGINS,
    MAX_TEXT_LENGTH,
    PLAIN,
    SIGNING_ROOM,
    Exporter,
    Formula,
    Row,
    Sheet,
    SheetWriter,
    Style,
    WorkbookWriter,
    clean_text,
    closing_rows,
    keep_together,
    looks_like_formula,
    safe_cell,
    sheet_title,
    signature_rows,
    spacer,
    text_height,
    text_lines,
)

# Every character that makes Excel read typed text as a formula, full-width forms included.
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
ORDINARY = ["Công ty = tốt", "a-b", "0101234567", "0912 345 678", "http://example.com", "1/2", ""]


class OneSheet(Exporter):
    """An exporter of one sheet whose rows are given."""

    def __init__(self, rows, **layout):
        self.rows = rows
        self.layout = {"widths": [10, 20, 5], **layout}

    def title(self):
        return "Thử"

    def sheets(self):
        yield Sheet("Trang 1", rows=self.rows, **self.layout)


def written(exporter):
    """The exporter's workbook as openpyxl reads it back."""
    buffer = io.BytesIO()
    exporter.write(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def cells(*values, style=PLAIN):
    """One row of these values, read back: the openpyxl cells."""
    ws = written(OneSheet([Row(list(values), style)], widths=[10] * len(values))).active
    return next(ws.iter_rows(min_row=1, max_row=1, max_col=len(values)))


class TestSafeCells:
    @pytest.mark.parametrize("trigger", TRIGGERS)
    def test_text_starting_with_a_trigger_looks_like_a_formula(self, trigger):
        assert looks_like_formula(trigger + "SUM(A1)")

    @pytest.mark.parametrize("text", ORDINARY)
    def test_ordinary_text_does_not(self, text):
        assert not looks_like_formula(text)

    @pytest.mark.parametrize("trigger", TRIGGERS)
    def test_the_writer_stores_it_as_text_with_a_quote_prefix(self, trigger):
        (cell,) = cells(trigger + "1")
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited

    @pytest.mark.parametrize("text", ORDINARY[:-1])
    def test_the_writer_stores_ordinary_text_as_text_without_a_prefix(self, text):
        (cell,) = cells(text)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", False)

    @pytest.mark.parametrize("trigger", TRIGGERS)
    def test_safe_cell_gives_an_openpyxl_cell_the_same_rule(self, trigger):
        book = Workbook()
        cell = safe_cell(book.active["B2"], trigger + "HYPERLINK(1)")
        assert (cell.data_type, cell.quotePrefix) == ("s", True)
        buffer = io.BytesIO()
        book.save(buffer)
        reread = load_workbook(io.BytesIO(buffer.getvalue())).active["B2"]
        assert (reread.data_type, reread.quotePrefix) == ("s", True)

    def test_safe_cell_leaves_ordinary_text_and_numbers_alone(self):
        sheet = Workbook().active
        assert (safe_cell(sheet["A1"], "Công ty = tốt").quotePrefix, sheet["A1"].data_type) == (False, "s")
        assert (safe_cell(sheet["A2"], 1234).value, sheet["A2"].data_type) == (1234, "n")
        assert safe_cell(sheet["A3"], None).value is None

    def test_safe_cell_drops_the_characters_excel_refuses(self):
        assert safe_cell(Workbook().active["A1"], "Công ty\x01 TNHH\x1b").value == "Công ty TNHH"

    def test_clean_text_keeps_tabs_and_new_lines_and_drops_the_rest_of_the_control_characters(self):
        assert clean_text("a\x00b\x08c\td\ne\x0bf\x1fg\ud800h\ufffe") == "abc\td\nefgh"

    def test_text_longer_than_a_cell_holds_is_cut_with_an_ellipsis(self):
        text = clean_text("x" * (MAX_TEXT_LENGTH + 10))
        assert len(text) == MAX_TEXT_LENGTH and text.endswith("x…")

    @pytest.mark.parametrize(
        "title, expected",
        [("Tổng hợp", "Tổng hợp"), ("a/b:c", "a b c"), ("'quoted'", "quoted"), ("x" * 40, "x" * 31), ("", "Sheet")],
    )
    def test_sheet_titles_are_ones_excel_accepts(self, title, expected):
        assert sheet_title(title) == expected


class TestValues:
    def test_numbers_stay_numbers(self):
        whole, decimal, money = cells(1234, 2.5, Decimal("12.50"))
        assert [(c.value, c.data_type) for c in (whole, decimal, money)] == [(1234, "n"), (2.5, "n"), (12.5, "n")]

    def test_text_that_looks_like_a_number_or_a_link_stays_text(self):
        tax_code, link = cells("0101234567", "http://example.com")
        assert (tax_code.value, tax_code.data_type) == ("0101234567", "s")
        assert (link.value, link.hyperlink) == ("http://example.com", None)

    @pytest.mark.parametrize("text", ["<r>A & B</r>", "<r><t>x</t></r>", "<r></r>", "<r>=1+1</r>"])
    def test_text_shaped_like_rich_text_xml_is_written_as_text(self, text):
        """XlsxWriter would write it as XML of its own, and "&" made a file nobody could open."""
        (cell,) = cells(text, style=PLAIN.but(bold=True))
        assert (cell.value, cell.data_type) == (text, "s")
        assert (cell.font.name, cell.font.b) == ("Times New Roman", True)
        # Each run of the text is in the cell's own font, as plain text would be.
        buffer = io.BytesIO()
        OneSheet([Row([text], PLAIN.but(bold=True))]).write(buffer)
        rich = load_workbook(buffer, rich_text=True).active["A1"].value
        assert "".join(str(part) for part in rich) == text
        assert all(part.font.rFont == "Times New Roman" and part.font.b for part in rich if hasattr(part, "font"))

    def test_not_a_number_and_infinity_leave_the_cell_empty(self):
        assert [c.value for c in cells(float("nan"), float("inf"), 1)] == [None, None, 1]

    def test_dates_are_dates_and_aware_times_are_local(self):
        moment = datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC)
        day, time = cells(datetime.date(2026, 1, 5), moment, style=PLAIN.but(number_format="DD/MM/YYYY"))
        assert day.is_date and day.value == datetime.datetime(2026, 1, 5)
        assert time.value == datetime.datetime(2026, 1, 5, 8, 30)  # Asia/Ho_Chi_Minh

    def test_a_formula_is_written_with_its_result(self):
        ws = written(OneSheet([Row([1, 2, Formula("=SUM(A1:B1)", 3)], PLAIN)])).active
        assert ws["C1"].value == "=SUM(A1:B1)"
        buffer = io.BytesIO()
        OneSheet([Row([1, 2, Formula("=SUM(A1:B1)", 3)], PLAIN)]).write(buffer)
        assert load_workbook(buffer, data_only=True).active["C1"].value == 3

    def test_number_formats_and_fonts_come_from_the_style(self):
        (cell,) = cells(0.345, style=PLAIN.but(number_format="0.0%", bold=True, size=11))
        assert cell.number_format == "0.0%"
        assert (cell.font.name, cell.font.b, cell.font.sz) == ("Times New Roman", True, 11)


class TestHeights:
    def test_widths_are_stored_in_digits_of_the_default_font(self):
        ws = written(OneSheet([Row(["x"], PLAIN)], widths=[10, 20, 5])).active
        assert [ws.column_dimensions[letter].width for letter in "ABC"] == [10, 20, 5]

    def test_text_wraps_by_the_width_of_its_letters(self):
        # "Hoàng Hợp" is 4.64 em in Times New Roman; a column 10 wide holds 4.81 em of 12 pt.
        assert text_lines("Hoàng Hợp", 10, PLAIN) == 1
        assert text_lines("Hoàng Hợp", 9, PLAIN) == 2
        assert text_lines("Hoàng Hợp", 10, PLAIN.but(bold=True)) == 2  # bold letters are wider
        assert text_lines("Hoàng Hợp", 10, PLAIN.but(size=14)) == 2
        assert text_lines("Hoàng\nHợp", 30, PLAIN) == 2

    def test_a_word_longer_than_the_column_breaks_anywhere(self):
        assert text_lines("x" * 60, 10, PLAIN) == 7  # 30 em over lines of 4.81 em

    def test_a_row_is_as_tall_as_its_tallest_wrapped_cell_in_whole_pixels(self):
        ws = written(OneSheet([Row(["Hoàng Hợp", "Hoàng Hợp", 1], PLAIN)], widths=[9, 20, 5])).active
        assert text_height("Hoàng Hợp", 9, PLAIN) == pytest.approx(2 * 12 * 1.2 + 3)
        assert ws.row_dimensions[1].height == 31.5  # 31.8 pt is 42.4 px, stored as 42 px

    def test_a_spacer_row_keeps_its_height(self):
        ws = written(OneSheet([spacer(8), Row(["x"], PLAIN)])).active
        assert ws.row_dimensions[1].height == 7.5  # 8 pt is 10.7 px, stored as 10 px


class TestSheets:
    def test_every_sheet_prints_on_a4_in_times_new_roman_at_100_percent(self):
        book = written(OneSheet([Row(["x"], PLAIN)]))
        ws = book.active
        assert book._fonts[0].name == "Times New Roman"  # the default, for empty cells and widths
        assert ws.page_setup.paperSize in ("9", 9)
        assert ws.page_setup.orientation == "portrait"
        # Never shrunk to fit: Decree 30's sizes hold on paper (scale 100 is the default, left out).
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.scale or 100) == 100 and ws.page_setup.fitToWidth is None
        # Decree 30/2020: left 30 mm, right 15 mm, top and bottom 20 mm.
        margins = ws.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (1.18, 0.59, 0.79, 0.79)
        assert ws.oddHeader.center.text.strip() == "&P"

    def test_a_landscape_sheet_freezes_and_repeats_its_header_and_may_go_unnumbered(self):
        ws = written(
            OneSheet(
                [Row(["x"], PLAIN)] * 3,
                landscape=True,
                freeze="A3",
                title_rows=(2, 2),
                margins=LANDSCAPE_MARGINS,
                numbered=False,
            )
        ).active
        assert ws.page_setup.orientation == "landscape"
        # Left 20 mm (room to bind), right 15 mm, top and bottom 20 mm.
        margins = ws.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.79, 0.59, 0.79, 0.79)
        assert (ws.freeze_panes, ws.print_title_rows) == ("A3", "$2:$2")
        assert not ws.oddHeader.center.text

    def test_cells_are_merged_within_a_row_and_empty_bordered_cells_drawn(self):
        boxed = PLAIN.but(border=True)
        ws = written(OneSheet([Row(["Tiêu đề", None, None], boxed, merge=[(1, 2)])])).active
        assert [str(r) for r in ws.merged_cells.ranges] == ["A1:B1"]
        assert ws["C1"].border.left.style == "thin"

    def test_sheets_and_rows_come_out_in_the_order_the_exporter_yields_them(self):
        class TwoSheets(Exporter):
            def sheets(self):
                yield Sheet("Một", [10], [Row(["a"], PLAIN), Row(["b"], PLAIN)])
                yield Sheet("Hai", [10], [Row(["c"], PLAIN)])

        book = written(TwoSheets())
        assert book.sheetnames == ["Một", "Hai"]
        assert [[c.value for c in row] for row in book["Một"].iter_rows()] == [["a"], ["b"]]

    def test_rows_are_written_as_they_are_produced_and_not_kept_in_memory(self):
        events = []

        class Recording(SheetWriter):
            def write(self, values, styles, **layout):
                events.append(("written", values[0]))
                row = super().write(values, styles, **layout)
                # constant_memory: every earlier row has left memory for the temporary file.
                assert len(self.ws.table) <= 1
                return row

        class RecordingWriter(WorkbookWriter):
            def add_sheet(self, title, **layout):
                plain = super().add_sheet(title, **layout)
                return Recording(self, plain.ws, plain.widths)

        def rows():
            for number in range(3):
                events.append(("produced", number))
                yield Row([number, "text"], PLAIN)

        OneSheet(rows()).write(io.BytesIO(), writer_class=RecordingWriter)
        assert events == [
            ("produced", 0),
            ("written", 0),
            ("produced", 1),
            ("written", 1),
            ("produced", 2),
            ("written", 2),
        ]


class TestStreamedSheets:
    """A streamed sheet (a data sheet of many rows) reads back as the same cells in the same
    formats as the rows written cell by cell through XlsxWriter."""

    TEXT = Style(size=11, wrap=False)
    BORDERED = Style(size=11, border=True, align="right", number_format="#,##0")
    STYLES = [TEXT, TEXT, BORDERED, BORDERED]

    def rows(self):
        yield Row(["code", "name", "n", "m"], Style(size=11, bold=True), 16)
        values = [
            ["90001", "Công ty TNHH May 10", 1234567, Decimal("12.5")],
            ["=1+1", 'a & <b> "c"', 0, None],
            [" leading", "trailing ", -7, float("nan")],
            ["_x0041_ stays as typed", "line\rbreak\ttab", 10**17, True],
            ["\x01bell", "\uff1dfull-width", 2.5, float("inf")],
            [None, "Công ty TNHH May 10", 3, 4],
        ]
        for number, row in enumerate(values):
            yield Row(row, self.STYLES, 16 if number % 2 else 20)

    def read(self, *, streamed):
        buffer = io.BytesIO()
        OneSheet(self.rows(), widths=[10, 30, 8, 8], streamed=streamed).write(buffer)
        buffer.seek(0)
        return load_workbook(buffer).active

    @staticmethod
    def described(ws):
        return [
            [
                (
                    cell.value,
                    cell.data_type,
                    cell.number_format,
                    cell.font.b,
                    cell.font.name,
                    cell.font.sz,
                    cell.alignment.horizontal,
                    cell.border.left.style,
                    cell.quotePrefix,
                )
                for cell in row
            ]
            for row in ws.iter_rows()
        ]

    def test_reads_back_as_the_same_cells_formats_and_heights_as_cell_by_cell(self):
        streamed, written_ = self.read(streamed=True), self.read(streamed=False)
        assert self.described(streamed) == self.described(written_)
        assert [streamed.row_dimensions[n].height for n in range(1, 8)] == [
            written_.row_dimensions[n].height for n in range(1, 8)
        ]
        values = [[cell.value for cell in row] for row in streamed.iter_rows(min_row=2)]
        assert values[1][:2] == ["=1+1", 'a & <b> "c"']  # text, never a formula
        assert values[4][0] == "bell"  # a character Excel refuses is dropped
        assert values[2][3] is None and values[4][3] is None  # NaN and infinity: empty

    def test_every_row_is_there_past_the_first_ones(self):
        rows = [Row(["h"], self.TEXT)] + [Row([f"row {n}", n], [self.TEXT, self.BORDERED]) for n in range(2500)]
        buffer = io.BytesIO()
        OneSheet(rows, widths=[10, 10], streamed=True).write(buffer)
        buffer.seek(0)
        ws = load_workbook(buffer).active
        assert ws.max_row == 2501
        assert [c.value for c in ws[2501]] == ["row 2499", 2499]

    def test_a_row_in_other_styles_is_refused(self):
        rows = [Row(["h"], self.TEXT), Row(["a"], self.TEXT), Row(["b"], self.BORDERED)]
        with pytest.raises(ValueError, match="styles"):
            OneSheet(rows, widths=[10], streamed=True).write(io.BytesIO())

    @pytest.mark.parametrize("value", [datetime.date(2025, 1, 1), Formula("=1+1", 2)])
    def test_a_date_or_a_formula_is_refused(self, value):
        rows = [Row(["h"], self.TEXT), Row(["a"], self.TEXT), Row([value], self.TEXT)]
        with pytest.raises(TypeError, match="text and numbers"):
            OneSheet(rows, widths=[10], streamed=True).write(io.BytesIO())

    def test_a_sheet_shorter_than_its_first_rows_is_written_as_any_other(self, tmp_path):
        target = tmp_path / "short.xlsx"
        OneSheet([Row(["only"], self.TEXT)], widths=[10], streamed=True).write(target)
        assert [c.value for c in load_workbook(target).active[1]] == ["only"]


class TestDocumentParts:
    def test_the_recipients_and_the_signature_stand_side_by_side_with_room_to_sign(self):
        recipients = documents.Recipients(heading="Nơi nhận:", entries=["A (b/c);", "Lưu: VT."])
        signature = documents.Signature(authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], name="Lê Văn Phụng")
        rows = list(closing_rows(recipients, signature, widths=[5, 22, 9, 9, 9]))
        assert [(row.values[0], row.values[3]) for row in rows] == [
            ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"),
            ("- A (b/c);", "CHỦ TỊCH"),
            ("- Lưu: VT.", None),
        ] + [(None, None)] * (SIGNING_ROOM - 1) + [(None, "Lê Văn Phụng")]
        assert all(row.merge == ((1, 3), (4, 5)) for row in rows)


class TestPages:
    """Rows kept together: the writer follows the printed pages and breaks before a block
    that would be split (A4 portrait: 297 mm less 2 × 20 mm, 728 pt; a row is laid out a
    pixel taller than it is stored)."""

    def block(self):
        return keep_together([Row([f"Ký {n}"], PLAIN, 18) for n in range(8)])  # 8 × 18 pt

    def test_a_block_that_would_be_split_starts_the_next_page(self):
        rows = [Row(["x"], PLAIN, 30)] * 20 + self.block()  # 20 × 30.75 pt, then 150 pt would cross 728
        ws = written(OneSheet(rows)).active
        assert [brk.id for brk in ws.row_breaks.brk] == [20]  # a break after row 20, before "Ký 0"

    def test_a_block_that_fits_leaves_the_pages_alone(self):
        rows = [Row(["x"], PLAIN, 30)] * 10 + self.block()
        assert not written(OneSheet(rows)).active.row_breaks.brk

    def test_pages_after_the_first_count_the_repeated_header_rows(self):
        # The first page holds the header (100 pt) and 20 rows of 30 pt; the second repeats
        # the header: with 17 more rows there the block (150 pt) would cross its end.
        rows = [Row(["Tiêu đề"], PLAIN, 100)] + [Row(["x"], PLAIN, 30)] * 37 + self.block()
        ws = written(OneSheet(rows, title_rows=(1, 1))).active
        assert [brk.id for brk in ws.row_breaks.brk] == [38]
        rows = [Row(["Tiêu đề"], PLAIN, 100)] + [Row(["x"], PLAIN, 30)] * 35 + self.block()
        assert not written(OneSheet(rows, title_rows=(1, 1))).active.row_breaks.brk

    def test_a_sheet_of_data_may_be_shrunk_to_one_page_wide(self):
        ws = written(OneSheet([Row(["x"], PLAIN)], fit_width=True)).active
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToHeight) == 0

    def test_the_signature_block_alone_stands_over_the_last_columns(self):
        signature = documents.signature(body="Ủy ban nhân dân xã Hoàng Hợp", signer_title="", signer_name="A")
        rows = list(signature_rows(signature, widths=[5, 30, 10, 20, 20]))
        assert [row.values[3] for row in rows[:2]] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        assert rows[-1].values[3] == "A" and len(rows) == 2 + SIGNING_ROOM + 1
        assert {tuple(row.merge) for row in rows} == {((4, 5),)}  # the last 40 units: SIGNATURE_WIDTH
