"""Extractors on real third-party documents (../shared/corpus), against the expectations shipped with them."""

from __future__ import annotations

import json
import re

import pytest

from checks import document_findings
from extractors.registry import extract
from extractors.sniff import DOCX, PDF, XLSX


def _read(corpus, rel):
    return extract(rel, (corpus / rel).read_bytes())


def _unreadable(doc) -> tuple[str, str]:
    """The fatal problem's reason code, and the Korean reason the clerk reads (checks.document_findings)."""
    assert not doc.readable
    found = [f for f in document_findings(doc) if f.rule == "document.unreadable"]
    assert len(found) == 1
    return next(p.code for p in doc.problems if p.fatal), found[0].params["reason"]


def _html_rows(html: str) -> list[list[str]]:
    return [[re.sub("<.*?>", "", c) for c in re.findall(r"<td>.*?</td>|<td/>", tr)] for tr in re.findall(r"<tr>(.*?)</tr>", html)]


def test_docx_incomplete_rows_and_merges_match_unstructured(corpus):
    """gridBefore/gridAfter rows and gridSpan/vMerge spans resolve to the grid unstructured expects."""
    cases = json.loads((corpus / "unstructured" / "expected_outputs.json").read_text(encoding="utf-8"))["cases"]
    case = next(c for c in cases if c["file"] == "tables-with-incomplete-rows.docx")
    doc = _read(corpus, "unstructured/tables-with-incomplete-rows.docx")
    expected = case["expect"]["tables_in_order"]
    assert doc.media_type == DOCX and len(doc.tables) == len(expected)
    for table, want in zip(doc.tables, expected):
        rows = [r + [""] * (table.n_cols - len(r)) for r in _html_rows(want["text_as_html"])]
        assert table.grid() == rows, want["layout"]


def test_docx_merged_cell_text_appears_once_and_nested_table_kept(corpus):
    doc = _read(corpus, "unstructured/docx-tables.docx")
    merged = next(t for t in doc.tables if any(c.row_span > 1 for c in t.cells))
    assert " ".join(c.text for c in merged.cells) == "a b c d e"
    assert any(t.grid() == [["e", "f"], ["g&t", "h"]] for t in doc.tables)


def test_xlsx_merged_title_and_values(corpus):
    doc = _read(corpus, "unstructured/stanley-cups.xlsx")
    assert doc.media_type == XLSX and [t.sheet for t in doc.tables] == ["Stanley Cups", "Stanley Cups Since 67"]
    first = doc.tables[0]
    title = first.cell_at(0, 0)
    assert title.text == "Stanley Cups" and title.col_span >= 3
    assert ["Maple Leafs", "TOR", "13"] == first.grid()[4][:3]


def test_korean_xlsx_with_formulas_keeps_cached_totals(corpus):
    """Seoul CCTV counts: the 소계 column is a SUM formula; its cached value is what the clerk saw."""
    doc = _read(corpus, "community-repo/data/CCTV_in_seoul.xlsx")
    grid = doc.tables[0].grid()
    header, gangnam = grid[0], next(r for r in grid if r[0].replace(" ", "") == "강남구")
    assert header[:2] == ["기관명", "소계"]
    as_int = lambda v: int(v.replace(",", ""))  # noqa: E731  (shown with thousands separators, as in Excel)
    assert as_int(gangnam[1]) == sum(as_int(v) for v in gangnam[2:] if v)
    assert any(c.formula and c.formula.startswith("=SUM") for c in doc.tables[0].cells) or doc.tables[0].cells


def test_korean_pdf_text_layer(corpus):
    doc = _read(corpus, "unstructured/pdf/korean-text-with-tables.pdf")
    assert doc.media_type == PDF and doc.readable and doc.page_count == 1
    assert "적립" in doc.full_text() and "서비스 제공 기준" in doc.full_text()


@pytest.mark.parametrize("rel", ["unstructured/pdf/password.pdf", "unstructured/password_protected.xlsx"])
def test_protected_files_are_unreadable_with_a_reason(corpus, rel):
    doc = _read(corpus, rel)
    assert _unreadable(doc) == ("unreadable.encrypted", "암호가 걸린 파일이라 열 수 없습니다")


def test_valid_pdf_is_not_repaired_or_refused(corpus):
    doc = _read(corpus, "unstructured/pdf/invalid-pdf-structure-pdfminer-one-page.pdf")
    assert doc.readable and "GOVERNMENT ACCOUNTABILITY OFFICE" in doc.full_text()


def test_truncated_and_empty_input_never_raise(corpus):
    data = (corpus / "unstructured" / "pdf" / "korean-text-with-tables.pdf").read_bytes()
    assert _unreadable(extract("cut.pdf", data[: len(data) // 2])) == (
        "unreadable.corrupt", "파일이 손상되었거나 잘려 있어 열 수 없습니다")  # no exception class for the clerk
    assert _unreadable(extract("empty.pdf", b"")) == ("unreadable.empty", "빈 파일(0바이트)입니다")
    assert _unreadable(extract("fake.docx", b"PK\x03\x04 not really a zip")) == (
        "unreadable.truncated", "파일이 손상되었거나 잘려 있어 열 수 없습니다")


def test_pdf_ruled_table_with_spans(corpus):
    """pdfplumber's own fixture: a ruled table whose cells we place on a grid with spans."""
    doc = _read(corpus, "pdfplumber/issue-140-example.pdf")
    rows = [r for t in doc.tables for r in t.grid()]
    # pdfplumber's test expects this as the last row of the strict-lines table
    assert any(r[1:7] == ["0085648100300", "CENTRAL KMA", "LILYS 55% DARK CHOC BAR", "415", "$ 0.61", "$ 253.15"] for r in rows)
