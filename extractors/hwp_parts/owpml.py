"""Walk OWPML section XML (HWPX ``Contents/sectionN.xml``) into blocks, tables, figures and page text.

Elements are matched by local name, so the 2011 and 2016 namespaces (``hp:``/``hp10:``) read alike.
Text order follows hwpxlib's "append control text after paragraph text": a paragraph's own text is one
line, then the text of its controls (text boxes, tables, captions, headers/footers, notes) follows on
the next lines. Tables come out as rows of tab-separated cells in the page text; a nested table is a
separate ``Table`` appended right after its parent (its text follows the parent's rows).
"""

from __future__ import annotations

from typing import Callable

from extractors.hwp_parts.numbering import Numbering, local
from extractors.model import Cell, Document, Figure, Table, TextBlock

MAX_ROW, MAX_COL = 10_000, 1_000  # addresses beyond these are treated as malformed
_NOTE_CONTROLS = {"header", "footer", "footNote", "endNote"}
_NO_TEXT = {"secPr", "linesegarray", "equation", "ole", "chart", "video", "line", "connectLine"}
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
               "image/tiff": "tif", "image/x-wmf": "wmf", "image/wmf": "wmf", "image/x-emf": "emf",
               "image/emf": "emf", "image/svg+xml": "svg"}

ImageLoader = Callable[[str], "tuple[bytes, str] | None"]  # binaryItemIDRef -> (bytes, media type)


def children(el, name: str) -> list:
    return [c for c in el if local(c.tag) == name] if el is not None else []


def child(el, name: str):
    return next((c for c in el if local(c.tag) == name), None) if el is not None else None


