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
import re
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"

from bench.hwp_adapters import READERS, TEXT_ONLY, Read, grid_cells, squash  # noqa: E402 - after sys.path

XH = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Case:
    name: str
    data: bytes
    kind: str  # hwp | hwpx
    reference: list[list[tuple]]  # tables of (row, col, row_span, col_span, text); row -1: position unknown


# --- references ------------------------------------------------------------------------------------

def pyhwp_cases() -> list[Case]:
    cases = []
    for expected in sorted((CORPUS / "pyhwp").glob("*.html.d/index.xhtml")):
        tables = []
        for table in ET.parse(expected).getroot().iter(XH + "table"):
            rows = [[("".join(_outside_tables(td)), int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
                     for td in tr if td.tag in (XH + "td", XH + "th")] for tr in table if tr.tag == XH + "tr"]
            tables.append(grid_cells(rows))
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
