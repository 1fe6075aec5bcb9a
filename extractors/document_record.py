"""The `document.json` view of an extracted document, and its figures as files."""

from __future__ import annotations

from pathlib import Path

from extractors.figures import fill_figure_data
from extractors.model import Document, Table


def _spans(table: Table) -> list[dict]:
    return [{"row": c.row, "col": c.col, "rowspan": c.row_span, "colspan": c.col_span}
            for c in table.cells if c.row_span > 1 or c.col_span > 1]


def document_record(doc: Document, figure_dir: Path | None = None, source: bytes | None = None) -> dict:
    """Rows hold a merged cell's text at its top-left position and empty strings where it extends; ``spans`` says which.

    ``problems`` lists what went wrong or is worth knowing (codes, English details, message parameters);
    the clerk's Korean messages are the ``findings`` that ``checks.document_findings`` makes of them.
    With ``figure_dir``, the figures are written there as files; those recorded only as boxes (a PDF's) are
    rendered from ``source``, the file ``doc`` was read from."""
    if figure_dir is not None and source is not None:
        fill_figure_data(doc, source)
    figures = []
    for fig in doc.figures:
        path = None
        if figure_dir is not None and fig.data:
            figure_dir.mkdir(parents=True, exist_ok=True)
            (figure_dir / fig.name).write_bytes(fig.data)
            path = str(figure_dir / fig.name)
        figures.append({"page": fig.page, "bbox": fig.bbox, "path": path, "name": fig.name, "media_type": fig.media_type})
    return {
        "file": doc.file,
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "pages": doc.page_count,
        "text_source": doc.text_source,
        "readable": doc.readable,
        "blocks": [{"page": b.page, "text": b.text, "bbox": b.bbox, "heading_level": b.heading_level,
                    "source": {"method": b.method or doc.text_source, "confidence": b.confidence}} for b in doc.blocks],
        "page_texts": [{"page": p.number, "name": p.name, "method": p.method, "confidence": p.confidence,
                        "hidden": p.hidden, "text": p.text} for p in doc.pages],
        "tables": [{"page": t.page, "pages": t.pages or ([t.page] if t.page else []), "sheet": t.sheet, "index": t.index,
                    "bbox": t.bbox, "method": t.method, "rows": t.top_left_grid(), "spans": _spans(t),
                    "formulas": [{"row": c.row, "col": c.col, "formula": c.formula} for c in t.cells if c.formula],
                    "confidences": [{"row": c.row, "col": c.col, "confidence": c.confidence}
                                    for c in t.cells if c.confidence is not None]} for t in doc.tables],
        "figures": figures,
        "problems": [p.model_dump(mode="json") for p in doc.problems],
    }
