"""The commune report as a Word document in Decree 30/2020/NĐ-CP form (python-docx).

`write_docx(content, target)` draws a reports.content.ReportContent: A4, Times New Roman,
margins 20/20/30/15 mm; the header table (issuing body with its short rule on the left, the
national title and the motto with its rule on the right, the number and the place and date
below them); "BÁO CÁO" and the summary line; the five sections, 14 pt, justified, with
first-line indents; the indicator table; Nơi nhận and the signature block; page numbers
from page 2, centred at the top. The texts of the fixed parts come from core.documents, as
in the Excel workbook. Sizes follow Decree 30's appendix I (national title 13, motto 14,
body 14, Nơi nhận 12 and 11).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.templatetags.portal import num, pct
from core.xlsx_writing import word_em

from .content import ReportContent, bar, report_content

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
TEXT_WIDTH_MM = 210 - 30 - 15
HEADER_LEFT_MM, HEADER_RIGHT_MM = 60, TEXT_WIDTH_MM - 60
CELL_PADDING_MM = 1.9  # Word's default left and right cell margins (0.19 cm)

BODY_SIZE = 14
BODY_LEADER = 13  # the issuing body's name
NATION_SIZE = 13
MOTTO_SIZE = 14
NUMBER_SIZE = 13
PLACE_SIZE = 14
TITLE_SIZE = 14
TABLE_SIZE = 12
RECIPIENTS_HEAD_SIZE = 12
RECIPIENT_SIZE = 11
SIGN_SIZE = 14
FIRST_LINE_INDENT = Mm(12.7)
SIGNING_ROOM = 4  # empty lines for the signature and the seal
# A short bold line such as "1. Kết quả thực hiện các nhiệm vụ" is a heading of its own.
SUBHEADING = re.compile(r"^\d+\.\s[^:]{1,90}$")
SECTION_TITLES = {
    "direction": gettext_lazy("I. DIRECTION AND IMPLEMENTATION"),
    "results": gettext_lazy("II. RESULTS"),
    "shortcomings": gettext_lazy("III. SHORTCOMINGS, LIMITATIONS AND THEIR CAUSES"),
    "next_steps": gettext_lazy("IV. DIRECTIONS AND TASKS AHEAD"),
    "proposals": gettext_lazy("V. PROPOSALS AND RECOMMENDATIONS"),
}


def text_mm(text: str, size: float, *, bold: bool = False) -> float:
    """How wide a line of Times New Roman is on paper, from the font's metrics."""
    words = text.split()
    ems = sum(word_em(word, bold) for word in words) + 0.25 * max(len(words) - 1, 0)
    return ems * size * 25.4 / 72


def _fonts(element, size: float | None = None) -> None:
    """Times New Roman for every script of a run or a style (Vietnamese letters included)."""
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph_border(paragraph, side: str, *, size: int = 6, space: int = 1) -> None:
    """A solid line on one side of a paragraph (`size` in eighths of a point)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), "auto")
    borders.append(line)


def _cell_borders(cell, *, show: bool) -> None:
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single" if show else "nil")
        if show:
            line.set(qn("w:sz"), "4")
            line.set(qn("w:color"), "auto")
        borders.append(line)
    properties.append(borders)


def _field(run, instruction: str) -> None:
    """A Word field (PAGE) in a run: begin, instruction, separate, a placeholder, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


