"""Pages scanned a quarter turn or upside down.

A page of horizontal text lines has ink that changes a lot from row to row (lines and the gaps between
them) and little from column to column; turned by 90° it is the other way round. That measure is free;
upside down (180°) it is the same, so ``extractors.ocr`` reads a page again turned over only when its
first reading has a low confidence, and keeps the better reading.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from extractors.ocr_parts.prep import otsu

LOOK = 800  # measured on a copy this many pixels on its longer side
MIN_PAGE_SIDE = 500  # pixels: smaller images are snippets, read as they come
WIDE = 1.6  # an image this much wider than tall is a strip of text (or a landscape page), not turned
SIDEWAYS = 1.5  # column-to-column change this many times the row-to-row change: the text runs vertically
UPSIDE_DOWN_CONFIDENCE = 55.0  # a first reading below this mean confidence is tried turned over
BETTER_BY = 15.0  # the turned-over reading must be this much more confident to replace the first


def _variation(ink: np.ndarray) -> float:
    profile = ink.mean(axis=1)
    return float(np.abs(np.diff(profile)).sum() / max(float(profile.mean()), 1e-6))


def is_sideways(image: Image.Image) -> bool:
    """True when the page's text lines run vertically (the page was scanned a quarter turn off)."""
    gray = image.convert("L")
    if min(gray.size) < MIN_PAGE_SIDE or gray.width > WIDE * gray.height:
        return False  # a strip or a snippet of text, not a page turned on its side
    scale = LOOK / max(gray.size)
    if scale < 1:
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                           Image.Resampling.BOX)
    g = np.asarray(gray)
    ink = g < otsu(g)
    if ink.mean() < 0.002:
        return False  # a blank page
    return _variation(ink.T) > SIDEWAYS * _variation(ink)


def unturn(box: tuple[float, float, float, float], turn: int, size: tuple[int, int]) -> tuple[float, float, float, float]:
    """A box in the image turned by ``turn`` degrees (PIL, counter-clockwise, expand=True) → the box in
    the original image of ``size`` (width, height)."""
    w, h = size
    x0, y0, x1, y1 = box
    if turn == 90:
        return (w - y1, x0, w - y0, x1)
    if turn == 180:
        return (w - x1, h - y1, w - x0, h - y0)
    if turn == 270:
        return (y0, h - x1, y1, h - x0)
    return box
