"""The one document model every extractor produces.

Every element carries a ``Provenance`` so a value that reaches the scorers can
be traced back to its file, page or sheet, table, cell and box.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["text_layer", "ocr", "docx", "xlsx_value", "xlsx_formula"]


class Provenance(BaseModel):
    file: str  # name of the file inside the bundle
    page: int | None = None  # 1-based page (PDF, scans)
    sheet: str | None = None  # XLSX sheet name
    table: int | None = None  # 0-based table index within the page/sheet/document
    row: int | None = None  # 0-based row in the table grid
    col: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    method: Method = "text_layer"
    confidence: float | None = None  # OCR confidence 0–100


class Cell(BaseModel):
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    bbox: tuple[float, float, float, float] | None = None


class Table(BaseModel):
    index: int
    page: int | None = None
    sheet: str | None = None
    cells: list[Cell] = []
    n_rows: int = 0
    n_cols: int = 0

    def grid(self) -> list[list[str]]:
        """Rows of text with merged cells' text repeated across their span."""
        grid = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.row_span, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.col_span, self.n_cols)):
                    grid[r][c] = cell.text
        return grid

    def cell_at(self, row: int, col: int) -> Cell | None:
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.col <= col < cell.col + cell.col_span:
                return cell
        return None


class TextBlock(BaseModel):
    text: str
    page: int | None = None
    heading_level: int | None = None
    bbox: tuple[float, float, float, float] | None = None


class Page(BaseModel):
    number: int  # 1-based page, or sheet position for workbooks
    name: str | None = None  # sheet name
    text: str = ""
    method: Method = "text_layer"


class Document(BaseModel):
    """What one file of a bundle turned into."""

    file: str
    sha256: str
    media_type: str
    pages: list[Page] = []
    blocks: list[TextBlock] = []
    tables: list[Table] = []
    unreadable_reason: str | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.unreadable_reason is None

    @property
    def page_count(self) -> int | None:
        return len(self.pages) or None

    def full_text(self) -> str:
        parts = [p.text for p in self.pages] or [b.text for b in self.blocks]
        return "\n".join(parts)

    def provenance(self, table: Table, row: int | None = None, col: int | None = None) -> Provenance:
        method: Method = "docx" if self.media_type.endswith("wordprocessingml.document") else (
            "xlsx_value" if table.sheet else "text_layer")
        cell = table.cell_at(row, col) if row is not None and col is not None else None
        return Provenance(file=self.file, page=table.page, sheet=table.sheet, table=table.index,
                          row=row, col=col, bbox=cell.bbox if cell else None, method=method)
