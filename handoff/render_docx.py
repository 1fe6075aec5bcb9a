"""A document outline (handoff.layout) as an A4 DOCX the agency can edit: the same sections as the PDF,
columns sized to their content, the charts as pictures, "n / N" in the footer of every page."""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from handoff.layout import Section, column_widths

A4_WIDTH, A4_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(15)
TEXT_WIDTH_PT = (210 - 30) / 25.4 * 72


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
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


def _a4(document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE")
        footer.add_run(" / ")
        _field(footer, "NUMPAGES")


def _table(document, rows: list[list[str]]) -> None:
    widths = column_widths(rows, TEXT_WIDTH_PT)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.autofit = False
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.width = Pt(widths[c])
            cell.text = str(text)
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for c, width in enumerate(widths):
        table.columns[c].width = Pt(width)


def write_docx(title: str, sections: list[Section], path: Path, subtitle: list[str] | None = None) -> Path:
    from handoff.render_pdf import chart_png

    document = docx.Document()
    _a4(document)
    style = document.styles["Normal"]
    style.font.name = "NanumGothic"
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "NanumGothic")  # Hangul needs the East Asian font slot
    document.add_heading(title, level=0)
    for line in subtitle or []:
        document.add_paragraph(line)
    with tempfile.TemporaryDirectory(prefix="intake-report-") as tmp:
        for n, section in enumerate(sections):
            document.add_heading(section.title, level=section.level)
            for text in section.paragraphs:
                document.add_paragraph(text)
            if section.chart is not None:
                document.add_picture(str(chart_png(section.chart, Path(tmp) / f"chart{n}.png")), width=Mm(170))
            if section.table:
                _table(document, section.table)
        path.parent.mkdir(parents=True, exist_ok=True)
        document.save(path)
    return path
