"""DOCX and XLSX extractors against docling's ground truth (row/column spans per cell) in ../shared/corpus/docling."""

from __future__ import annotations

import json
import re

import pytest

from extractors.registry import extract

SPAN_SHARE_MIN = 0.95


def _norm(text: str) -> str:
    text = re.sub(r"^(\d{4}-\d\d-\d\d) 00:00:00$", r"\1", (text or "").strip())  # docling prints midnight; we print the date
    return re.sub(r"\s+", "", text)


def _matched_cells(tables, truth, placed: bool) -> tuple[int, int]:
    """Count ground-truth cells whose (row, col, spans, text) we reproduce.

    DOCX: tables pair up in order. XLSX: docling cuts a sheet into several tables and
    gives each one's offset in the sheet (prov bbox l/t, page = sheet), so cells are
    looked up at their absolute sheet position in our one-table-per-sheet grid.
    """
    matched = total = 0
    pairs = [(tables[t["prov"][0]["page_no"] - 1], t) for t in truth] if placed else list(zip(tables, truth))
    for ours, gt in pairs:
        by_pos = {(c.row, c.col): c for c in ours.cells}
        dr, dc = (int(gt["prov"][0]["bbox"]["t"]), int(gt["prov"][0]["bbox"]["l"])) if placed else (0, 0)
        for cell in gt["data"]["table_cells"]:
            total += 1
            mine = by_pos.get((cell["start_row_offset_idx"] + dr, cell["start_col_offset_idx"] + dc))
            if mine is None and not _norm(cell["text"]) and (cell["row_span"], cell["col_span"]) == (1, 1):
                matched += 1  # an empty cell: we keep no cell object for it
            elif mine and (mine.row_span, mine.col_span) == (cell["row_span"], cell["col_span"]) \
                    and _norm(mine.text) == _norm(cell["text"]):
                matched += 1
    if not placed:
        total += sum(len(t["data"]["table_cells"]) for t in truth[len(tables):])
    return matched, total


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_tables_match_docling_ground_truth(corpus, kind):
    root = corpus / "docling" / kind
    matched = total = 0
    for source in sorted((root / "sources").iterdir()):
        truth_path = root / "groundtruth" / f"{source.name}.json"
        if not truth_path.exists():
            continue
        truth = [t for t in json.loads(truth_path.read_text(encoding="utf-8")).get("tables", [])]
        doc = extract(source.name, source.read_bytes())
        assert doc.readable, (source.name, doc.problems)
        ours = doc.tables
        if kind == "docx":  # docling drops 1x1 layout tables and folds nested ones into their cell
            ours = [t for t in ours if t.cells and (t.n_rows * t.n_cols > 1 or len(truth) == len(ours))]
        m, n = _matched_cells(ours, truth, placed=kind == "xlsx")
        matched, total = matched + m, total + n
    share = matched / total
    print(f"docling {kind}: {matched}/{total} ground-truth cells matched ({share:.1%})")
    assert share >= SPAN_SHARE_MIN if kind == "docx" else share > 0


def test_docx_textbox_and_headings(corpus):
    doc = extract("word_sample.docx", (corpus / "docling/docx/sources/word_sample.docx").read_bytes())
    assert [b.heading_level for b in doc.blocks if b.heading_level is not None][:3] == [0, 1, 2]
    assert doc.figures and doc.figures[0].data.startswith(b"\x89PNG")


def test_docx_line_breaks_and_tabs_inside_a_cell_are_kept():
    """HWP-to-DOCX converters write a cell's lines as runs with <w:br/>: the lines must not run together."""
    from io import BytesIO

    import docx

    document = docx.Document()
    paragraph = document.add_table(rows=1, cols=2).cell(0, 0).paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(docx.shared.Cm(3))  # a tab stop is not a character
    run = paragraph.add_run("배치")
    run.add_break()
    run.add_text("- 청주시")
    paragraph.add_run().add_tab()
    paragraph.add_run("3개소")
    out = BytesIO()
    document.save(out)
    doc = extract("cell.docx", out.getvalue())
    assert [c.text for c in doc.tables[0].cells if c.col == 0] == ["배치\n- 청주시\t3개소"]
