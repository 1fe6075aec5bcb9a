"""Source tables of DOCX/XLSX files (no pages): re-extracted from the raw store, the source cell marked."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from intake.rawstore import RawStore
from web.sources import SourceRef, SourceUnavailable

TABLE_WINDOW = 8  # rows shown either side of the source row of a long table
MAX_COLUMNS = 30

_documents: OrderedDict[str, object] = OrderedDict()
_documents_lock = threading.Lock()
DOCUMENT_CACHE = 32


def document_for(ref: SourceRef, store_root: Path):
    """The stored file extracted again (cached per SHA-256)."""
    from extractors.registry import extract

    with _documents_lock:
        if ref.sha256 in _documents:
            _documents.move_to_end(ref.sha256)
            return _documents[ref.sha256]
    try:
        data = RawStore(store_root).get(ref.sha256)
    except OSError as exc:
        raise SourceUnavailable(f"{ref.sha256} is not in the raw store") from exc
    doc = extract(ref.location.file, data)
    with _documents_lock:
        _documents[ref.sha256] = doc
        while len(_documents) > DOCUMENT_CACHE:
            _documents.popitem(last=False)
    return doc


@dataclass
class TableView:
    caption: str
    rows: list[list[dict]]  # cells: text, rowspan, colspan, highlight, row, col
    skipped_before: int
    skipped_after: int


def table_view(ref: SourceRef, store_root: Path) -> TableView:
    doc = document_for(ref, store_root)
    tables = [t for t in doc.tables
              if (ref.location.table is None or t.index == ref.location.table) and (not ref.location.sheet or t.sheet == ref.location.sheet)]
    if not tables:
        raise SourceUnavailable("table not found in the re-extracted document")
    table = tables[0]
    focus = ref.location.row if ref.location.row is not None else 0
    first, last = max(1, focus - TABLE_WINDOW), min(table.n_rows, focus + TABLE_WINDOW + 1)
    shown = ([0] if table.n_rows else []) + list(range(first, last))  # the header row, then the source row's window
    target = table.cell_at(ref.location.row, ref.location.col) if ref.location.row is not None and ref.location.col is not None else None
    n_cols = min(table.n_cols, MAX_COLUMNS)
    occupied: set[tuple[int, int]] = set()
    rows = []
    for position, r in enumerate(shown):
        cells = []
        for c in range(n_cols):
            if (r, c) in occupied:
                continue
            cell = table.cell_at(r, c)
            if cell is None:
                cells.append({"text": "", "rowspan": 1, "colspan": 1, "highlight": False})
                continue
            run = 1  # shown rows the cell covers from here on, without a gap
            while (position + run < len(shown) and shown[position + run] == r + run
                   and r + run < cell.row + cell.row_span):
                run += 1
            span = max(1, min(cell.col + cell.col_span - c, n_cols - c))
            occupied.update((shown[position + i], c + j) for i in range(run) for j in range(span))
            highlight = cell is target if target is not None else (ref.location.row == r and ref.location.col is None)
            cells.append({"text": cell.text, "rowspan": run, "colspan": span, "highlight": highlight})
        rows.append(cells)
    caption = f"{ref.location.file} · " + (f"'{table.sheet}' 시트 · " if table.sheet else "") + f"표{table.index + 1}"
    return TableView(caption, rows, skipped_before=first - 1, skipped_after=table.n_rows - last)
