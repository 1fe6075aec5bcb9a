"""Map hangulang's semantic payload (``convert_to_payload``) onto the project's document model.

The payload is a list of sections of blocks (paragraph, heading, list, table, picture, footnote,
page_header/page_footer, formula, page_break, ...). Table cells carry row/col/row_span/col_span and
their own blocks. With ``include_locations`` the top-level blocks carry the 0-based page of hangulang's
layout pass (the rhwp engine), which becomes our 1-based ``page``; blocks without a location stay on
the page of the block before them. Bounding boxes are on a 0–512 grid of the page, not in points, so
they are left out.
"""

from __future__ import annotations

import base64
import binascii

from extractors.hwp_parts.owpml import MAX_COL, MAX_ROW, grid_lines
from extractors.model import Cell, Document, Figure, Page, Table, TextBlock

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
               "image/tiff": "tif", "image/x-wmf": "wmf", "image/x-emf": "emf", "image/svg+xml": "svg"}
_SILENT = {"page_break", "thread_start", "thread_continuation"}


class PayloadMapper:
    def __init__(self, doc: Document):
        self.doc = doc
        self.page = 1
        self.page_lines: dict[int, list[str]] = {}
        self._nested: list[list[dict]] = []

    def fill(self, payload: dict) -> Document:
        for section in payload.get("sections") or []:
            for block in section.get("blocks") or []:
                location = block.get("location") or {}
                if location.get("status") == "exact" and isinstance(location.get("page"), int):
                    self.page = location["page"] + 1
                self.page_lines.setdefault(self.page, []).extend(self.block(block, in_cell=False))
        last = max(self.page_lines, default=0)
        self.doc.pages = [Page(number=n, text="\n".join(self.page_lines.get(n, [])), method="hwp")
                          for n in range(1, last + 1)]
        return self.doc

    def block(self, block: dict, in_cell: bool) -> list[str]:
        kind = block.get("kind")
        if kind == "table" and block.get("table"):
            if self._nested:  # a table inside a cell follows its parent table
                self._nested[-1].append(block["table"])
                return []
            return self.table(block["table"])
        if kind == "picture":
            self._figure(block.get("resource") or {})
            return []
        if kind in _SILENT:
            return []
        nested = [b for item in block.get("items") or [] for b in item.get("blocks") or []] + list(block.get("children") or [])
        if nested:  # list items, footnotes, headers/footers: their own paragraphs, not the joined text
            return [line for b in nested for line in self.block(b, in_cell)]
        text = block.get("text") or ""
        if not in_cell and text.strip():
            level = block.get("level") if kind == "heading" else None
            self.doc.blocks.append(TextBlock(text=text, page=self.page, heading_level=level, method="hwp"))
        return [text]

    def table(self, data: dict) -> list[str]:
        table = Table(index=len(self.doc.tables), page=self.page, method="hwp")
        self.doc.tables.append(table)
        lines = [data["caption"]] if data.get("caption") else []
        self._nested.append([])
        skipped = 0
        try:
            for raw in data.get("cells") or []:
                texts = [line for b in raw.get("blocks") or [] for line in self.block(b, in_cell=True)]
                row, col = int(raw["row"]), int(raw["col"])
                if not (0 <= row < MAX_ROW and 0 <= col < MAX_COL):  # a damaged address: no grid of that size
                    skipped += 1
                    continue
                table.cells.append(Cell(row=row, col=col,
                                        row_span=max(1, min(int(raw.get("row_span") or 1), MAX_ROW - row)),
                                        col_span=max(1, min(int(raw.get("col_span") or 1), MAX_COL - col)),
                                        text="\n".join(t for t in texts if t.strip()).strip()))
        finally:
            nested = self._nested.pop()
        if skipped:
            self.doc.note("note.hwp.cells_out_of_range", f"table {table.index}: {skipped} cell(s) beyond the grid skipped")
        table.n_rows = max([int(data.get("rows") or 0)] + [c.row + c.row_span for c in table.cells])
        table.n_cols = max([int(data.get("cols") or 0)] + [c.col + c.col_span for c in table.cells])
        table.n_rows, table.n_cols = min(table.n_rows, MAX_ROW), min(table.n_cols, MAX_COL)
        lines.extend(grid_lines(table))
        for inner in nested:
            lines.extend(self.table(inner))
        return lines

    def _figure(self, resource: dict) -> None:
        uri = resource.get("uri") or ""
        if not uri.startswith("data:") or "," not in uri:
            if uri:
                self.doc.note("note.hwp.picture_linked", f"picture not embedded: {uri[:80]}")
            return
        meta, encoded = uri[5:].split(",", 1)
        media_type = meta.split(";", 1)[0] or "application/octet-stream"
        try:
            data = base64.b64decode(encoded, validate=False) if ";base64" in meta else encoded.encode()
        except (binascii.Error, ValueError):
            self.doc.note("note.hwp.picture_undecodable", "picture with an undecodable data URI skipped")
            return
        name = f"fig{len(self.doc.figures) + 1:02d}.{_EXTENSIONS.get(media_type, 'bin')}"
        self.doc.figures.append(Figure(page=self.page, name=name, media_type=media_type, data=data))
