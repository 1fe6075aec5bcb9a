"""A document outline (handoff.layout) as an A4 PDF: NanumGothic, columns sized to their content, charts
drawn with reportlab's graphics, "n / N" at the foot of every page."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from handoff.layout import BODY_SIZE, CELL_PADDING, FONT_NAME, BarChart, Section, column_widths, register_font

MARGIN = 40
TEXT_WIDTH = A4[0] - 2 * MARGIN
MARKED = colors.HexColor("#c0504d")
OTHERS = colors.HexColor("#9bbbd9")


class _NumberedCanvas(Canvas):
    """Draws "n / N" (and the running head) once the number of pages is known."""

    running_head = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT_NAME, 8)
            self.setFillColor(colors.grey)
            self.drawCentredString(A4[0] / 2, 22, f"{number} / {total}")
            if self.running_head:
                self.drawRightString(A4[0] - MARGIN, A4[1] - 26, self.running_head)
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    register_font()
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.45, wordWrap="CJK")
    return {"body": body,
            "cell": ParagraphStyle("cell", parent=body, leading=BODY_SIZE * 1.3),
            "title": ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=4),
            "sub": ParagraphStyle("sub", parent=body, fontSize=9.5, leading=14, textColor=colors.HexColor("#333333")),
            1: ParagraphStyle("h1", parent=body, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
            2: ParagraphStyle("h2", parent=body, fontSize=10, leading=14, spaceBefore=6, spaceAfter=3)}


def _table(rows: list[list[str]], style: ParagraphStyle) -> Table:
    widths = column_widths(rows, TEXT_WIDTH)
    cells = [[Paragraph(escape(str(c)).replace("\n", "<br/>"), style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
                               ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2)]))
    return table


def chart_drawing(chart: BarChart, width: float = TEXT_WIDTH, height: float = 190) -> Drawing:
    """The cohort's bars, the applicant's in red, the threshold as a dashed line."""
    register_font()
    width = min(width, 220 + 45 * len(chart.values))  # a few bars stay bars, not slabs
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    # room on the right for the threshold's label, beside the plot rather than over a bar
    bars.x, bars.y, bars.width, bars.height = 45, 40, width - 135, height - 65
    bars.data = [chart.values or [0]]
    top = max([*chart.values, chart.line or 0, 1]) * 1.1
    bars.valueAxis.valueMin, bars.valueAxis.valueMax = 0, top
    bars.valueAxis.labels.fontName = FONT_NAME
    bars.valueAxis.labels.fontSize = 7
    bars.categoryAxis.categoryNames = chart.labels or [""]
    bars.categoryAxis.labels.fontName = FONT_NAME
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 6 else "n"
    bars.bars[0].fillColor = OTHERS
    bars.bars.strokeColor = None
    for index in range(len(chart.values)):
        bars.bars[(0, index)].fillColor = MARKED if index == chart.marked else OTHERS
    drawing.add(bars)
    if chart.line is not None:
        y = bars.y + bars.height * chart.line / top
        drawing.add(Line(bars.x, y, bars.x + bars.width, y, strokeColor=colors.HexColor("#444444"),
                         strokeDashArray=[3, 2], strokeWidth=0.8))
        drawing.add(String(bars.x + bars.width + 4, y - 2, chart.line_label, fontName=FONT_NAME, fontSize=7,
                           textAnchor="start"))
    drawing.add(String(width / 2, height - 12, chart.title, fontName=FONT_NAME, fontSize=9, textAnchor="middle"))
    return drawing


def write_pdf(title: str, sections: list[Section], path: Path, subtitle: list[str] | None = None,
              running_head: str = "") -> Path:
    styles = _styles()
    story = [Paragraph(escape(title), styles["title"])]
    story += [Paragraph(escape(line), styles["sub"]) for line in subtitle or []]
    story.append(Spacer(1, 6))
    for section in sections:
        block = [Paragraph(escape(section.title), styles[section.level])]
        block += [Paragraph(escape(p), styles["body"]) for p in section.paragraphs]
        if section.chart is not None:
            block += [Spacer(1, 4), chart_drawing(section.chart)]
        if section.table:
            block += [Spacer(1, 4), _table(section.table, styles["cell"])]
        # A heading stays with the start of what it heads; long tables still split across pages.
        story += [KeepTogether(block[:2]), *block[2:]] if len(block) > 2 else [KeepTogether(block)]
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = type("ReportCanvas", (_NumberedCanvas,), {"running_head": running_head})
    SimpleDocTemplate(str(path), pagesize=A4, title=title, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                      bottomMargin=MARGIN).build(story, canvasmaker=canvas)
    return path


def chart_png(chart: BarChart, path: Path, scale: float = 2.0) -> Path:
    """The chart as a PNG (for the DOCX): drawn into a one-page PDF and rasterised with pypdfium2."""
    import pypdfium2

    from reportlab.graphics import renderPDF

    drawing = chart_drawing(chart)
    pdf = path.with_suffix(".pdf")
    renderPDF.drawToFile(drawing, str(pdf))
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        document[0].render(scale=scale).to_pil().save(path)
    finally:
        document.close()
    pdf.unlink(missing_ok=True)
    return path
