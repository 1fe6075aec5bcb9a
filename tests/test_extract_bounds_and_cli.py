"""Extraction under time and memory bounds, and `intake extract` writing document.json."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from extractors.registry import Limits, extract, extract_bounded, shutdown


@pytest.fixture(scope="module", autouse=True)
def _stop_workers():
    yield
    shutdown()


def _big_workbook(rows: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, rows + 1):
        ws.append([r, "가" * 20, r * 1.5, f"=A{r}*2", "x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_memory_bound_turns_into_unreadable():
    doc = extract_bounded("big.xlsx", _big_workbook(40_000), Limits(memory_bytes=250 * 1024**2))
    assert not doc.readable and "메모리" in doc.unreadable_reason


def test_time_bound_turns_into_unreadable(corpus):
    data = (corpus / "khosung-PDF-Parser").rglob("*.pdf")
    pdf = max(data, key=lambda p: p.stat().st_size).read_bytes()
    doc = extract_bounded("guide.pdf", pdf, Limits(seconds=0.5))
    assert not doc.readable and "시간" in doc.unreadable_reason


def test_bounded_result_equals_in_process_result(corpus):
    data = (corpus / "unstructured" / "stanley-cups.xlsx").read_bytes()
    assert extract_bounded("s.xlsx", data).model_dump() == extract("s.xlsx", data).model_dump()


def test_uncached_formulas_are_flagged():
    doc = extract("f.xlsx", _big_workbook(3))  # openpyxl writes formulas without cached values
    flags = [f for f in doc.flags if f.rule == "document.formula_uncached"]
    assert flags and flags[0].detail == "D1, D2, D3"
    assert [c.formula for c in doc.tables[0].cells if c.formula] == ["=A1*2", "=A2*2", "=A3*2"]


def _intake(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("intake")), *args], capture_output=True, text=True, timeout=300)


def test_cli_extract_writes_document_json_with_spans_and_figures(corpus, tmp_path):
    run = _intake("extract", str(corpus / "docling/docx/sources/word_tables.docx"), "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    record = json.loads((tmp_path / "document.json").read_text(encoding="utf-8"))
    assert record["media_type"].endswith("wordprocessingml.document") and record["findings"] == []
    merged = [t for t in record["tables"] if t["spans"]]
    assert merged
    for table in merged:
        for span in table["spans"]:  # covered positions hold empty strings
            covered = [table["rows"][r][c] for r in range(span["row"], span["row"] + span["rowspan"])
                       for c in range(span["col"], span["col"] + span["colspan"]) if (r, c) != (span["row"], span["col"])]
            assert all(text == "" for text in covered)


def test_cli_extract_unreadable_file_exits_zero_with_a_finding(corpus, tmp_path):
    run = _intake("extract", str(corpus / "unstructured/pdf/password.pdf"), "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    record = json.loads((tmp_path / "document.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in record["findings"]] == ["document.unreadable"]
    assert "암호" in record["findings"][0]["message_ko"]
