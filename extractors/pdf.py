"""PDFs through pdfplumber: page text, paragraphs with boxes, ruled and borderless tables with spans
(joined across pages), embedded images as figures (boxes; PNG rendered on demand), and OCR for pages whose text layer is
missing (scans) or garbage (fonts without a usable ToUnicode map).

Each page's content is parsed by PLAYA and handed to pdfplumber as its objects (pdf_parts/playa_page.py: the
same objects pdfminer.six would give, three times as fast); pages PLAYA reads differently, and files it cannot
open, are parsed by pdfminer.six as pdfplumber always does. Per page: NUL spaces and (cid:n) placeholders
normalised; a page whose text runs sideways read through an upright view (pdf_parts/rotation.py); PDFium consulted
when the parser drops a font's text; the garbage score (pdf_parts/garbage.py) decides between the text layer and
OCR (``extractors.ocr.ocr_page_image`` at OCR_DPI), and every such decision lands in ``doc.problems`` as an
operator note (``note.pdf.*``). Cross-page joining runs once all pages are read (pdf_parts/tables.py).

Encrypted and corrupt files raise; the registry turns that into an unreadable document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber

from extractors.model import Document, DocumentProblem, Figure, Page, Table, TextBlock
from extractors.pdf_parts.figures import MAX_FIGURES_PER_PAGE, image_boxes, page_figures, page_image, page_pictures
from extractors.pdf_parts.garbage import garbage_score
from extractors.pdf_parts.playa_page import attach as attach_playa_objects
from extractors.pdf_parts.playa_page import open_document as open_playa
from extractors.pdf_parts.rotation import upright_view
from extractors.pdf_parts.tables import borderless_tables, join_continued, read_tables
from extractors.pdf_parts.text import cell_text, text_blocks  # noqa: F401  (cell_text: public helper)
from extractors.pdfium_lock import PDFIUM_LOCK

OCR_DPI = 300  # Tesseract reads 10-pt Hangul reliably from about 300 dpi; less loses strokes
# pdfminer drops the text of some fonts (an embedded CMap stream as /Encoding, some Type3 fonts)
# without a trace; PDFium reads them. When PDFium finds this many more characters, and half as many
# again, the page's text is taken from PDFium.
LOST_TEXT_MIN_CHARS = 20
LOST_TEXT_RATIO = 1.5
# A PDF is spread over the extraction workers when each part gets at least this many pages: below that,
# opening the file once more in another process costs more than the part saves. A part takes every n-th page
# (not a run of pages): neighbouring pages are alike, so the parts come out about equally heavy (on the
# 197-page guide a run split left one worker 13 % more to do).
SPREAD_MIN_PAGES_PER_PART = 8
# A page with fewer characters than this in its text layer is read by OCR, a second or two a page: a scan is spread
# from two such pages on.
SCANNED_PAGE_MAX_CHARS = LOST_TEXT_MIN_CHARS


@dataclass
class PageResult:
    page: Page
    blocks: list[TextBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    unmapped: float | None = None  # share of unmapped glyphs on a page whose text layer was kept anyway


def extract_pdf(doc: Document, data: bytes) -> Document:
    """Every page in this process (the bounded runner spreads long PDFs over its workers: ``read_pages``)."""
    return join_pages(doc, [read_pages(data)])


@dataclass
class PagesPart:
    """What one pass over a run of pages gives: their results and the operator notes, in page order."""
    results: list[PageResult]
    problems: list[DocumentProblem]


def page_ranges(data: bytes, parts: int) -> list[tuple[int, int, int]] | None:
    """The first look (PDFium, milliseconds): up to ``parts`` interleaved page ranges (first, stop, step) for a PDF of
    ``parts`` × SPREAD_MIN_PAGES_PER_PART pages or more, or with two pages or more to read by OCR; else None (read
    in one pass; also when PDFium cannot open it: pdfplumber's pass then says why)."""
    with PDFIUM_LOCK:  # the first look runs in the caller, where a flow's extraction tasks run on threads
        pdfium_doc = _open_pdfium(data, forms=False)
        if pdfium_doc is None:
            return None
        try:
            count = len(pdfium_doc)
            by_length = count // SPREAD_MIN_PAGES_PER_PART
            scanned = _scanned_pages(pdfium_doc) if by_length < parts else 0
        finally:
            pdfium_doc.close()
    parts = min(parts, max(by_length, scanned))
    if parts < 2:
        return None
    return [(first, count, parts) for first in range(parts)]


def _scanned_pages(pdfium_doc) -> int:
    """How many pages have (next to) no text layer: OCR will read them."""
    scanned = 0
    for index in range(len(pdfium_doc)):
        page = pdfium_doc[index]
        textpage = page.get_textpage()
        try:
            scanned += textpage.count_chars() < SCANNED_PAGE_MAX_CHARS
        finally:
            textpage.close()
            page.close()
    return scanned


def read_pages(data: bytes, first: int = 0, stop: int | None = None, step: int = 1, pictures: bool = False) -> PagesPart:
    """Pages ``first``, ``first + step``, … before ``stop`` (0-based) in one pass: the file opened once, each page's
    objects parsed once (text, tables and figures all read from them) and dropped before the next page. With
    ``pictures``, the figures' pictures are rendered from the page in hand too."""
    problems: list[DocumentProblem] = []
    results = []
    with pdfplumber.open(BytesIO(data)) as pdf:
        pdfium_doc = _open_pdfium(data)
        playa_doc = open_playa(data)  # parses the pages' content three times as fast as pdfminer.six
        try:
            for index in range(first, len(pdf.pages) if stop is None else min(stop, len(pdf.pages)), step):
                page = pdf.pages[index]
                attach_playa_objects(page, playa_doc, index)
                pdfium_page = pdfium_doc[index] if pdfium_doc is not None and index < len(pdfium_doc) else None
                results.append(read_page(page, index + 1, problems, pdfium_page=pdfium_page, summarise=True,
                                         pictures=pictures))
                page.close()  # drop the page's cached objects: long documents stay small in memory
                if pdfium_page is not None:
                    pdfium_page.close()
        finally:
            if pdfium_doc is not None:
                pdfium_doc.close()
    return PagesPart(results, problems)


def join_pages(doc: Document, parts: list[PagesPart]) -> Document:
    """The document from its parts in page order: notes, pages, blocks, figures, tables joined across pages."""
    results = sorted((r for part in parts for r in part.results), key=lambda r: r.page.number)
    doc.problems.extend(sorted((p for part in parts for p in part.problems), key=lambda p: p.page or 0))
    unmapped = [r for r in results if r.unmapped is not None]
    if unmapped:  # one line for what can be a hundred pages of equations
        shares = [r.unmapped for r in unmapped]
        doc.note("note.pdf.unmapped_glyphs",
                 f"{len(unmapped)} page(s) ({_page_list([r.page.number for r in unmapped])}) carry "
                 f"{min(shares):.0%}–{max(shares):.0%} unmapped glyphs (private use area, CID: equations "
                 "or symbol fonts) among readable text; their text layer was kept")
    for result in results:
        doc.pages.append(result.page)
        doc.blocks.extend(result.blocks)
        doc.figures.extend(result.figures)
    doc.tables = join_continued([{"number": r.page.number, "height": r.page.height or 0, "tables": r.tables,
                                  "blocks": r.blocks} for r in results])
    return doc


def read_page(page, number: int, problems: list[DocumentProblem] | None = None, *, pdfium_page=None,
              ocr: bool = True, figures: bool = True, summarise: bool = False, pictures: bool = False) -> PageResult:
    """One page: text, blocks, tables (on this page only) and figures (their boxes); OCR when the text layer fails.

    Operator notes (``note.pdf.*``, with the page) go to ``problems``. ``pdfium_page`` (pypdfium2)
    enables the check for text pdfminer lost; ``summarise`` leaves the note about a partly unmapped
    text layer to the caller (``PageResult.unmapped``); ``pictures`` renders the figures' pictures through it.
    """
    problems = problems if problems is not None else []

    def note(code: str, detail: str) -> None:
        problems.append(DocumentProblem(code=code, page=number, detail=detail))

    for char in page.chars:
        if char["text"] == "\x00":  # Hancom PDFs write some spaces as NUL
            char["text"] = " "
        elif char["text"].startswith("(cid:"):  # a glyph without Unicode: one replacement character
            char["text"] = "\ufffd"
    view, to_page = upright_view(page)  # a table set sideways on the page is read turned upright
    text = view.extract_text() or ""
    result = PageResult(Page(number=number, text=text, width=float(page.width), height=float(page.height)))
    lost = _pdfium_lines(pdfium_page, page, text) if pdfium_page is not None else None
    if lost is not None:
        result.page.text = "\n".join(line for line, _ in lost)
        result.blocks = [TextBlock(text=line, page=number, bbox=box, method="text_layer") for line, box in lost]
        note("note.pdf.text_from_pdfium", "pdfminer dropped text that PDFium reads (a font it cannot decode); "
             "page text taken from PDFium")
        text = result.page.text
    boxes = image_boxes(page)
    score = garbage_score(text)
    # a scan: pictures and no text at all (a chapter page's title over a full-page picture is text)
    scanned = bool(boxes) and not text.strip()
    if score.is_garbage or scanned:
        reason = (f"text layer looks like garbage (score {score.score:.1f}: {score.reason()})" if score.is_garbage
                  else "no text layer, only images (a scan)")
        if not (ocr and _ocr(page, number, result, problems, reason, pdfium_page)):
            result.page.text, result.page.method, result.blocks = "", "none", []
            if not ocr:
                note("note.pdf.no_text", f"{reason}; OCR not requested, page left without text")
    else:
        if score.partly_garbage:
            result.unmapped = 1 - score.readable
            if not summarise:
                note("note.pdf.unmapped_glyphs", f"{score.reason()} (equations or symbol fonts?); "
                     f"{score.readable:.0%} of the text is readable, text layer kept")
        result.tables = read_tables(view, "lines", page_number=number) or borderless_tables(view, number)
        if lost is None:
            result.blocks = text_blocks(view, number, exclude=[t.bbox for t in result.tables if t.bbox])
        if view is not page:
            note("note.pdf.sideways", "text runs sideways; read turned upright")
            _map_boxes(result, to_page)
    if figures and boxes:  # their boxes: the pictures are rendered when asked for (pdf_parts/figures.py)
        ocr_scan = result.page.method == "ocr" and scanned
        keep = [b for b in boxes if not ocr_scan or _area([b]) < 0.9 * float(page.width) * float(page.height)]
        if len(keep) > MAX_FIGURES_PER_PAGE:
            note("note.pdf.figures_capped", f"{len(keep)} images; the first {MAX_FIGURES_PER_PAGE} kept as figures")
        result.figures = page_figures(number, keep)
        if pictures and pdfium_page is not None and result.figures:
            for figure, picture in zip(result.figures, page_pictures(page, pdfium_page, [f.bbox for f in result.figures])):
                figure.data = picture or b""
    return result


def _ocr(page, number: int, result: PageResult, problems: list[DocumentProblem], reason: str,
         pdfium_page=None) -> bool:
    """Replace the page's text, blocks and tables by OCR; False (with a note) when OCR cannot run."""
    try:
        from extractors.ocr import ocr_page_image
    except ImportError as exc:
        problems.append(DocumentProblem(code="note.pdf.no_text", page=number,
                                        detail=f"{reason}; OCR is not available ({exc}), page left without text"))
        return False
    try:
        image = page_image(page, OCR_DPI, pdfium_page)
        read = ocr_page_image(image, number, OCR_DPI / 72)
    except Exception as exc:  # Tesseract missing or failing must not cost the rest of the document
        problems.append(DocumentProblem(code="note.pdf.no_text", page=number, detail=f"{reason}; OCR failed "
                                        f"({type(exc).__name__}: {exc}), page left without text"))
        return False
    result.page.text, result.page.method, result.page.confidence = read.text, "ocr", read.confidence
    result.blocks = [b.model_copy(update={"page": number, "method": "ocr"}) for b in read.blocks]
    result.tables = [t.model_copy(update={"page": number, "method": "ocr", "index": i})
                     for i, t in enumerate(read.tables)]
    problems.extend(read.problems)  # the page's OCR notes (deskew, missing Korean model)
    confidence = f"{read.confidence:.0f}" if read.confidence is not None else "unknown"
    problems.append(DocumentProblem(code="note.pdf.ocr", page=number,
                                    detail=f"{reason}; read by OCR at {OCR_DPI} dpi (mean confidence {confidence})"))
    return True


def _map_boxes(result: PageResult, to_page) -> None:
    """Boxes found on an upright view, back in the page's coordinates."""
    for block in result.blocks:
        block.bbox = to_page(block.bbox) if block.bbox else None
    for table in result.tables:
        table.bbox = to_page(table.bbox) if table.bbox else None
        for cell in table.cells:
            cell.bbox = to_page(cell.bbox) if cell.bbox else None


def _page_list(numbers: list[int]) -> str:
    """1, 2, 3, 5, 7, 8 → "1–3, 5, 7–8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _area(boxes) -> float:
    return sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)


def _open_pdfium(data: bytes, forms: bool = True):
    try:
        import pypdfium2

        pdfium_doc = pypdfium2.PdfDocument(data)
        if forms:  # filled form fields drawn into renderings, as pdfplumber's to_image does (before any page loads)
            pdfium_doc.init_forms()
        return pdfium_doc
    except Exception:  # pdfplumber decides whether the file is readable; this is only a cross-check
        return None


def _pdfium_lines(pdfium_page, page, text: str) -> list[tuple[str, tuple]] | None:
    """PDFium's text lines with boxes, when PDFium reads clearly more than pdfminer did; else None."""
    textpage = None
    try:
        textpage = pdfium_page.get_textpage()
        theirs = textpage.get_text_range()
        ours = sum(not ch.isspace() for ch in text)
        count = sum(not ch.isspace() for ch in theirs)
        if count < ours + LOST_TEXT_MIN_CHARS or count < LOST_TEXT_RATIO * ours:
            return None
        height = float(page.height)
        lines = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            line = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
            if line:
                box = (round(left, 2), round(height - top, 2), round(right, 2), round(height - bottom, 2))
                lines.append((line, box))
        return lines or None
    except Exception:  # PDFium's opinion is optional
        return None
    finally:
        if textpage is not None:
            textpage.close()
