"""Figure pictures on demand.

DOCX, HWPX and HWP figures carry the bytes embedded in the file (extraction has them anyway); a PDF's figures are
recorded as boxes on their pages and rendered only when someone needs the pictures (``intake extract`` writing
them out, through ``document_record``): rendering and PNG-encoding them was a fifth of the work of reading a PDF
that no other consumer used. Rendering runs on the bounded workers, as extraction does (a PDF that breaks PDFium
costs its pictures, not the caller), the pages with figures cut into one run per worker.
"""

from __future__ import annotations

import logging

import extractors.sniff as media
from extractors.model import Box, Document
from extractors.registry import BoundExceeded, Limits, run_bounded_all, worker_count

log = logging.getLogger(__name__)


def fill_figure_data(doc: Document, source: bytes, limits: Limits | None = None) -> None:
    """Give every figure of ``doc`` its bytes, rendering those of a PDF from ``source`` (the file ``doc`` was read
    from); a figure that cannot be rendered keeps empty bytes (one English log line for the document)."""
    missing = [f for f in doc.figures if not f.data and f.page is not None and f.bbox is not None]
    if not missing or doc.media_type != media.PDF:
        return
    from extractors.pdf_parts.figures import render_figures

    parts = _parts([(f.page, f.bbox) for f in missing], worker_count())
    try:
        rendered = run_bounded_all([(render_figures, (source, part)) for part in parts], limits)
        by_box = {(page, box): p for part, pictures in zip(parts, rendered) for (page, box), p in zip(part, pictures)}
        pictures = [by_box.get((f.page, f.bbox)) for f in missing]
    except BoundExceeded as exc:
        log.warning("figures of %s not rendered: %s", doc.file, exc.why)
        return
    except Exception as exc:  # noqa: BLE001 - a PDF PDFium cannot open costs its pictures only
        log.warning("figures of %s not rendered: %s: %s", doc.file, type(exc).__name__, exc)
        return
    failed = 0
    for figure, picture in zip(missing, pictures):
        figure.data = picture or b""
        failed += picture is None
    if failed:
        log.warning("%d of %d figures of %s not rendered (their pages do not render)", failed, len(missing), doc.file)


# A share of figures rendered on a worker of its own holds at least this many: below that, opening the file once more
# costs about what the share saves.
SPREAD_MIN_FIGURES = 8


def _parts(boxes: list[tuple[int, Box]], workers: int) -> list[list[tuple[int, Box]]]:
    """``boxes`` (in page order) dealt to at most ``workers`` shares page by page in turn (a page's figures stay
    together: one rendering of the page serves them): neighbouring pages are alike, so the shares come out about
    equally heavy, which runs of pages do not."""
    count = max(1, min(workers, len(boxes) // SPREAD_MIN_FIGURES))
    parts: list[list[tuple[int, Box]]] = [[] for _ in range(count)]
    pages = list(dict.fromkeys(page for page, _ in boxes))
    share = {page: i % count for i, page in enumerate(pages)}
    for page, box in boxes:
        parts[share[page]].append((page, box))
    return [part for part in parts if part]
