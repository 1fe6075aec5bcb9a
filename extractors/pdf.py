"""Text-layer PDFs through pdfplumber: page text and ruled tables with spans."""

from __future__ import annotations

from io import BytesIO

import pdfplumber

from extractors.model import Cell, Document, Page, Table


def extract_pdf(doc: Document, data: bytes) -> Document:
    with pdfplumber.open(BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text() or ""
            doc.pages.append(Page(number=number, text=text))
            for found in page.find_tables():
                doc.tables.append(_table(page, found, number, len(doc.tables)))
    return doc


def _table(page, found, page_number: int, index: int) -> Table:
    """Turn pdfplumber's cell boxes into a grid with row and column spans."""
    boxes = found.cells
    xs = sorted({round(b[0], 1) for b in boxes} | {round(b[2], 1) for b in boxes})
    ys = sorted({round(b[1], 1) for b in boxes} | {round(b[3], 1) for b in boxes})
    cells = []
    for x0, top, x1, bottom in boxes:
        col, col_end = xs.index(round(x0, 1)), xs.index(round(x1, 1))
        row, row_end = ys.index(round(top, 1)), ys.index(round(bottom, 1))
        text = page.crop((x0, top, x1, bottom), strict=False).extract_text() or ""
        cells.append(Cell(row=row, col=col, row_span=max(1, row_end - row), col_span=max(1, col_end - col),
                          text=" ".join(text.split()), bbox=(x0, top, x1, bottom)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index=index, page=page_number, cells=cells, n_rows=max(len(ys) - 1, 0), n_cols=max(len(xs) - 1, 0))
