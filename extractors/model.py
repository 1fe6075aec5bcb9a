"""The one document model every extractor produces.

Every element carries enough to build a ``Provenance``, so a value that reaches
the scorers can be traced back to its file, page or sheet, table, cell and box,
and to how it was obtained (text layer, OCR with its confidence, formula value).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Box, Method, Provenance

__all__ = ["Box", "Cell", "Document", "DocumentProblem", "Figure", "Method", "Page", "Provenance", "Table",
           "TextBlock"]


class Cell(BaseModel):
    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    bbox: Box | None = None
    confidence: float | None = None  # mean OCR word confidence, when read by OCR
    formula: str | None = None  # an XLSX formula cell's formula; ``text`` holds its cached value
    number_format: str | None = None
    page: int | None = None  # set for rows of a table continued from an earlier page


class Table(BaseModel):
    index: int
    page: int | None = None  # first page for a table continued across pages
    pages: list[int] = []  # every page it spans, when more than one
    sheet: str | None = None
    bbox: Box | None = None  # on its first page
    method: Method | None = None
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

    def top_left_grid(self) -> list[list[str]]:
        """Rows of text with a merged cell's text only at its top-left position."""
        grid = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            if cell.row < self.n_rows and cell.col < self.n_cols:
                grid[cell.row][cell.col] = cell.text
        return grid

    def cell_at(self, row: int, col: int) -> Cell | None:
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.col <= col < cell.col + cell.col_span:
                return cell
        return None


class TextBlock(BaseModel):
    text: str
    page: int | None = None
    heading_level: int | None = None  # 0 = title, 1… = heading levels
    bbox: Box | None = None
    method: Method | None = None
    confidence: float | None = None


class Figure(BaseModel):
    page: int | None = None
    bbox: Box | None = None
    name: str  # file name the figure is written under, e.g. p003-fig01.png
    media_type: str = "image/png"
    data: bytes = Field(default=b"", exclude=True, repr=False)


# Codes of the fatal problems: the file could not be read at all. The clerk's Korean sentence for each
# lives in the rule catalogue (checks/rules.yaml, ``document.unreadable`` → ``reasons``), never here.
UNREADABLE_EMPTY = "unreadable.empty"  # a 0-byte file
UNREADABLE_ENCRYPTED = "unreadable.encrypted"  # password-protected (PDF, DOCX/XLSX)
UNREADABLE_ENCRYPTED_HANCOM = "unreadable.encrypted_hancom"  # password-protected HWP; params: kind
UNREADABLE_DRM = "unreadable.drm"  # a document-security product's envelope or DRM flag
UNREADABLE_DISTRIBUTION = "unreadable.distribution"  # an HWP distribution (read-only, copy-protected) document
# an HWPX whose parts are encrypted (ODF package encryption): a password or a distribution (배포용) document. The
# two are saved the same way, and Hancom has not published what tells them apart.
UNREADABLE_LOCKED_HWPX = "unreadable.locked_hwpx"
UNREADABLE_HWP3 = "unreadable.hwp3"  # HWP 3.0 (before Hangul 97)
UNREADABLE_LEGACY_OFFICE = "unreadable.legacy_office"  # .doc/.xls (OLE without a reader)
UNREADABLE_TRUNCATED = "unreadable.truncated"  # starts like a zip package but cannot be opened
UNREADABLE_CORRUPT = "unreadable.corrupt"  # the reader failed; params: error (the exception's type name)
UNREADABLE_BOMB = "unreadable.bomb"  # inflates to an abnormal size (zip/deflate bomb)
UNREADABLE_MAIL = "unreadable.mail"  # an Outlook .msg inside a bundle
UNREADABLE_ARCHIVE = "unreadable.archive"  # a zip inside a bundle
UNREADABLE_UNSUPPORTED = "unreadable.unsupported"  # no extractor for the type
UNREADABLE_TIMEOUT = "unreadable.timeout"  # over the time limit; params: seconds
UNREADABLE_MEMORY = "unreadable.memory"  # over the memory limit; params: gib
UNREADABLE_IMAGE = "unreadable.image"  # an image that does not decode
UNREADABLE_NO_OCR = "unreadable.no_ocr"  # a scan, and Tesseract is not installed
UNREADABLE_REASONS = frozenset({
    UNREADABLE_EMPTY, UNREADABLE_ENCRYPTED, UNREADABLE_ENCRYPTED_HANCOM, UNREADABLE_DRM, UNREADABLE_DISTRIBUTION,
    UNREADABLE_LOCKED_HWPX, UNREADABLE_HWP3, UNREADABLE_LEGACY_OFFICE, UNREADABLE_TRUNCATED, UNREADABLE_CORRUPT,
    UNREADABLE_BOMB, UNREADABLE_MAIL, UNREADABLE_ARCHIVE, UNREADABLE_UNSUPPORTED, UNREADABLE_TIMEOUT, UNREADABLE_MEMORY,
    UNREADABLE_IMAGE, UNREADABLE_NO_OCR,
})


