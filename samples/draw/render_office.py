"""Write a ``FlowDocument`` as DOCX or XLSX, with pinned timestamps (``fixed_bytes``)."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

from samples.draw.blocks import FlowDocument, Grid, PageBreak, Para
from samples.draw.fixed_bytes import pin_ooxml
from samples.render import add_docx_table


def to_docx(doc: FlowDocument, when: datetime, *, title_as_heading: bool = True) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    out = docx.Document()
    props = out.core_properties
    props.title, props.subject, props.author, props.last_modified_by = doc.title, doc.subject, "", ""
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    if title_as_heading:
        out.add_heading(doc.title, level=0)
    else:  # typed as a bold line, as many offices do instead of using the Title style
        out.add_paragraph().add_run(doc.title).bold = True
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, Para):
            if block.style == "heading":
                out.add_heading(block.text, level=1)
            elif block.style == "subheading":
                out.add_heading(block.text, level=2)
            else:
                out.add_paragraph(block.text)
        elif isinstance(block, Grid):
            if block.caption:
                out.add_paragraph(block.caption)
            _docx_table(out, block)
    buf = BytesIO()
    out.save(buf)
    return pin_ooxml(buf.getvalue(), when)


def _docx_table(parent, grid: Grid):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = add_docx_table(parent, grid.rows, grid.merges)
    for r in range(min(grid.header_rows, len(grid.rows))):
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
    for (r, c), inner in sorted(grid.nested.items()):
        cell = table.cell(r, c)
        _docx_table(cell, inner)
    return table


def to_xlsx(doc: FlowDocument, when: datetime, first_sheet: str = "Sheet1") -> bytes:
    """Each table goes below the last on the current sheet; a table with ``sheet`` starts a new one.
    Paragraphs become one-cell rows; nested tables are written below their parent (a cell holds no table)."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = first_sheet[:31]
    wb.properties.creator, wb.properties.title = "", doc.title
    wb.properties.created = wb.properties.modified = when.replace(tzinfo=None)
    ws.cell(1, 1, doc.title).font = Font(bold=True)
    row = 3
    pending: list[str] = []  # paragraphs go with the table after them (onto its sheet, when it starts one)
    for block in doc.blocks:
        if isinstance(block, Para):
            pending.append(block.text)
        elif isinstance(block, Grid):
            grids = [block] + [block.nested[k] for k in sorted(block.nested)]
            for grid in grids:
                if grid.sheet:
                    ws = wb.create_sheet(grid.sheet[:31])
                    row = 1
                for text in pending:
                    ws.cell(row, 1, text)
                    row += 1
                pending = []
                if grid.caption:
                    ws.cell(row, 1, grid.caption)
                    row += 1
                for r, cells in enumerate(grid.rows):
                    for c, text in enumerate(cells):
                        if text != "":
                            ws.cell(row + r, c + 1, _number(text) if NUMBER.fullmatch(text) else text)
                for r0, c0, r1, c1 in grid.merges:
                    ws.merge_cells(start_row=row + r0, start_column=c0 + 1, end_row=row + r1, end_column=c1 + 1)
                row += len(grid.rows) + 1
    for text in pending:
        ws.cell(row, 1, text)
        row += 1
    buf = BytesIO()
    wb.save(buf)
    return pin_ooxml(buf.getvalue(), when)


# A plain number as a clerk types it into a spreadsheet (1,234 or 12.5) is stored as a number;
# a leading zero (a code like 012) keeps it text.
NUMBER = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:\.\d+)?")


def _number(text: str) -> int | float:
    bare = text.replace(",", "")
    return float(bare) if "." in bare else int(bare)
