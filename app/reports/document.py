"""A Word document a screen reader can read: real Heading 1–3 styles, tables whose first row is a header repeated on
every page (w:tblHeader), and pictures with alt text (the drawing's descr). Thin helpers over python-docx."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt

from app.findings.charts import Chart
from app.reports import images


class ReportDocument:
    """The document being written, in order."""

    def __init__(self, *, title: str, subject: str):
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.5))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        self.doc.core_properties.title = title
        self.doc.core_properties.subject = subject
        self.doc.core_properties.language = "en-GB"

    def title_page(self, partnership: str, scope_title: str, lines: list[str], generated: date) -> None:
        self.doc.add_paragraph(partnership, style="Title")
        self.doc.add_paragraph(scope_title, style="Subtitle")
        for line in lines:
            self.doc.add_paragraph(line)
        self.doc.add_paragraph(f"Generated on {generated.day} {generated:%B %Y}.")
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, *, style: str | None = None) -> None:
        self.doc.add_paragraph(text, style=style)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def table(self, head: list[str], rows: list[list], *, caption: str | None = None) -> None:
        """A table with its header row marked as a repeating header, numbers right-aligned."""
        if caption:
            self.doc.add_paragraph(caption, style="Caption")
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = table.rows[0]
        _repeat_header(header)
        for cell, text in zip(header.cells, head):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = True
        small = len(head) > 5
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values):
                cell.text = _text(value)
                paragraph = cell.paragraphs[0]
                if isinstance(value, int | float) and not isinstance(value, bool):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if small:
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(8)
        self.doc.add_paragraph()

    def chart(self, chart: Chart | None, *, level: int) -> None:
        """The chart's title as a heading, its picture with alt text when it can be drawn, and always its table."""
        if chart is None:
            return
        self.heading(chart.title, level)
        if images.drawable(chart):
            self.doc.add_paragraph().add_run().add_picture(
                io.BytesIO(images.chart_png(chart)), width=Inches(images.WIDTH_INCHES)
            )
            _describe(self.doc.inline_shapes[-1], chart)
        if chart.caption:
            self.para(chart.caption)
        self.table(chart.head, chart.rows, caption=f"Data: {chart.title}")

    def save(self, out) -> None:
        self.doc.save(out)


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _describe(shape, chart: Chart) -> None:
    """Alt text: what the chart shows, and that its figures follow in a table."""
    doc_pr = shape._inline.docPr
    doc_pr.set("title", chart.title)
    doc_pr.set("descr", f"Chart: {chart.title}. Its figures are in the table that follows.")
