"""Render sample documents (DOCX, XLSX, text-layer PDF) from table-shaped content.

Each document is a title, some paragraphs and tables; a table is a list of rows
of cell texts plus merges, so the same content can be written in every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

KOREAN_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
)


@dataclass
class SampleTable:
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # row0, col0, row1, col1 inclusive
    caption: str | None = None
    widths: list[float] | None = None  # relative column widths for the PDF layout


@dataclass
class SampleDocument:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[SampleTable] = field(default_factory=list)
    page_break_before: set[int] = field(default_factory=set)  # table indexes that start a new page


def korean_font() -> str:
    for path in KOREAN_FONT_CANDIDATES:
        if Path(path).exists():
            return path
    raise FileNotFoundError("a Korean TrueType font is needed (Debian package fonts-nanum)")


def to_docx(doc: SampleDocument) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    out = docx.Document()
    out.add_heading(doc.title, level=0)
    for text in doc.paragraphs:
        out.add_paragraph(text)
    for index, table in enumerate(doc.tables):
        if index in doc.page_break_before:
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if table.caption:
            out.add_heading(table.caption, level=2)
        add_docx_table(out, table.rows, table.merges)
    buf = BytesIO()
    out.save(buf)
    return buf.getvalue()


def to_xlsx(doc: SampleDocument) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for index, table in enumerate(doc.tables):
        ws = wb.create_sheet((table.caption or f"표{index + 1}")[:31])
        ws.cell(1, 1, doc.title).font = Font(bold=True)
        offset = 2
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                ws.cell(r + 1 + offset, c + 1, _typed(text))
        for r0, c0, r1, c1 in table.merges:
            ws.merge_cells(start_row=r0 + 1 + offset, start_column=c0 + 1, end_row=r1 + 1 + offset, end_column=c1 + 1)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _typed(text: str):
    """Numbers as numbers, as a clerk's spreadsheet has them."""
    try:
        return int(text) if text.isdigit() else float(text) if text.replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


def to_pdf(doc: SampleDocument) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "Korean" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Korean", korean_font()))
    body = ParagraphStyle("body", fontName="Korean", fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=8)
    story = [Paragraph(doc.title, title)]
    story += [Paragraph(p, body) for p in doc.paragraphs]
    for index, table in enumerate(doc.tables):
        if index in doc.page_break_before:
            story.append(PageBreak())
        story.append(Spacer(1, 6))
        if table.caption:
            story.append(Paragraph(table.caption, body))
        rows = [[Paragraph(text, body) for text in row] for row in table.rows]
        widths = None
        if table.widths:
            total = sum(table.widths)
            widths = [A4[0] * 0.86 * w / total for w in table.widths]
        grid = Table(rows, colWidths=widths, repeatRows=0)
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), "Korean"),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in table.merges]
        grid.setStyle(TableStyle(style))
        story.append(grid)
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=doc.title, leftMargin=36, rightMargin=36,
                      topMargin=36, bottomMargin=36, invariant=1).build(story)
    return buf.getvalue()


RENDERERS = {"docx": to_docx, "xlsx": to_xlsx, "pdf": to_pdf}


def add_docx_table(container, rows: list[list[str]], merges=()):
    """A bordered DOCX table of ``rows`` in ``container`` (a document or a cell), with cells merged over
    ``merges`` (r0, c0, r1, c1) keeping the first cell's text; returns the python-docx table."""
    table = container.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r0, c0, r1, c1 in merges:
        keep = table.cell(r0, c0).text
        table.cell(r0, c0).merge(table.cell(r1, c1)).text = keep  # python-docx joins merged texts; keep the first
    return table
