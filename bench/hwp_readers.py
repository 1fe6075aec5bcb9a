"""Which library should read HWP 5 and HWPX: the candidates side by side on the corpus and on drawn forms.

    .venv/bin/pip install -e '.[hwp-bench]'          # unhwp, hwp-hwpx-parser, hwpforge (python-hwpx is a dependency)
    .venv/bin/python bench/hwp_readers.py             # corpus + 12 drawn Hancom documents
    .venv/bin/python bench/hwp_readers.py --drawn 30 --seed 8301

Readers: ``ours`` (extractors.registry: hangulang for HWP 5, the OWPML reader for HWPX), ``hangulang``
alone (its Markdown, text only), ``unhwp`` (its JSON document model), ``hwp-hwpx-parser`` (its tables),
``hwpforge`` (its JSON document model; HWP 5 converted to its model first), ``python-hwpx`` (its table
API; it converts HWP 5 to HWPX on open). A library that is not installed is left out.

References, none of them made by the readers: pyhwp's ``index.xhtml`` cells with rowspan/colspan (HWP 5
fixtures), Hancom's own ``PrvText`` preview cells (hwplib HWP 5, hwpxlib HWPX), and for drawn forms
the tables the generator wrote (text and spans per cell). Per reader and set it prints: files, errors,
tables found, non-empty cells, cells with a span, reference cells matched (same text and, where the
reference has them, the same spans at the same place), text recall (reference cell texts found anywhere
in the reader's text, spaces ignored), seconds. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
XH = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Read:
    tables: list[list[tuple]] = field(default_factory=list)  # per table: (row, col, row_span, col_span, text)
    text: str = ""


@dataclass
class Case:
    name: str
    data: bytes
    kind: str  # hwp | hwpx
    reference: list[list[tuple]]  # tables of (row, col, row_span, col_span, text); row -1: position unknown


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").replace("\u2007", "")


# --- readers ---------------------------------------------------------------------------------------

def read_ours(data: bytes, kind: str) -> Read:
    from extractors.registry import extract

    doc = extract(f"x.{kind}", data)
    if not doc.readable:
        raise RuntimeError(next(p.code for p in doc.problems if p.fatal))
    return Read([[(c.row, c.col, c.row_span, c.col_span, c.text) for c in t.cells] for t in doc.tables], doc.full_text())


def read_hangulang(data: bytes, kind: str) -> Read:
    import hangulang

    return Read([], hangulang.convert_to_markdown(data))


def _grid_cells(rows: list[list[tuple[str, int, int]]]) -> list[tuple]:
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
        tables[slot] = _grid_cells(rows)
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


# --- references ------------------------------------------------------------------------------------

def pyhwp_cases() -> list[Case]:
    cases = []
    for expected in sorted((CORPUS / "pyhwp").glob("*.html.d/index.xhtml")):
        tables = []
        for table in ET.parse(expected).getroot().iter(XH + "table"):
            rows = [[("".join(_outside_tables(td)), int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
                     for td in tr if td.tag in (XH + "td", XH + "th")] for tr in table if tr.tag == XH + "tr"]
            tables.append(_grid_cells(rows))
        if tables:
            name = expected.parent.name[: -len(".html.d")]
            cases.append(Case(f"pyhwp/{name}.hwp", (CORPUS / f"pyhwp/{name}.hwp").read_bytes(), "hwp", tables))
    return cases


def _outside_tables(el) -> list[str]:
    parts = [el.text or ""]
    for node in el:
        if node.tag != XH + "table":
            parts.extend(_outside_tables(node))
        parts.append(node.tail or "")
    return parts


def _preview(text: str) -> list[list[tuple]]:
    """Hancom's PrvText lists table cells as <text>; the preview is cut at about 1 KB (last cell dropped)."""
    cells = [c for c in re.findall(r"<([^<>]*)>", text)[:-1] if squash(c)]
    return [[(-1, -1, 1, 1, c) for c in cells]] if cells else []


def preview_cases() -> list[Case]:
    import olefile

    cases = []
    for path in sorted((CORPUS / "hwplib").rglob("*.hwp")):
        data = path.read_bytes()
        if not data.startswith(b"\xd0\xcf\x11\xe0"):
            continue
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                preview = ole.openstream("PrvText").read().decode("utf-16-le", "replace") if ole.exists("PrvText") else ""
        except OSError:
            continue
        if _preview(preview):
            cases.append(Case(str(path.relative_to(CORPUS)), data, "hwp", _preview(preview)))
    for path in sorted((CORPUS / "hwpxlib").rglob("*.hwpx")):
        with zipfile.ZipFile(path) as zf:
            if "Preview/PrvText.txt" not in zf.namelist():
                continue
            preview = zf.read("Preview/PrvText.txt").decode("utf-8", "replace")
        if _preview(preview):
            cases.append(Case(str(path.relative_to(CORPUS)), path.read_bytes(), "hwpx", _preview(preview)))
    return cases


