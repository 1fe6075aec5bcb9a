"""XLSX through openpyxl: each sheet a table, merged ranges as spans, cached values beside formulas."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import openpyxl

from extractors.model import Cell, Document, Page, Table

MAX_CELLS_PER_SHEET = 200_000  # an inflated used range must not exhaust memory


def extract_xlsx(doc: Document, data: bytes) -> Document:
    values = openpyxl.load_workbook(BytesIO(data), data_only=True, read_only=False)
    formulas = openpyxl.load_workbook(BytesIO(data), data_only=False, read_only=False)
    for position, ws in enumerate(values.worksheets, start=1):
        fws = formulas[ws.title]
        if ws.sheet_state != "visible":
            doc.warnings.append(f"sheet {ws.title!r} is {ws.sheet_state}")
        table, uncached = _sheet_table(ws, fws, len(doc.tables))
        if uncached:
            doc.warnings.append(f"sheet {ws.title!r}: {uncached} formula cells have no cached value")
        doc.tables.append(table)
        text = "\n".join("\t".join(row).rstrip() for row in table.grid())
        doc.pages.append(Page(number=position, name=ws.title, text=text, method="xlsx_value"))
    return doc


def _sheet_table(ws, fws, index: int) -> tuple[Table, int]:
    n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
    if n_rows * n_cols > MAX_CELLS_PER_SHEET:
        n_rows = max(1, MAX_CELLS_PER_SHEET // max(n_cols, 1))
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    cells, uncached = [], 0
    for r in range(1, n_rows + 1):
        for c in range(1, n_cols + 1):
            if (r, c) in covered:
                continue
            value = ws.cell(r, c).value
            formula = fws.cell(r, c).value
            is_formula = isinstance(formula, str) and formula.startswith("=")
            if value is None and is_formula:
                uncached += 1
            if value is None and not is_formula:
                continue
            row_span, col_span = spans.get((r, c), (1, 1))
            cells.append(Cell(row=r - 1, col=c - 1, row_span=row_span, col_span=col_span,
                              text=_format(value, ws.cell(r, c).number_format)))
    return Table(index=index, sheet=ws.title, cells=cells, n_rows=n_rows, n_cols=n_cols), uncached


def _format(value, number_format: str) -> str:
    """Render a cell as the clerk saw it: percentages as 12.34%, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "O" if value else "X"
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{value * 100:.2f}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return str(value).strip()
