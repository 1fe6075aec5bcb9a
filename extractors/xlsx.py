"""XLSX through openpyxl: each sheet a table, merged ranges as spans, cached values beside formulas.

A formula cell keeps its formula (``Cell.formula``) and shows the value Excel cached
when it last saved the workbook. A workbook written by a tool that never computed
its formulas has no cached values: those cells are listed in a ``document.formula_uncached`` problem
so the finding can say the value must be confirmed, rather than silently reading blank. Hidden sheets,
rows and columns make a ``document.hidden_content`` problem. The Korean wording of both is in
checks/rules.yaml; the problems carry the cell names, rows and columns as ``params``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from io import BytesIO

import openpyxl

from extractors.model import Cell, Document, DocumentProblem, Page, Table

MAX_CELLS_PER_SHEET = 200_000  # an inflated used range (a stray format in XFD1048576) must not exhaust memory


def extract_xlsx(doc: Document, data: bytes) -> Document:
    values = openpyxl.load_workbook(BytesIO(data), data_only=True)
    formulas = openpyxl.load_workbook(BytesIO(data), data_only=False)
    for position, ws in enumerate(values.worksheets, start=1):
        fws = formulas[ws.title]
        hidden = ws.sheet_state != "visible"
        table, uncached = _sheet_table(ws, fws, len(doc.tables))
        if uncached:
            listed: dict[str, str | int] = {"cells": ", ".join(uncached[:20])}
            if len(uncached) > 20:
                listed["more"] = len(uncached) - 20
            doc.problems.append(DocumentProblem(
                code="document.formula_uncached", sheet=ws.title, params=listed,
                detail=f"{len(uncached)} formula cells without cached values in sheet {ws.title!r}: {listed['cells']}"))
        hidden_rows = [str(i) for i, dim in ws.row_dimensions.items() if dim.hidden]
        hidden_cols = [k for k, dim in ws.column_dimensions.items() if dim.hidden]
        hidden_parts: dict[str, str] = {}
        if hidden:
            hidden_parts["state"] = ws.sheet_state  # the whole sheet
        if hidden_rows:
            hidden_parts["rows"] = ", ".join(hidden_rows[:10])
        if hidden_cols:
            hidden_parts["cols"] = ", ".join(hidden_cols[:10])
        if hidden_parts:
            said = "; ".join(f"{key} {value}" for key, value in hidden_parts.items())
            doc.problems.append(DocumentProblem(code="document.hidden_content", sheet=ws.title, params=hidden_parts,
                                                detail=f"hidden in sheet {ws.title!r}: {said}"))
        doc.tables.append(table)
        text = "\n".join("\t".join(row).rstrip() for row in table.grid())
        doc.pages.append(Page(number=position, name=ws.title, text=text, method="xlsx_value", hidden=hidden))
    return doc


def _merged(ws) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    spans, covered = {}, set()
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        covered.update((r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1))
        covered.discard((rng.min_row, rng.min_col))
    return spans, covered


def _sheet_table(ws, fws, index: int) -> tuple[Table, list[str]]:
    n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
    if n_rows * n_cols > MAX_CELLS_PER_SHEET:
        n_rows = max(1, MAX_CELLS_PER_SHEET // max(n_cols, 1))
    spans, covered = _merged(ws)
    cells, uncached = [], []
    formula_rows = {cell.coordinate: cell.value for row in fws.iter_rows(max_row=n_rows, max_col=n_cols)
                    for cell in row if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))}
    used_rows = used_cols = 0
    for row in ws.iter_rows(max_row=n_rows, max_col=n_cols):
        for cell in row:
            r, c = cell.row, cell.column
            if (r, c) in covered:
                continue
            formula = formula_rows.get(cell.coordinate)
            if cell.value is None and formula is None:
                continue
            if cell.value is None:
                uncached.append(cell.coordinate)
            row_span, col_span = spans.get((r, c), (1, 1))
            cells.append(Cell(row=r - 1, col=c - 1, row_span=row_span, col_span=col_span,
                              text=render(cell.value, cell.number_format), number_format=cell.number_format,
                              formula=str(formula) if formula is not None else None))
            used_rows, used_cols = max(used_rows, r + row_span - 1), max(used_cols, c + col_span - 1)
    # The grid ends at the last cell with content, not at an inflated used range.
    return Table(index=index, sheet=ws.title, cells=cells, n_rows=used_rows, n_cols=used_cols, method="xlsx_value"), uncached


def render(value, number_format: str | None) -> str:
    """A cell as the clerk saw it: 12.34% for a percent format, 1,234 with thousands separators, ISO dates."""
    fmt = number_format or "General"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        decimals = _decimals(fmt)
        if "%" in fmt:
            return f"{value * 100:.{decimals if decimals is not None else 2}f}%"
        if "#,##0" in fmt or "#,#" in fmt:
            return f"{value:,.{decimals or 0}f}"
        if decimals is not None:
            return f"{value:.{decimals}f}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{value:.10g}" if isinstance(value, float) else str(value)
    return str(value).strip()


def _decimals(fmt: str) -> int | None:
    """Digits after the decimal point a number format shows (0.00 → 2), None for General."""
    if fmt in ("General", "@"):
        return None
    section = re.sub(r'\\.|"[^"]*"|\[[^\]]*\]', "", fmt.split(";", 1)[0])  # escaped, quoted and [colour] literals
    if "." in section:
        after = section.split(".", 1)[1]
        return len(after) - len(after.lstrip("0#"))
    return 0 if any(ch in section for ch in "0#") else None
