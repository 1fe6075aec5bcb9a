"""DOCX (often converted from HWP) through python-docx.

Paragraphs with heading levels, tables with gridSpan/vMerge merges resolved into a
grid (nested tables follow their parent), text in text boxes, and inline or
floating images as figures.
"""

from __future__ import annotations

from io import BytesIO

import docx
from docx.oxml.ns import qn

from extractors.images import to_png
from extractors.model import Cell, Document, Figure, Table, TextBlock

TEXTBOX = qn("w:txbxContent")
BLIP = qn("a:blip")
EMBED = qn("r:embed")


def extract_docx(doc: Document, data: bytes) -> Document:
    document = docx.Document(BytesIO(data))
    _walk(doc, document, document.element.body)
    _append_figures(doc, document)
    return doc


def _walk(doc: Document, document, parent) -> None:
    """Body order; content controls (w:sdt) and custom XML wrap paragraphs and tables, so descend into them."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            _append_paragraph(doc, document, child)
        elif child.tag == qn("w:tbl"):
            _append_table(doc, child)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            _walk(doc, document, child)


TEXT, TAB, RUN = qn("w:t"), qn("w:tab"), qn("w:r")
BREAKS = (qn("w:br"), qn("w:cr"))  # a manual line break inside a paragraph (HWP converters write one per line)


def _own_text(el) -> str:
    """Text of an element, line breaks and tabs kept, leaving out what sits in text boxes inside it."""
    parts = []
    for t in el.iter(TEXT, TAB, *BREAKS):
        ancestor = t.getparent()
        while ancestor is not None and ancestor is not el and ancestor.tag != TEXTBOX:
            ancestor = ancestor.getparent()
        if ancestor is not el:
            continue
        if t.tag == TEXT:
            parts.append(t.text or "")
        elif t.getparent().tag == RUN:  # a w:tab under w:pPr/w:tabs is a tab stop, not a character
            parts.append("\t" if t.tag == TAB else "\n")
    return "".join(parts)


def _append_paragraph(doc: Document, document, p) -> None:
    text = _own_text(p)
    if text.strip():
        doc.blocks.append(TextBlock(text=text, heading_level=_heading_level(document, p), method="docx"))
    for box in p.iter(TEXTBOX):
        for inner in box.iter(qn("w:p")):
            inner_text = _own_text(inner)
            if inner_text.strip():
                doc.blocks.append(TextBlock(text=inner_text, method="docx"))


def _heading_level(document, p) -> int | None:
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    if style is None:
        return None
    style_id = style.get(qn("w:val"))
    try:
        name = document.styles.get_by_id(style_id, 1).name or style_id  # 1 = paragraph style
    except Exception:
        name = style_id
    lowered = name.lower().replace(" ", "")
    if lowered == "title":
        return 0
    digits = "".join(ch for ch in lowered if ch.isdigit())
    return int(digits) if lowered.startswith(("heading", "제목")) and digits else None


def _cell_text(tc) -> str:
    """A cell's paragraphs, leaving out nested tables (they become tables of their own)."""
    lines = []
    for child in tc.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_own_text(child))
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            lines.extend(_own_text(p) for p in child.iter(qn("w:p")))
    return "\n".join(line for line in lines if line).strip()


def _int_val(props, name: str) -> int:
    found = props.find(qn(name)) if props is not None else None
    try:
        return int(found.get(qn("w:val"))) if found is not None else 0
    except (TypeError, ValueError):
        return 0


def _append_table(doc: Document, tbl) -> None:
    """Resolve gridSpan (horizontal) and vMerge (vertical) merges; gridBefore rows start late."""
    index = len(doc.tables)
    cells: list[Cell] = []
    open_vmerge: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
    nested = []
    n_cols = 0
    rows = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(rows):
        col = _int_val(tr.find(qn("w:trPr")), "w:gridBefore")
        for tc in tr.findall(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = _int_val(props, "w:gridSpan") or 1
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            nested.extend(tc.findall(qn("w:tbl")))
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and col in open_vmerge:
                open_vmerge[col].row_span = r - open_vmerge[col].row + 1
            else:
                cell = Cell(row=r, col=col, col_span=span, text=_cell_text(tc))
                cells.append(cell)
                if vmerge is not None and vmerge.get(qn("w:val")) == "restart":
                    open_vmerge[col] = cell
                else:
                    open_vmerge.pop(col, None)
            col += span
        n_cols = max(n_cols, col)
    doc.tables.append(Table(index=index, cells=cells, n_rows=len(rows), n_cols=n_cols, method="docx"))
    for inner in nested:
        _append_table(doc, inner)


def _append_figures(doc: Document, document) -> None:
    """Inline (wp:inline) and floating (wp:anchor) pictures, in document order, as PNG where convertible."""
    parts = document.part.related_parts
    seen = set()
    for blip in document.element.body.iter(BLIP):
        rid = blip.get(EMBED)
        if not rid or rid in seen or rid not in parts:
            continue
        seen.add(rid)
        blob = parts[rid].blob
        png = to_png(blob)
        n = len(doc.figures) + 1
        if png is not None:
            doc.figures.append(Figure(name=f"fig{n:02d}.png", data=png))
        else:  # EMF/WMF and other vector formats: kept as they are
            ext = parts[rid].partname.rsplit(".", 1)[-1].lower()
            doc.figures.append(Figure(name=f"fig{n:02d}.{ext}", media_type=parts[rid].content_type, data=blob))
