"""The HWP/HWPX readers bench/hwp_readers.py compares, each turned into one shape: tables of
(row, col, row_span, col_span, text) in document order, nested tables after their parent, and the text."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field


@dataclass
class Read:
    tables: list[list[tuple]] = field(default_factory=list)  # per table: (row, col, row_span, col_span, text)
    text: str = ""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").replace("\u2007", "")


def read_ours(data: bytes, kind: str) -> Read:
    from extractors.registry import extract

    doc = extract(f"x.{kind}", data)
    if not doc.readable:
        raise RuntimeError(next(p.code for p in doc.problems if p.fatal))
    return Read([[(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells] for t in doc.tables], doc.full_text())


def read_hangulang(data: bytes, kind: str) -> Read:
    import hangulang

    return Read([], hangulang.convert_to_markdown(data))


def grid_cells(rows: list[list[tuple[str, int, int]]]) -> list[tuple]:
    """(text, row_span, col_span) rows without addresses → addressed cells, skipping covered slots."""
    taken, cells = set(), []
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            cells.append((r, c, rs, cs, text))
            c += cs
    return cells


def read_unhwp(data: bytes, kind: str) -> Read:
    import unhwp

    with unhwp.parse_bytes(data) as result:
        model, text = json.loads(result.json), result.plain_text or result.text
    tables: list[list[tuple]] = []

    def para_text(node) -> str:
        out = []
        for item in node.get("content", []):
            if "Text" in item:
                out.append(item["Text"].get("text", ""))
        return "".join(out)

    def table(t) -> None:
        slot = len(tables)
        tables.append([])
        rows, nested = [], []
        for row in t.get("rows", []):
            cells = []
            for cell in row.get("cells", []):
                lines = []
                for block in cell.get("content", []):
                    if "Table" in block:
                        nested.append(block["Table"])
                    else:
                        lines.append(para_text(block.get("Paragraph", block)))
                cells.append(("\n".join(x for x in lines if x), int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))))
            rows.append(cells)
        tables[slot] = grid_cells(rows)
        for inner in nested:
            table(inner)

    def walk(blocks) -> None:
        for block in blocks:
            if "Table" in block:
                table(block["Table"])
            elif isinstance(block, dict):
                for value in block.values():
                    if isinstance(value, list):
                        walk([v for v in value if isinstance(v, dict)])
                    elif isinstance(value, dict):
                        walk([value])

    for section in model.get("sections", []):
        walk(section.get("content", []))
    return Read(tables, text)


def read_hwp_hwpx_parser(data: bytes, kind: str) -> Read:
    import tempfile

    import hwp_hwpx_parser

    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as tmp:
        tmp.write(data)
        tmp.flush()
        reader = hwp_hwpx_parser.read(tmp.name)
        tables = [[(r, c, 1, 1, str(text or "")) for r, row in enumerate(t.rows) for c, text in enumerate(row)]
                  for t in reader.tables]
        return Read(tables, reader.text or "")


def _owpml_like_tables(model: dict) -> list[list[tuple]]:
    """Tables of a JSON model whose tables are rows of cells with addr/row_span/col_span/paragraphs."""
    tables: list[list[tuple]] = []

    def runs_text(paragraphs, nested) -> str:
        lines = []
        for p in paragraphs:
            parts = []
            for run in p.get("runs", []):
                content = run.get("content", {})
                if "Text" in content:
                    parts.append(content["Text"])
                elif "Table" in content:
                    nested.append(content["Table"])
            lines.append("".join(parts))
        return "\n".join(x for x in lines if x)

    def table(t) -> None:
        slot = len(tables)
        tables.append([])
        cells, nested = [], []
        for r, row in enumerate(t.get("rows", [])):
            for c, cell in enumerate(row.get("cells", [])):
                addr = cell.get("addr") or {"row": r, "col": c}
                cells.append((addr["row"], addr["col"], cell.get("row_span", 1), cell.get("col_span", 1),
                              runs_text(cell.get("paragraphs", []), nested)))
        tables[slot] = cells
        for inner in nested:
            table(inner)

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Table" and isinstance(value, dict):
                    table(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(model.get("document", model))
    return tables


def read_hwpforge(data: bytes, kind: str) -> Read:
    import hwpforge

    document = hwpforge.convert_hwp5(data).document if kind == "hwp" else hwpforge.document.Document.from_bytes(data)
    model = json.loads(document.to_json().text)
    tables = _owpml_like_tables(model)
    text = "\n".join(c[4] for t in tables for c in t) + "\n" + document.to_md().text
    return Read(tables, text)


def read_python_hwpx(data: bytes, kind: str) -> Read:
    from hwpx import HwpxDocument

    doc = HwpxDocument.open(io.BytesIO(data))
    tables: list[list[tuple]] = []

    def table(t) -> None:
        slot = len(tables)
        tables.append([])
        cells, nested, seen = [], [], set()
        for position in t.iter_grid():
            if position.anchor in seen:
                continue
            seen.add(position.anchor)
            cell = position.cell
            text = "\n".join("".join(x.itertext()) for x in cell.element.iter() if x.tag.endswith("}t"))
            cells.append((position.anchor[0], position.anchor[1], position.span[0], position.span[1], text))
            nested.extend(cell.tables)
        tables[slot] = cells
        for inner in nested:
            table(inner)

    for paragraph in doc.paragraphs:
        for t in paragraph.tables:
            table(t)
    return Read(tables, doc.text.plain() if callable(getattr(doc.text, "plain", None)) else "")


TEXT_ONLY = {"hangulang"}  # gives Markdown text, not cells: its cells are not scored
READERS = {"ours": (read_ours, None), "hangulang": (read_hangulang, "hangulang"), "unhwp": (read_unhwp, "unhwp"),
           "hwp-hwpx-parser": (read_hwp_hwpx_parser, "hwp_hwpx_parser"), "hwpforge": (read_hwpforge, "hwpforge"),
           "python-hwpx": (read_python_hwpx, "hwpx")}
