"""Ink a cell's reading left out: glyphs Tesseract dropped from a stacked block of cells (a lone `O`, `Y` or `V`
after the words, a digit at the far end of a wide cell), found as ink outside every word it read."""

from __future__ import annotations

import numpy as np

from extractors.ocr_parts.runs import index_runs

INK_LEVEL = 160  # darker is ink (as the one-line strip crops a cell)
MARGIN = 3  # pixels around a word's box that are still the word's (its box is tight, its strokes anti-aliased)
GLYPH_GAP = 6  # columns of ink this close are one glyph (the strokes of a Y or a ✓)
ROW_GAP = 3  # rows of ink this close are one glyph (a thin ○ broken by the scan)
MIN_HEIGHT = 12  # pixels (prepared, ~300 dpi): a letter or digit is 25–40 tall, a speck or a dash a few
MIN_WIDTH = 8  # pixels: narrower ink beside words is a stroke of a letter or a ruling's remnant, not a glyph
MIN_PIXELS = 12  # inked pixels: fewer is a speck
APART = 10  # pixels of white between a dropped glyph and the words beside it (a space): nearer, it is theirs


def uncovered(crop: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in ``crop``) of glyph-sized ink outside ``boxes`` (the words read, with a margin),
    standing apart from them, left to right. Ink reaching the crop's edge is a remnant of a ruling or a fill,
    not a glyph."""
    ink = crop < INK_LEVEL
    for x0, y0, x1, y1 in boxes:
        ink[max(y0 - MARGIN, 0):y1 + MARGIN, max(x0 - MARGIN, 0):x1 + MARGIN] = False
    cols = np.flatnonzero(ink.any(axis=0))
    if not len(cols):
        return []
    height, width = ink.shape
    out = []
    for c0, c1 in zip(*index_runs(cols, GLYPH_GAP)):
        c0, c1 = int(c0), int(c1)
        rows = np.flatnonzero(ink[:, c0:c1].any(axis=1))
        starts, ends = index_runs(rows, ROW_GAP)
        tallest = int(np.argmax(ends - starts))
        r0, r1 = int(starts[tallest]), int(ends[tallest])
        if r1 - r0 < MIN_HEIGHT or c1 - c0 < MIN_WIDTH or int(ink[r0:r1, c0:c1].sum()) < MIN_PIXELS:
            continue
        if c0 == 0 or r0 == 0 or c1 >= width or r1 >= height:
            continue
        if any(y0 < r1 and r0 < y1 and c0 - APART < x1 and x0 < c1 + APART for x0, y0, x1, y1 in boxes):
            continue  # beside a word on its line, with no space between: part of it
        out.append((c0, r0, c1, r1))
    return out