def drawn_cases(count: int, first_seed: int) -> list[Case]:
    """Proposals, applications and self-assessments drawn as DOCX would be, written as HWPX and HWP 5."""
    import random

    from samples.draw import draw_plan
    from samples.draw.documents import build
    from samples.draw.render_hancom import to_hwp, to_hwpx
    from schemas import load_programme

    cases, seed = [], first_seed
    slots = {"city": ["quantitative_proposal", "application", "qualitative_self_assessment"],
             "service": ["service_proposal", "application", "self_evaluation"]}
    while len(cases) < count:
        plan = draw_plan(seed, defect=None)
        programme = load_programme(plan.programme)
        slot = slots[plan.kind][seed % 3]
        doc = build(random.Random(seed), plan, programme, slot)
        kind = "hwpx" if seed % 2 else "hwp"
        data = (to_hwpx if kind == "hwpx" else to_hwp)(doc, plan.sent_at)
        reference = []
        for grid in doc.grids():
            covered = {(r, c) for r0, c0, r1, c1 in grid.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                       if (r, c) != (r0, c0)}
            spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in grid.merges}
            reference.append([(r, c, *spans.get((r, c), (1, 1)), text) for r, row in enumerate(grid.rows)
                              for c, text in enumerate(row) if (r, c) not in covered])
        cases.append(Case(f"drawn/{seed}-{slot}.{kind}", data, kind, reference))
        seed += 1
    return cases


# --- scoring ---------------------------------------------------------------------------------------

def score(read: Read, reference: list[list[tuple]]) -> tuple[int, int, int, int]:
    """(reference cells matched, reference cells, reference texts found in the text, reference texts)."""
    ours_any = {squash(c[4]) for t in read.tables for c in t}
    ours_placed = [{(c[0], c[1]): (squash(c[4]), c[2], c[3]) for c in t} for t in read.tables]
    text = squash(read.text) + "".join(ours_any)
    matched = total = found = texts = 0
    for index, table in enumerate(reference):
        placed = ours_placed[index] if index < len(ours_placed) else {}
        for r, c, rs, cs, value in table:
            key = squash(value)
            total += 1
            if r < 0:  # position unknown (a preview): the text as some cell's
                matched += key in ours_any
            else:
                matched += placed.get((r, c)) == (key, rs, cs) if key else placed.get((r, c), ("",))[0] == ""
            if key:
                texts += 1
                found += key in text
    return matched, total, found, texts


def run(cases: list[Case], name: str, console) -> None:
    from rich.table import Table

    table = Table(title=f"{name}: {len(cases)} files")
    for col in ("reader", "files", "errors", "tables", "cells", "spans", "cells matched", "text recall", "seconds"):
        table.add_column(col, justify="right" if col != "reader" else "left")
    for reader, (read, module) in READERS.items():
        if module and not _available(module):
            table.add_row(reader, "not installed", *[""] * 7)
            continue
        errors = tables = cells = spans = matched = total = found = texts = 0
        seconds = 0.0
        try:  # imports and first-call set-up are not reading time
            read(cases[0].data, cases[0].kind)
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
        for case in cases:
            t0 = time.perf_counter()
            try:
                result = read(case.data, case.kind)
            except BaseException as exc:  # noqa: BLE001 - Rust panics are BaseExceptions; each counts as an error
                if isinstance(exc, KeyboardInterrupt):
                    raise
                errors += 1
                result = Read()
            seconds += time.perf_counter() - t0
            tables += len(result.tables)
            cells += sum(1 for t in result.tables for c in t if squash(c[4]))
            spans += sum(1 for t in result.tables for c in t if c[2] > 1 or c[3] > 1)
            m, n, f, k = score(result, case.reference)
            matched, total, found, texts = matched + m, total + n, found + f, texts + k
        table.add_row(reader, str(len(cases)), str(errors), str(tables), str(cells), str(spans),
                      f"{matched / total:.1%}" if total and reader not in TEXT_ONLY else "n/a", f"{found / texts:.1%}" if texts else "n/a",
                      f"{seconds:.1f}")
    console.print(table)


def _available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drawn", type=int, default=12, help="drawn Hancom documents (half HWPX, half HWP 5)")
    ap.add_argument("--seed", type=int, default=8301, help="first seed of the drawn documents")
    ap.add_argument("--sets", default="pyhwp,preview,drawn")
    a = ap.parse_args()
    console = Console(width=140)
    sets = a.sets.split(",")
    if "pyhwp" in sets:
        run(pyhwp_cases(), "pyhwp fixtures (HWP 5; reference: pyhwp's index.xhtml with spans)", console)
    if "preview" in sets:
        cases = preview_cases()
        run([c for c in cases if c.kind == "hwp"], "hwplib (HWP 5; reference: Hancom's PrvText cells)", console)
        run([c for c in cases if c.kind == "hwpx"], "hwpxlib (HWPX; reference: Hancom's PrvText cells)", console)
    if "drawn" in sets and a.drawn:
        cases = drawn_cases(a.drawn, a.seed)
        run([c for c in cases if c.kind == "hwp"], "drawn forms as HWP 5 (reference: the generator's tables)", console)
        run([c for c in cases if c.kind == "hwpx"], "drawn forms as HWPX (reference: the generator's tables)", console)


if __name__ == "__main__":
    main()