class WordReport:
    """Draws one ReportContent into a new python-docx Document."""

    def __init__(self, content: ReportContent):
        self.content = content
        self.document = Document()
        self._set_up()

    # --- the page and the base style ---------------------------------------------------

    def _set_up(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        normal = self.document.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_SIZE)
        _fonts(normal.element)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        # Decree 30: page numbers from the second page, centred in the top margin.
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run()
        run.font.size = Pt(BODY_SIZE)
        _field(run, "PAGE")
        properties = self.document.core_properties
        properties.title = self.content.summary_line()[:255]
        properties.author = self.content.identity.body
        properties.language = "vi-VN"

    # --- small pieces --------------------------------------------------------------

    def paragraph(
        self,
        text: str = "",
        *,
        container=None,
        size: float = BODY_SIZE,
        bold: bool = False,
        italic: bool = False,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = False,
        before: float = 0,
        after: float = 0,
        spacing: float = 1.0,
    ):
        container = container if container is not None else self.document
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = spacing
        if indent:
            fmt.first_line_indent = FIRST_LINE_INDENT
        if text:
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.bold = bold
            run.italic = italic
        return paragraph

    def body(self, text: str, **kwargs):
        """A paragraph of the body: 14 pt, justified, first-line indent, 6 pt apart."""
        options = {"indent": True, "before": 6, "spacing": 1.1}
        options.update(kwargs)
        return self.paragraph(text, **options)

    def rule(self, container, *, width_mm: float, cell_mm: float):
        """A solid line `width_mm` long, centred in a cell `cell_mm` wide (Decree 30's short
        rules under the issuing body and the motto)."""
        paragraph = self.paragraph(container=container, align=WD_ALIGN_PARAGRAPH.CENTER)
        side = max((cell_mm - 2 * CELL_PADDING_MM - width_mm) / 2, 0)
        paragraph.paragraph_format.left_indent = Mm(side)
        paragraph.paragraph_format.right_indent = Mm(side)
        run = paragraph.add_run()
        run.font.size = Pt(2)
        _paragraph_border(paragraph, "top", size=6, space=0)
        paragraph.paragraph_format.space_before = Pt(2)
        return paragraph

    def borderless_table(self, widths_mm: list[float]):
        table = self.document.add_table(rows=1, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
            cell.width = Mm(width)
            _cell_borders(cell, show=False)
        return table

    @staticmethod
    def cell_text(
        cell, text: str, *, size: float, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, first=True
    ):
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic = bold, italic
        return paragraph

    # --- the document ----------------------------------------------------------------

    def build(self) -> Document:
        content = self.content
        if content.state.is_draft:
            self.draft_mark()
        self.header_table()
        self.title()
        self.body(content.introduction())
        for name, heading in SECTION_TITLES.items():
            self.body(str(heading), bold=True, before=8)
            self.section(content.section_text(name))
            if name == "results":
                self.indicator_table()
                self.body(content.table_note(), italic=True, size=13, before=4)
                self.body(content.appendix_note())
        self.body(content.closing())
        self.closing_table()
        return self.document

    def draft_mark(self) -> None:
        paragraph = self.paragraph(_("DRAFT"), bold=True, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
        # The box around the word: a border on every side, the paragraph as narrow as the word.
        width = text_mm(_("DRAFT"), BODY_SIZE, bold=True) + 6
        paragraph.paragraph_format.left_indent = Mm(TEXT_WIDTH_MM - width)
        for side in ("top", "left", "bottom", "right"):
            _paragraph_border(paragraph, side, size=8, space=2)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def header_table(self) -> None:
        header = self.content.header()
        table = self.borderless_table([HEADER_LEFT_MM, HEADER_RIGHT_MM])
        left, right = table.rows[0].cells
        upper, lower = header.body
        self.cell_text(left, upper, size=BODY_LEADER, bold=True)
        if lower:
            self.cell_text(left, lower, size=BODY_LEADER, bold=True, first=False)
        longest = max(text_mm(upper, BODY_LEADER, bold=True), text_mm(lower, BODY_LEADER, bold=True))
        self.rule(left, width_mm=longest * 0.4, cell_mm=HEADER_LEFT_MM)
        self.cell_text(left, header.number, size=NUMBER_SIZE, first=False).paragraph_format.space_before = Pt(6)

        self.cell_text(right, header.national_title, size=NATION_SIZE, bold=True)
        self.cell_text(right, header.motto, size=MOTTO_SIZE, bold=True, first=False)
        self.rule(right, width_mm=text_mm(header.motto, MOTTO_SIZE, bold=True), cell_mm=HEADER_RIGHT_MM)
        place = self.cell_text(right, header.place_and_date, size=PLACE_SIZE, italic=True, first=False)
        place.paragraph_format.space_before = Pt(6)

    def title(self) -> None:
        content = self.content
        self.paragraph(_("REPORT"), size=TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
        self.paragraph(content.summary_line(), size=TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.rule(self.document, width_mm=40, cell_mm=TEXT_WIDTH_MM + 2 * CELL_PADDING_MM)
        self.paragraph(
            _("To: %(addressee)s") % {"addressee": content.identity.addressee},
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=6,
        )
        self.paragraph(
            f"({content.as_of_line()})", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6
        )
        if content.state.is_draft:
            self.paragraph(content.draft_note(), size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)

    def section(self, text: str) -> None:
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            self.body(line, bold=bool(SUBHEADING.match(line)))

    def indicator_table(self) -> None:
        lines = self.content.lines
        year = next((line.target_year for line in lines if line.target_year), None)
        milestone_year = self.content.period.year
        headers = [
            _("S/N"),
            _("Indicator"),
            _("Workers who met it"),
            _("Rate"),
            _("Milestone %(year)s") % {"year": milestone_year},
            _("Target %(year)s") % {"year": year} if year else _("Target"),
            _("Workers short of the target"),
            _("Assessment"),
        ]
        widths = [12, 42, 17, 16, 15, 16, 17, 30]
        table = self.document.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
        for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
            cell.width = Mm(width)
            _cell_borders(cell, show=True)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self.cell_text(cell, text, size=TABLE_SIZE, bold=True)
        # The header row repeats when the table runs onto the next page.
        header_properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        header_properties.append(repeat)
        for number, line in enumerate(lines, start=1):
            values = [
                (str(number), WD_ALIGN_PARAGRAPH.CENTER),
                (f"{line.code}) {line.name}", WD_ALIGN_PARAGRAPH.LEFT),
                (num(line.met), WD_ALIGN_PARAGRAPH.CENTER),
                (pct(line.rate), WD_ALIGN_PARAGRAPH.CENTER),
                (bar(line.milestone), WD_ALIGN_PARAGRAPH.CENTER),
                (bar(line.target), WD_ALIGN_PARAGRAPH.CENTER),
                ("–" if line.gap is None else num(line.gap), WD_ALIGN_PARAGRAPH.CENTER),
                (line.status, WD_ALIGN_PARAGRAPH.CENTER),
            ]
            cells = table.add_row().cells
            for cell, (text, align), width in zip(cells, values, widths, strict=True):
                cell.width = Mm(width)
                _cell_borders(cell, show=True)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                self.cell_text(cell, text, size=TABLE_SIZE, align=align)

    def closing_table(self) -> None:
        content = self.content
        recipients = content.recipients()
        signature = content.signature()
        self.paragraph(before=6)
        table = self.borderless_table([80, TEXT_WIDTH_MM - 80])
        left, right = table.rows[0].cells
        self.cell_text(
            left, recipients.heading, size=RECIPIENTS_HEAD_SIZE, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for entry in recipients.entries:
            self.cell_text(left, f"- {entry}", size=RECIPIENT_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, first=False)
        first = True
        for line in signature.authority:
            self.cell_text(right, line, size=SIGN_SIZE, bold=True, first=first)
            first = False
        paragraph = self.cell_text(right, "", size=SIGN_SIZE, first=False)
        for _line in range(SIGNING_ROOM - 1):
            paragraph.add_run().add_break(WD_BREAK.LINE)
        self.cell_text(right, signature.name, size=SIGN_SIZE, bold=True, first=False)


def write_docx(period, kind, target, *, now=None) -> ReportContent:
    """Write the report of `kind` for `period` to a path or a binary file object, in the
    portal's language; returns what it printed."""
    with translation.override(settings.LANGUAGE_CODE):
        content = report_content(period, kind, now=now)
        WordReport(content).build().save(target)
    return content