class SectionReader:
    """Fills one ``Document`` section by section; keeps the numbering counters across sections."""

    def __init__(self, doc: Document, numbering: Numbering, load_image: ImageLoader):
        self.doc = doc
        self.numbering = numbering
        self.load_image = load_image
        self.page = 1
        self._nested: list[list] = []  # per open table: nested tables to append after it
        self._seen_images: set[str] = set()

    def section(self, root, page: int) -> list[str]:
        """Lines of text of one section (its page text), filling blocks/tables/figures on the way."""
        self.page = page
        sec_pr = next((el for el in root.iter() if local(el.tag) == "secPr"), None)
        if sec_pr is not None and sec_pr.get("outlineShapeIDRef"):
            self.numbering.outline_id = sec_pr.get("outlineShapeIDRef")
        lines: list[str] = []
        for p in children(root, "p"):
            lines.extend(self.paragraph(p, in_cell=False))
        return lines

    def paragraph(self, p, in_cell: bool) -> list[str]:
        """[paragraph text, *lines of its controls]; adds a TextBlock unless inside a table cell."""
        position = len(self.doc.blocks)
        head = self.numbering.head(p.get("paraPrIDRef"))
        parts: list[str] = []
        after: list[str] = []
        for run in p:
            if local(run.tag) == "run":
                for item in run:
                    self._inline(item, parts, after, in_cell)
            else:
                self._inline(run, parts, after, in_cell)
        text = head + "".join(parts)
        if not in_cell and text.strip():
            level = self.numbering.heading_level(p.get("paraPrIDRef"))
            self.doc.blocks.insert(position, TextBlock(text=text, page=self.page, heading_level=level,
                                                       method="hwpx"))
        return [text, *after]

    def _inline(self, el, parts: list[str], after: list[str], in_cell: bool) -> None:
        name = local(el.tag)
        if name == "t":
            parts.append(_t_text(el))
        elif name == "ctrl":
            for control in el:
                if local(control.tag) in _NOTE_CONTROLS:
                    after.extend(self._sublist_lines(control, in_cell))
        elif name == "tbl":
            if self._nested:  # inside a cell: appended after the parent table
                self._nested[-1].append(el)
            else:
                after.extend(self.table(el))
        elif name == "pic":
            self._figure(el)
            after.extend(self._sublist_lines(el, in_cell))  # its caption
        elif name == "dutmal":  # 덧말: main text with a small note above/below
            parts.append("".join(child(el, "mainText").itertext()) if child(el, "mainText") is not None else "")
        elif name == "compose":  # 글자 겹침
            parts.append(el.get("composeText", ""))
        elif name == "container":  # grouped shapes
            for shape in el:
                self._inline(shape, parts, after, in_cell)
        elif name == "textart":
            after.append(el.get("text", ""))
        elif name not in _NO_TEXT:  # rect, ellipse, polygon, arc, curve, form controls: their text box
            after.extend(self._sublist_lines(el, in_cell))

    def _sublist_lines(self, el, in_cell: bool) -> list[str]:
        """Lines of the nearest subLists below ``el`` (text box, caption, header, note), not deeper ones."""
        lines: list[str] = []
        stack = list(reversed(list(el)))
        while stack:
            node = stack.pop()
            name = local(node.tag)
            if name == "subList":
                for p in children(node, "p"):
                    lines.extend(self.paragraph(p, in_cell))
            elif name not in ("tbl", "pic", "container"):
                stack.extend(reversed(list(node)))
        return lines

    def table(self, tbl) -> list[str]:
        table = Table(index=len(self.doc.tables), page=self.page, method="hwpx")
        self.doc.tables.append(table)
        lines = []
        for caption in children(tbl, "caption"):
            lines.extend(self._sublist_lines(caption, in_cell=False))
        self._nested.append([])
        try:
            table.cells = self._cells(tbl)
        finally:
            nested = self._nested.pop()
        table.n_rows = max([_int(tbl.get("rowCnt"))] + [c.row + c.row_span for c in table.cells])
        table.n_cols = max([_int(tbl.get("colCnt"))] + [c.col + c.col_span for c in table.cells])
        table.n_rows, table.n_cols = min(table.n_rows, MAX_ROW), min(table.n_cols, MAX_COL)
        lines.extend(grid_lines(table))
        for inner in nested:
            lines.extend(self.table(inner))
        return lines

    def _cells(self, tbl) -> list[Cell]:
        cells: list[Cell] = []
        taken: set[tuple[int, int]] = set()
        for row_index, tr in enumerate(children(tbl, "tr")):
            cursor = 0
            for tc in children(tr, "tc"):
                addr, span = child(tc, "cellAddr"), child(tc, "cellSpan")
                row, col = (_int(addr.get("rowAddr"), -1), _int(addr.get("colAddr"), -1)) if addr is not None else (-1, -1)
                if not (0 <= row < MAX_ROW and 0 <= col < MAX_COL):  # no or bad address: next free slot
                    row, col = row_index, cursor
                    while (row, col) in taken:
                        col += 1
                rows = max(1, min(_int(span.get("rowSpan"), 1), MAX_ROW - row)) if span is not None else 1
                cols = max(1, min(_int(span.get("colSpan"), 1), MAX_COL - col)) if span is not None else 1
                taken.update((row + r, col + c) for r in range(min(rows, 64)) for c in range(min(cols, 64)))
                cursor = col + cols
                texts: list[str] = []
                for sub in children(tc, "subList"):
                    for p in children(sub, "p"):
                        texts.extend(self.paragraph(p, in_cell=True))
                text = "\n".join(t for t in texts if t.strip()).strip()
                cells.append(Cell(row=row, col=col, text=text, row_span=rows, col_span=cols))
        return cells

    def _figure(self, pic) -> None:
        img = next((el for el in pic.iter() if local(el.tag) == "img" and el.get("binaryItemIDRef")), None)
        if img is None or img.get("binaryItemIDRef") in self._seen_images:
            return
        ref = img.get("binaryItemIDRef")
        self._seen_images.add(ref)
        loaded = self.load_image(ref)
        if loaded is None:
            self.doc.note("note.hwpx.picture_missing", f"picture {ref!r} is not in the package (linked or missing)")
            return
        data, media_type = loaded
        name = f"fig{len(self.doc.figures) + 1:02d}.{_EXTENSIONS.get(media_type, 'bin')}"
        self.doc.figures.append(Figure(page=self.page, name=name, media_type=media_type, data=data))


def grid_lines(table: Table) -> list[str]:
    """A table as page text: one line per row, cells separated by tabs, merged cells' text once."""
    return ["\t".join(text.replace("\n", " ") for text in row) for row in table.top_left_grid()]


def _t_text(t) -> str:
    out = [t.text or ""]
    for node in t:
        name = local(node.tag)
        out.append({"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}.get(name, ""))
        out.append(node.tail or "")
    return "".join(out)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