class DocumentProblem(BaseModel):
    """Something that went wrong, or is worth knowing, about how a document was read.

    ``code`` is one of three kinds: an ``unreadable.*`` reason (``fatal``: the file could not be read
    at all), the id of a rule of the review catalogue (checks/rules.yaml, which owns severity and
    the clerk's wording), or a ``note.*`` code for the operator's log only. The catalogue turns
    ``params`` into the Korean message; ``detail`` is plain English for the log.
    """

    code: str
    fatal: bool = False
    detail: str = ""  # specifics for the log, in English: cell names, page numbers, limits
    page: int | None = None
    sheet: str | None = None
    params: dict[str, str | int | float] = {}  # values the Korean message template needs


class Page(BaseModel):
    number: int  # 1-based page, or sheet position for workbooks
    name: str | None = None  # sheet name
    text: str = ""
    method: Method | Literal["none"] = "text_layer"
    width: float | None = None
    height: float | None = None
    hidden: bool = False  # a hidden sheet
    confidence: float | None = None  # mean OCR confidence of the page


class Document(BaseModel):
    """What one file of a bundle turned into."""

    file: str
    sha256: str
    media_type: str
    pages: list[Page] = []
    blocks: list[TextBlock] = []
    tables: list[Table] = []
    figures: list[Figure] = []
    problems: list[DocumentProblem] = []

    @property
    def readable(self) -> bool:
        return not any(p.fatal for p in self.problems)

    def unreadable(self, code: str, detail: str = "", **params: str | float) -> Document:
        """Mark the document as not readable for reason ``code`` (an ``unreadable.*`` code); returns it."""
        self.problems.append(DocumentProblem(code=code, fatal=True, detail=detail, params=params))
        return self

    def note(self, code: str, detail: str, page: int | None = None) -> None:
        """An operator-only note (``note.*`` code), English ``detail``."""
        self.problems.append(DocumentProblem(code=code, detail=detail, page=page))

    @property
    def page_count(self) -> int | None:
        return len(self.pages) or None

    @property
    def text_source(self) -> Literal["text_layer", "ocr", "mixed", "none"]:
        methods = {p.method for p in self.pages if p.text.strip()} or ({b.method or "text_layer" for b in self.blocks} if self.blocks else set())
        if not methods:
            return "none"
        if methods == {"ocr"}:
            return "ocr"
        return "mixed" if "ocr" in methods else "text_layer"

    def full_text(self) -> str:
        parts = [p.text for p in self.pages] or [b.text for b in self.blocks]
        return "\n".join(parts)

    def provenance(self, table: Table, row: int | None = None, col: int | None = None) -> Provenance:
        cell = table.cell_at(row, col) if row is not None and col is not None else None
        method = table.method or ("docx" if self.media_type.endswith("wordprocessingml.document") else
                                  "xlsx_value" if table.sheet else "text_layer")
        if cell is not None and cell.formula:
            method = "xlsx_formula"
        page = cell.page if cell is not None and cell.page is not None else table.page
        return Provenance(file=self.file, page=page, sheet=table.sheet, table=table.index, row=row, col=col,
                          bbox=cell.bbox if cell else table.bbox, method=method,
                          confidence=cell.confidence if cell else None)
