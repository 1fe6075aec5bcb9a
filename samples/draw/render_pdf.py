"""Write a ``FlowDocument`` as a text-layer PDF (reportlab, Nanum font), byte-stable for a seed.

A table longer than the page runs on over the break, its ``header_rows`` repeated at the top of
the next page — the 요약표 a clerk prints from a word processor.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from samples.draw.blocks import FlowDocument, Grid, PageBreak, Para
from samples.render import korean_font

PAGE_WIDTH_SHARE = 0.86  # of A4's width, inside the margins
# Marks the Nanum font lacks (☑ ☐ ✓ ✗) are set in a font that has them, so the text layer keeps them.
SYMBOL_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf")
_COVERAGE: dict[str, set[int]] = {}


def symbol_font() -> str | None:
    return next((p for p in SYMBOL_FONTS if Path(p).exists()), None)


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # each on its own: another module may have registered "Korean" already (same seed, same bytes)
    for name, path in (("Korean", korean_font()), ("Symbols", symbol_font())):
        if path and name not in _COVERAGE:
            font = TTFont(name, path)
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(font)
            _COVERAGE[name] = set(font.face.charToGlyph)


def to_pdf(doc: FlowDocument, *, font_size: float = 8.5) -> bytes:
    from reportlab.platypus.doctemplate import LayoutError

    try:
        return _build(doc, font_size, spans=True)
    except LayoutError:  # a table that cannot break between its spans: printed without merged cells
        return _build(doc, font_size, spans=False)


def _build(doc: FlowDocument, font_size: float, spans: bool) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak as RLBreak
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register()
    body = ParagraphStyle("body", fontName="Korean", fontSize=font_size, leading=font_size * 1.35, wordWrap="CJK")
    styles = {
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=font_size - 1, leading=(font_size - 1) * 1.35),
        "heading": ParagraphStyle("heading", parent=body, fontSize=font_size + 3, leading=(font_size + 3) * 1.4,
                                  spaceBefore=6, spaceAfter=3),
        "subheading": ParagraphStyle("subheading", parent=body, fontSize=font_size + 1.5,
                                     leading=(font_size + 1.5) * 1.4, spaceBefore=4, spaceAfter=2),
        "title": ParagraphStyle("title", parent=body, fontSize=font_size + 7, leading=(font_size + 7) * 1.4,
                                spaceAfter=8),
    }
    width = A4[0] * PAGE_WIDTH_SHARE
    story = [Paragraph(_escape(doc.title), styles["title"])]
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            story.append(RLBreak())
        elif isinstance(block, Para):
            story.append(Paragraph(_escape(block.text), styles.get(block.style, body)))
        elif isinstance(block, Grid):
            story.append(Spacer(1, 4))
            if block.caption:
                story.append(Paragraph(_escape(block.caption), body))
            story.append(_table(block, width, body, spans))
            story.append(Spacer(1, 4))
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=doc.title, subject=doc.subject, author="", creator="",
                      leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40, invariant=1).build(story)
    return buf.getvalue()


def _table(grid: Grid, width: float, style, spans: bool = True):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    n_cols = max(len(r) for r in grid.rows)
    shares = grid.widths or [1.0] * n_cols
    total = sum(shares)
    col_widths = [width * s / total for s in shares]
    rows = []
    for r, cells in enumerate(grid.rows):
        out = []
        for c in range(n_cols):
            inner = grid.nested.get((r, c))
            if inner is not None:  # as wide as the (merged) cell holding it
                last = next((c1 for r0, c0, _, c1 in grid.merges if (r0, c0) == (r, c)), c)
                out.append(_table(inner, sum(col_widths[c:last + 1]) - 6, style, spans))
            else:
                text = cells[c] if c < len(cells) else ""
                out.append(Paragraph(_escape(text).replace("\n", "<br/>"), style))
        rows.append(out)
    table = Table(rows, colWidths=col_widths, repeatRows=grid.header_rows)
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if spans:
        commands += [("SPAN", (c0, a), (c1, b))
                     for r0, c0, r1, c1 in grid.merges for a, b in _pieces(r0, r1, grid.merges)]
    if grid.header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, grid.header_rows - 1), colors.Color(0.9, 0.9, 0.9)))
    table.setStyle(TableStyle(commands))
    return table


MAX_SPAN_ROWS = 15  # reportlab cannot break a table inside a span: a long merged cell is cut into pieces


def _pieces(r0: int, r1: int, merges: list) -> list[tuple[int, int]]:
    """A long span cut where no other span crosses (a row boundary the table may break at)."""
    if r1 - r0 < MAX_SPAN_ROWS:
        return [(r0, r1)]
    free = [p for p in range(r0 + 1, r1 + 1) if not any(a < p <= b for a, _, b, _ in merges if (a, b) != (r0, r1))]
    pieces, start = [], r0
    for p in free:
        if p - start >= MAX_SPAN_ROWS // 2 or p - start >= 1 and _next_free(free, p) - start > MAX_SPAN_ROWS:
            pieces.append((start, p - 1))
            start = p
    pieces.append((start, r1))
    return pieces


def _next_free(free: list[int], p: int) -> int:
    return next((q for q in free if q > p), 10**6)


def _escape(text: str) -> str:
    out = []
    for ch in text:
        safe = ch.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if ord(ch) > 127 and ord(ch) not in _COVERAGE.get("Korean", ()) and ord(ch) in _COVERAGE.get("Symbols", ()):
            safe = f'<font name="Symbols">{safe}</font>'
        out.append(safe)
    return "".join(out)
