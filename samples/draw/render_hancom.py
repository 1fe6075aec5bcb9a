"""Write a ``FlowDocument`` as HWPX or HWP 5 with python-hwpx (Apache-2.0), the way Hancom Office saves it.

HWPX is OWPML (zip + XML); python-hwpx builds the parts and validates them before it saves. HWP 5 is
written by python-hwpx's own HWP 5.0 writer from those same parts (records compressed into an OLE
compound file), so both formats carry the same tables: merged cells as real spans (``cellSpan``),
nested tables inside their cell, a header row marked to repeat, page breaks before a paragraph.

Same seed, same bytes: python-hwpx names paragraphs and tables with ``uuid4``; while a document is
built its id source is a ``random.Random`` seeded from the document's own content.
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from contextlib import contextmanager
from datetime import datetime

from samples.draw.blocks import FlowDocument, Grid, PageBreak, Para

PAGE_WIDTH = 42_520  # HWPUNIT (1/7200 in) between the default A4 margins


def to_hwpx(doc: FlowDocument, when: datetime) -> bytes:
    return _save(doc, when, "hwpx")


def to_hwp(doc: FlowDocument, when: datetime) -> bytes:
    return _save(doc, when, "hwp")


HANCOM_WRITERS = {"hwpx": to_hwpx, "hwp": to_hwp}


def _save(doc: FlowDocument, when: datetime, fmt: str) -> bytes:
    from hwpx import HwpxDocument

    seed = hashlib.sha256(f"{doc.title}|{when.isoformat()}|{len(doc.blocks)}".encode()).digest()
    with _seeded_ids(int.from_bytes(seed[:8], "big")):
        out = HwpxDocument.new()
        _paragraph(out, doc.title, page_break=False)
        page_break = False
        for block in doc.blocks:
            if isinstance(block, PageBreak):
                page_break = True
                continue
            if isinstance(block, Para):
                if block.style in ("heading", "subheading") and not page_break:
                    out.add_heading(block.text, level=1 if block.style == "heading" else 2)
                else:
                    _paragraph(out, block.text, page_break)
            elif isinstance(block, Grid):
                if block.caption or page_break:
                    _paragraph(out, block.caption or "", page_break)
                _table(out, block)
            page_break = False
        buf = io.BytesIO()
        out.save_to_stream(buf, format=fmt)
    return buf.getvalue()


def _paragraph(out, text: str, page_break: bool):
    return out.add_paragraph(text, pageBreak="1") if page_break else out.add_paragraph(text)


def _table(out, grid: Grid, parent_cell=None):
    n_rows, n_cols = len(grid.rows), max(len(r) for r in grid.rows)
    width = _width(grid, n_cols, nested=parent_cell is not None)
    table = (parent_cell.add_table(n_rows, n_cols, width=width) if parent_cell is not None
             else out.add_table(n_rows, n_cols, width=width))
    if grid.header_rows:
        table.element.set("repeatHeader", "1")
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if text:
                table.set_cell_text(r, c, text, split_paragraphs="\n" in text)
    for (r, c), inner in sorted(grid.nested.items()):
        _table(out, inner, table.cell(r, c))
    # bottom-right first: a merge that empties whole rows removes them (as Hancom does), which must not
    # move the rows a merge still to come refers to
    for r0, c0, r1, c1 in sorted(grid.merges, reverse=True):
        table.merge_cells(r0, c0, r1, c1)
    return table


def _width(grid: Grid, n_cols: int, nested: bool) -> int:
    full = PAGE_WIDTH // 2 if nested else PAGE_WIDTH
    return max(full, n_cols * 2_000)


@contextmanager
def _seeded_ids(seed: int):
    """python-hwpx's documented seam for its id source (``_document_primitives.uuid4``), seeded."""
    import hwpx.oxml._document_primitives as primitives

    rng = random.Random(seed)
    original = primitives.uuid4
    primitives.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128))
    try:
        yield
    finally:
        primitives.uuid4 = original
