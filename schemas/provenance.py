"""The one location type, from extraction to export: where a value or a finding came from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# How a piece of text was obtained.
Method = Literal["text_layer", "ocr", "docx", "xlsx_value", "xlsx_formula", "hwp", "hwpx"]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom; PDF points for PDFs, pixels for images


class Provenance(BaseModel):
    """File, page or sheet, table, cell and box, and how the text was read (with OCR's confidence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = None  # name of the file inside the bundle
    page: int | None = None  # 1-based page (PDF, scans)
    sheet: str | None = None  # XLSX sheet name
    table: int | None = None  # 0-based table index within the document
    row: int | None = None  # 0-based row in the table grid
    col: int | None = None
    bbox: Box | None = None
    method: Method | None = None
    confidence: float | None = None  # OCR confidence 0–100; a mapped value's after its cross-checks (mapping.ocr_reconcile)
