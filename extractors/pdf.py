"""Text-layer PDFs through pdfplumber: page text and ruled tables with spans."""

from __future__ import annotations

import re
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


_HANGUL_OR_DIGIT = re.compile(r"[\uac00-\ud7a3\d]")


def cell_text(page, bbox) -> str:
    """A cell's text with its wrapped lines joined the way they were written.

    Hangul wraps by syllable (HWP's default), so a line that was full when it broke
    continues a word; a line that had room for the next line's first character
    broke at a space. Cell padding is taken as equal on both sides.
    """
    words = page.crop(bbox, strict=False).extract_words(keep_blank_chars=True, use_text_flow=True)
    if not words:
        return ""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    left = min(w["x0"] for w in words)
    usable_right = bbox[2] - (left - bbox[0])
    out = ""
    for i, line in enumerate(lines):
        text = " ".join(" ".join(w["text"] for w in line).split())
        if i and out:
            prev_end = max(w["x1"] for w in lines[i - 1])
            first_char_width = (line[0]["x1"] - line[0]["x0"]) / max(len(line[0]["text"]), 1)
            full = usable_right - prev_end < first_char_width
            out += "" if full and _HANGUL_OR_DIGIT.match(out[-1]) and _HANGUL_OR_DIGIT.match(text[0]) else " "
        out += text
    return out


def _table(page, found, page_number: int, index: int) -> Table:
    """Turn pdfplumber's cell boxes into a grid with row and column spans."""
    boxes = found.cells
    xs = sorted({round(b[0], 1) for b in boxes} | {round(b[2], 1) for b in boxes})
    ys = sorted({round(b[1], 1) for b in boxes} | {round(b[3], 1) for b in boxes})
    cells = []
    for x0, top, x1, bottom in boxes:
        col, col_end = xs.index(round(x0, 1)), xs.index(round(x1, 1))
        row, row_end = ys.index(round(top, 1)), ys.index(round(bottom, 1))
        cells.append(Cell(row=row, col=col, row_span=max(1, row_end - row), col_span=max(1, col_end - col),
                          text=cell_text(page, (x0, top, x1, bottom)), bbox=(x0, top, x1, bottom)))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(index=index, page=page_number, cells=cells, n_rows=max(len(ys) - 1, 0), n_cols=max(len(xs) - 1, 0))
