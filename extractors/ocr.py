"""Scans (Korean + English) into the document model: image files, and PDF pages without a usable text layer.

Each page is brought to about 300-dpi text size, turned grey, deskewed (projection-profile search
over ±5°) and searched for ruled tables (extractors/ocr_parts/lines.py). Tesseract (``kor+eng``,
one thread) reads the page outside the tables line by line, and every non-empty table cell from a
crop just inside its rulings. Numbers are repaired conservatively (``normalise_ocr_number``).
Boxes are given in the caller's units: source-image pixels for image files, PDF points for
``ocr_page_image``; the deskew is undone, so a box is the upright rectangle enclosing the text in
the original image.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from io import BytesIO

import numpy as np
from PIL import Image, ImageOps

from extractors.model import (
    UNREADABLE_IMAGE,
    UNREADABLE_TIMEOUT,
    UNREADABLE_NO_OCR,
    Cell,
    Document,
    DocumentProblem,
    Page,
    Table,
    TextBlock,
)
from extractors.ocr_parts import tess
from extractors.ocr_parts.engine import release_freed_memory
from extractors.ocr_parts.lines import Grid, find_tables
from extractors.ocr_parts.lookalikes import RING_READING
from extractors.ocr_parts.marks import lone_mark
from extractors.ocr_parts.numbers import normalise_ocr_number
from extractors.ocr_parts.orient import BETTER_BY, UPSIDE_DOWN_CONFIDENCE, is_sideways, unturn
from extractors.ocr_parts.photo import flatten_photo
from extractors.ocr_parts.prep import median3, prepare
from extractors.ocr_parts.runs import index_runs, runs

__all__ = ["OcrPage", "extract_image", "normalise_ocr_number", "ocr_page_image"]

log = logging.getLogger(__name__)

PAGE_PSM = 6  # one uniform block (shared/platform-notes.md: psm 3 misses most of a Korean page); tables are read cell by cell
CELL_PSM = 6
CELL_INSET = 6  # prepared pixels kept clear of the rulings when cropping a cell
EDGE_BAND = 8  # a cell crop's border band where line-like remnants are wiped
MIN_RING, MAX_RING = 15, 120  # pixels (prepared, ~300 dpi): the size of a ○ written in a cell
RING_CONFIDENCE = 80.0
RING_READING_LENGTH = 2  # a reading this short is checked for a ring whatever it says
# A lone 0 is only as sure as a coin toss (whether "12.285" is twelve thousand is the mapping's question:
# mapping.ocr_reconcile.reconcile_ocr_values knows the form's placeholder and the bundle's other readings).
AMBIGUOUS_CONFIDENCE = 50.0
LONE_ZERO = {"0", "O", "o"}  # a cell of just 0 may be the ○ mark read wrong: yes read as no
# A cell read as at most this many characters is checked for a glyph at all (a dash or specks read as `7`)
SHORT_READING = 3
GLYPH_MIN_HEIGHT = 12  # pixels (prepared, ~300 dpi): a digit or syllable is 25–40 tall, a dash 3–6
GLYPH_INK_LEVEL = 210  # darker is ink for that test: a thin ○ of a light scan is grey (150–200), paper is white
DASH_MIN_WIDTH = 6
PAPER_CUT = 190
GRAIN = 3.0  # grey levels of spread in the paper of a cell: a scan's grain; a rendering's paper is flat  # lighter than this in a cell crop (after its contrast is stretched): paper
MIN_CELL_INK = 12
CELL_INK_LEVEL = 160  # darker is ink in a cell (a thin ○ of a 150 dpi scan is mid-grey)  # fewer dark pixels than this: an empty cell, not read
MAX_PAGES = 300
BAND_MIN_INK = 4  # dark pixels in a row for it to hold text (scan specks have one or two)
BAND_JOIN = 24  # rows of text closer than this are one band
BAND_MIN_HEIGHT = 8
BAND_PAD = 8


@dataclass
class OcrPage:
    """What OCR made of one page; boxes in the caller's units (``ocr_page_image``: PDF points)."""

    text: str
    confidence: float | None  # mean word confidence 0–100; None when nothing was recognised
    blocks: list[TextBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    problems: list[DocumentProblem] = field(default_factory=list)  # operator notes (``note.ocr.*``), with the page


def ocr_page_image(image: Image.Image, page_number: int, scale: float) -> OcrPage:
    """OCR a rendered PDF page. ``scale`` = image pixels per PDF point (pypdfium2's ``render(scale=…)``);
    every box comes back in PDF points, top-left origin, like pdfplumber's. Tables have index 0.

    Raises ``tess.OcrUnavailable`` when Tesseract's models are missing and ``RuntimeError``
    when a Tesseract call times out."""
    return read_page(image, page_number, unit=1.0 / scale, dpi=72.0 * scale)


def extract_image(doc: Document, data: bytes) -> Document:
    """PNG / JPEG / TIFF (every frame of a multi-page TIFF) → pages, line blocks and ruled tables,
    boxes in the image's pixels (after its EXIF orientation). A phone photo of a sheet is straightened
    first (ocr_parts/photo.py); its boxes are then in the straightened sheet's pixels. A file that does not decode is unreadable
    (``unreadable.image``); a later frame that does not decode ends the document with a note."""
    try:
        image = Image.open(BytesIO(data))
    except Exception as exc:  # Pillow reports broken files with many exception types
        return _unreadable(doc, exc)
    try:
        n_frames = int(getattr(image, "n_frames", 1))
    except Exception:  # a broken later frame: read frames until one fails
        n_frames = None
    if n_frames and n_frames > MAX_PAGES:
        doc.note("note.ocr.frames_capped", f"only the first {MAX_PAGES} of {n_frames} frames were read")
    for number in range(1, min(n_frames or MAX_PAGES, MAX_PAGES) + 1):
        try:
            image.seek(number - 1)
            frame = image.copy()  # decodes the frame
            frame = ImageOps.exif_transpose(frame) or frame
        except EOFError:
            break  # no more frames
        except Exception as exc:
            if number == 1:
                return _unreadable(doc, exc)
            doc.note("note.ocr.frame_undecodable",
                     f"frame {number} could not be decoded ({type(exc).__name__}); later frames skipped", page=number)
            break
        flat = flatten_photo(frame) if number == 1 else None
        if flat is not None:  # a phone photo: its boxes are in the straightened sheet's pixels
            frame = flat.image
            doc.note("note.ocr.photo", "photo of a sheet: corners " + ", ".join(f"({x:.0f},{y:.0f})" for x, y in flat.corners)
                     + f" straightened; {flat.seal_pixels} pixels of red ink (a seal) removed", page=number)
        try:
            page = read_page(frame, number, unit=1.0, dpi=None)
        except tess.OcrUnavailable as exc:
            return doc.unreadable(UNREADABLE_NO_OCR, f"Tesseract not found ({exc})")
        except tess.OcrTimeout as exc:  # noise or a huge image: Tesseract would run for minutes
            log.warning("OCR of %s page %d stopped: %s", doc.file, number, exc)
            if n_frames == 1:
                return doc.unreadable(UNREADABLE_TIMEOUT, f"OCR stopped ({exc})", seconds=exc.seconds)
            doc.note("note.ocr.page_failed", f"OCR stopped ({exc})", page=number)
            page = OcrPage(text="", confidence=None)
        except RuntimeError as exc:  # Tesseract failed on this page
            doc.note("note.ocr.page_failed", f"OCR failed ({exc})", page=number)
            page = OcrPage(text="", confidence=None)
        doc.pages.append(Page(number=number, text=page.text, method="ocr", width=frame.width,
                              height=frame.height, confidence=page.confidence))
        doc.blocks.extend(page.blocks)
        for table in page.tables:
            table.index = len(doc.tables)
            doc.tables.append(table)
        doc.problems.extend(page.problems)
    if not doc.pages:
        return _unreadable(doc, EOFError("no frame"))
    if not any(p.text.strip() for p in doc.pages):
        doc.note("note.ocr.no_text", "OCR found no text in the image")
    return doc


def _unreadable(doc: Document, exc: BaseException) -> Document:
    log.warning("could not decode image %s: %s: %s", doc.file, type(exc).__name__, exc)
    return doc.unreadable(UNREADABLE_IMAGE, f"{type(exc).__name__}: {exc}")


def read_page(image: Image.Image, page_number: int, unit: float, dpi: float | None) -> OcrPage:
    """The shared path: turn the page upright, prepare, find rulings, read the text outside tables and
    every table cell. ``unit`` converts source pixels into the caller's units."""
    try:
        return _read_upright(image, page_number, unit, dpi)
    finally:
        release_freed_memory()


def _read_upright(image: Image.Image, page_number: int, unit: float, dpi: float | None) -> OcrPage:
    turn = 90 if is_sideways(image) else 0
    page = _read_turned(image, turn, page_number, unit, dpi)
    # A reading with a low confidence is tried turned over (and, if it was turned, as it came).
    for other in [(turn + 180) % 360] + ([0] if turn else []):
        if page.confidence is not None and page.confidence >= UPSIDE_DOWN_CONFIDENCE:
            break
        again = _read_turned(image, other, page_number, unit, dpi)
        if again.confidence is not None and again.confidence >= (page.confidence or 0) + BETTER_BY:
            page, turn = again, other
    if turn:
        page.problems.append(DocumentProblem(code="note.ocr.turned", page=page_number,
                                             detail=f"page read turned by {turn}° (counter-clockwise)"))
    return page


def _read_turned(image: Image.Image, turn: int, page_number: int, unit: float, dpi: float | None) -> OcrPage:
    turned = image.rotate(turn, expand=True) if turn else image
    prepared = prepare(turned, dpi)
    gray = np.asarray(prepared.image)
    rulings = find_tables(gray)
    clean = gray.copy()
    clean[rulings.erase] = 255  # rulings read as | and _ otherwise

    def box_out(box) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = unturn(prepared.to_source(box), turn, image.size)
        return (round(x0 * unit, 2), round(y0 * unit, 2), round(x1 * unit, 2), round(y1 * unit, 2))

    outer = [g for g in rulings.tables if not any(o is not g and _inside(g.box, o.box) for o in rulings.tables)]
    text_only = clean.copy()
    for grid in outer:
        x0, y0, x1, y1 = (int(round(v)) for v in grid.box)
        text_only[max(y0 - 2, 0):y1 + 3, max(x0 - 2, 0):x1 + 3] = 255
    # One after the other: a scan's pages are spread over the workers (extractors.pdf.page_ranges), so reading the
    # page text on a second thread beside the cells only made the two workers share two cores four ways, and a
    # worker held two Tesseract page readings at once (about 110 MB more at a bundle's peak)
    words = _page_words(text_only)
    tables, cell_confs = _read_tables(rulings.tables, clean, page_number, box_out)
    confs = [w.conf for w in words] + cell_confs
    blocks, items = [], []
    for line in tess.lines(words):
        text = normalise_ocr_number(line.text)
        blocks.append(TextBlock(text=text, page=page_number, bbox=box_out(line.box), method="ocr",
                                confidence=round(line.conf, 2)))
        items.append((line.box[1], text))
    # Reading order: Tesseract's for the lines, each table before the first line below its top.
    for grid, table in zip(rulings.tables, tables):
        rows = [" ".join(t for t in row if t) for row in table.top_left_grid()]
        at = next((i for i, (top, _) in enumerate(items) if top > grid.box[1]), len(items))
        items.insert(at, (grid.box[1], "\n".join(r for r in rows if r)))
    text = "\n".join(t for _, t in items if t)
    confidence = round(sum(confs) / len(confs), 2) if confs else None
    notes = [DocumentProblem(code="note.ocr.deskewed", detail=f"deskewed by {-prepared.angle:.2f}°", page=page_number)
             ] if abs(prepared.angle) >= 1 else []
    if "kor" not in tess.languages():
        notes.append(DocumentProblem(code="note.ocr.no_korean_model", page=page_number,
                                     detail="Tesseract has no Korean model (tesseract-ocr-kor): read as English only"))
    return OcrPage(text=text, confidence=confidence, blocks=blocks, tables=tables, problems=notes)


def _page_words(text_only: np.ndarray) -> list[tess.Word]:
    """The words outside the tables. Only the bands of rows that hold text are read, stacked into one
    image: Tesseract spends seconds on the white of a page that is mostly table or blank."""
    ink = text_only < 128
    rows = np.flatnonzero(ink.sum(axis=1) >= BAND_MIN_INK)
    if not len(rows):
        return []
    bands, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r - prev > BAND_JOIN:
            bands.append((start, prev + 1))
            start = r
        prev = r
    bands.append((start, prev + 1))
    pieces = []
    for y0, y1 in bands:
        if y1 - y0 < BAND_MIN_HEIGHT:
            continue  # a speck of noise, not a line of text
        y0, y1 = max(y0 - BAND_PAD, 0), min(y1 + BAND_PAD, ink.shape[0])
        cols = np.flatnonzero(ink[y0:y1].any(axis=0))
        x0, x1 = max(int(cols[0]) - BAND_PAD, 0), min(int(cols[-1]) + 1 + BAND_PAD, ink.shape[1])
        pieces.append((x0, y0, text_only[y0:y1, x0:x1]))
    if not pieces:
        return []
    gap = tess.GAP
    canvas = np.full((sum(p.shape[0] + gap for _, _, p in pieces) + gap, max(p.shape[1] for _, _, p in pieces) + 2 * gap),
                     255, np.uint8)
    placed, y = [], gap
    for x0, y0, piece in pieces:
        canvas[y:y + piece.shape[0], gap:gap + piece.shape[1]] = piece
        placed.append((y, y + piece.shape[0], x0 - gap, y0 - y))
        y += piece.shape[0] + gap
    found = tess.words(Image.fromarray(canvas), PAGE_PSM)
    for word in found:
        middle = (word.box[1] + word.box[3]) / 2
        _, _, dx, dy = min(placed, key=lambda p: 0 if p[0] <= middle < p[1] else min(abs(middle - p[0]), abs(middle - p[1])))
        x0, y0, x1, y1 = word.box
        word.box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    return found


def _on_white(crop: np.ndarray) -> np.ndarray:
    """Dark text on white for a cell crop: a tinted cell's fill becomes white (else Tesseract's
    binarisation of the stacked cells takes it for ink), light text on a fill is inverted, and
    remnants of rulings or fill edges along the crop's border are wiped."""
    crop = crop.copy()
    band = EDGE_BAND
    for rows in (crop[:band], crop[-band:], crop[:, :band].T, crop[:, -band:].T):
        rows[(rows < 160).mean(axis=1) > 0.8] = 255  # views: wipes the crop in place
    background = float(np.median(crop))
    dark, light = float(np.percentile(crop, 1)), float(np.percentile(crop, 99))
    if light - background > background - dark:  # the text is lighter than what surrounds it
        crop, background, dark = 255 - crop, 255 - background, 255 - light
    if background - dark >= 40 and background <= 235:  # else already dark on (near) white, or too flat to stretch
        crop = np.clip((crop.astype(np.float32) - dark) * (255.0 / (background - dark)), 0, 255).astype(np.uint8)
    return _despeckled(crop)


def _despeckled(crop: np.ndarray) -> np.ndarray:
    """Scan specks removed (a 3×3 median drops dots of up to 2×2 pixels, which Tesseract reads as ㆍ, . or 0,
    and keeps strokes) and the paper made plain white (its grain is read as letters too). Only on grainy
    paper: a clean rendering's thin strokes are better left alone."""
    background = float(np.median(crop))
    paper = crop[np.abs(crop.astype(np.int16) - int(background)) < 25]
    if paper.size < 16 or float(paper.std()) < GRAIN:
        return crop
    out = median3(crop)
    out[out > PAPER_CUT] = 255
    return out


def _is_ring(crop: np.ndarray) -> bool:
    """The crop's ink is one round mark: about as wide as tall, text-sized, ink around an empty middle (the
    scan's specks around it left out)."""
    box = tess.ink_box(crop, GLYPH_INK_LEVEL)
    if box is None:
        return False
    crop = crop[box[1]:box[3], box[0]:box[2]]
    # the run of inked columns holding the most ink: a ring's columns are all inked, a speck beside it is apart
    per_col = (crop < GLYPH_INK_LEVEL).sum(axis=0)
    starts, ends = index_runs(np.flatnonzero(per_col), tess.BAND_GAP)
    best = max(range(len(starts)), key=lambda k: int(per_col[starts[k]:ends[k]].sum()))
    crop = crop[:, int(starts[best]):int(ends[best])]
    ys, xs = np.nonzero(crop < GLYPH_INK_LEVEL)
    if len(ys) < MIN_CELL_INK:
        return False
    h, w = int(ys.max() - ys.min() + 1), int(xs.max() - xs.min() + 1)
    if not (MIN_RING <= h <= MAX_RING and 0.75 <= w / h <= 1.33):
        return False
    box = crop[ys.min():ys.max() + 1, xs.min():xs.max() + 1] < GLYPH_INK_LEVEL
    middle = box[h // 3:h - h // 3, w // 3:w - w // 3]
    edge = np.concatenate([box[: h // 6].ravel(), box[-(h // 6):].ravel(), box[:, : w // 6].ravel(), box[:, -(w // 6):].ravel()])
    return middle.size > 0 and float(middle.mean()) < 0.1 and float(edge.mean()) > 0.2


def _glyphless(crop: np.ndarray) -> tuple[str, list[float]] | None:
    """A cell whose ink lies in no band of rows as tall as a letter (GLYPH_MIN_HEIGHT pixels, rows a few apart
    counted as one band, so a thin ring broken by the scan still spans its height): the `-` of a row left
    empty when one ink run is at least twice as wide as the tallest stroke, else specks of the scan (nothing).
    None when the cell holds a glyph."""
    ink = crop < GLYPH_INK_LEVEL
    rows = np.flatnonzero(ink.any(axis=1))
    if len(rows):
        starts, ends = index_runs(rows, tess.BAND_GAP)
        if int((ends - starts).max()) >= GLYPH_MIN_HEIGHT:
            return None
    _, top, bottom = runs(ink.T)
    tallest = int((bottom - top).max()) if len(top) else 0
    _, start, end = runs(ink)
    widest = int((end - start).max()) if len(start) else 0
    return ("-", [RING_CONFIDENCE]) if widest >= max(2 * tallest, DASH_MIN_WIDTH) else ("", [])


def _inside(inner, outer) -> bool:
    return inner[0] >= outer[0] - 2 and inner[1] >= outer[1] - 2 and inner[2] <= outer[2] + 2 and inner[3] <= outer[3] + 2


def _read_tables(grids: list[Grid], clean: np.ndarray, page_number: int, box_out) -> tuple[list[Table], list[float]]:
    """Every table with its cells read; also the confidences of all words read in cells."""
    crops, where = [], []
    for t, grid in enumerate(grids):
        nested = [g.box for g in grids if g is not grid and _inside(g.box, grid.box)]
        source = clean
        if nested:  # a table inside a cell is read as its own table, not as the cell's text
            source = clean.copy()
            for x0, y0, x1, y1 in nested:
                source[int(y0):int(y1) + 1, int(x0):int(x1) + 1] = 255
        for c, cell in enumerate(grid.cells):
            x0, y0, x1, y1 = (int(round(v)) for v in cell.box)
            crop = source[y0 + CELL_INSET:y1 - CELL_INSET, x0 + CELL_INSET:x1 - CELL_INSET]
            if crop.size and int((crop < CELL_INK_LEVEL).sum()) >= MIN_CELL_INK:
                crops.append(Image.fromarray(_on_white(crop)))
                where.append((t, c))
    read = dict(zip(where, tess.read_crops(crops, CELL_PSM))) if crops else {}
    for key, crop in zip(where, crops):
        text = read[key][0]
        # what Tesseract makes of a lone ○: a look-alike, or a digit (`6`, `5 :`) when the ring is thin
        if (RING_READING.fullmatch(text) or len(text.replace(" ", "")) <= RING_READING_LENGTH) and _is_ring(np.asarray(crop)):
            read[key] = ("○", [RING_CONFIDENCE])  # the kor model does not read a lone ○
        elif not text.strip() and (mark := lone_mark(np.asarray(crop))) is not None:
            read[key] = (mark, [RING_CONFIDENCE])  # a lone Y or N both models dropped
        elif len(read[key][0].strip()) <= SHORT_READING and (glyphless := _glyphless(np.asarray(crop))) is not None:
            read[key] = glyphless  # a dash or specks read as `7`, `지이`: no stroke in the cell is a letter's height
    tables, confs = [], []
    for t, grid in enumerate(grids):
        cells = []
        for c, cell in enumerate(grid.cells):
            text, cell_confs = read.get((t, c), ("", []))
            confs.extend(cell_confs)
            text = normalise_ocr_number(text)
            confidence = round(sum(cell_confs) / len(cell_confs), 2) if cell_confs else None
            if confidence is not None and text.strip("()[] ") in LONE_ZERO:
                confidence = min(confidence, AMBIGUOUS_CONFIDENCE)
            cells.append(Cell(row=cell.row, col=cell.col, row_span=cell.row_span, col_span=cell.col_span,
                              text=text, bbox=box_out(cell.box), confidence=confidence))
        tables.append(Table(index=0, page=page_number, bbox=box_out(grid.box), method="ocr", cells=cells,
                            n_rows=grid.n_rows, n_cols=grid.n_cols))
    return tables, confs
