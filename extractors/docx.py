"""DOCX (often converted from HWP) through python-docx, merged cells resolved into a grid."""

from __future__ import annotations

from io import BytesIO

import docx
from docx.oxml.ns import qn

from extractors.model import Cell, Document, Table, TextBlock


def extract_docx(doc: Document, data: bytes) -> Document:
    document = docx.Document(BytesIO(data))
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = _paragraph_text(child)
            if text.strip():
                doc.blocks.append(TextBlock(text=text, heading_level=_heading_level(document, child)))
        elif child.tag == qn("w:tbl"):
            _append_table(doc, child)
    return doc


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _heading_level(document, p) -> int | None:
    style = p.find(qn("w:pPr"))
    style_id = style.find(qn("w:pStyle")).get(qn("w:val")) if style is not None and style.find(qn("w:pStyle")) is not None else None
    if not style_id:
        return None
    try:
        name = document.styles.get_by_id(style_id, 1).name or ""  # 1 = paragraph style
    except Exception:
        name = style_id
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if name.lower().startswith("heading") and digits else (0 if name.lower() == "title" else None)


def _append_table(doc: Document, tbl) -> None:
    """Resolve gridSpan (horizontal) and vMerge (vertical) merges; nested tables follow their parent."""
    index = len(doc.tables)
    cells: list[Cell] = []
    open_vmerge: dict[int, Cell] = {}  # grid column -> cell that a vMerge continues
    nested = []
    n_cols = 0
    rows = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(rows):
        col = 0
        before = tr.find(qn("w:trPr"))
        grid_before = _int_attr(before, "w:gridBefore") if before is not None else 0
        col += grid_before
        for tc in tr.findall(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = _int_attr(props, "w:gridSpan") or 1 if props is not None else 1
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            text = "\n".join(t for t in (_paragraph_text(p) for p in tc.findall(qn("w:p"))) if t).strip()
            nested.extend(tc.findall(qn("w:tbl")))
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and col in open_vmerge:
                open_vmerge[col].row_span = r - open_vmerge[col].row + 1
            else:
                cell = Cell(row=r, col=col, col_span=span, text=text)
                cells.append(cell)
                if vmerge is not None and vmerge.get(qn("w:val")) == "restart":
                    open_vmerge[col] = cell
                else:
                    open_vmerge.pop(col, None)
            col += span
        n_cols = max(n_cols, col)
    doc.tables.append(Table(index=index, cells=cells, n_rows=len(rows), n_cols=n_cols))
    for inner in nested:
        _append_table(doc, inner)


def _int_attr(el, name: str) -> int:
    if el is None:
        return 0
    found = el.find(qn(name))
    if found is None:
        return 0
    try:
        return int(found.get(qn("w:val")))
    except (TypeError, ValueError):
        return 0
