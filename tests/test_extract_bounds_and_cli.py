"""Extraction under time and memory bounds, and `intake extract` writing document.json."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from checks import document_findings
from checks.catalogue import catalogue
from extractors.model import UNREADABLE_REASONS
from extractors.registry import Limits, extract, extract_bounded, shutdown
from extractors.sniff import sniff


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


def _unreadable(doc) -> tuple[str, str]:
    """The fatal problem's reason code, and the Korean reason the clerk reads (checks.document_findings)."""
    assert not doc.readable
    found = [f for f in document_findings(doc) if f.rule == "document.unreadable"]
    assert len(found) == 1 and found[0].params["file"] == doc.file
    return next(p.code for p in doc.problems if p.fatal), found[0].params["reason"]


def test_memory_bound_turns_into_unreadable():
    doc = extract_bounded("big.xlsx", _big_workbook(40_000), Limits(memory_bytes=250 * 1024**2))
    reason = "파일 처리에 허용된 메모리(0.2GiB)를 넘어 중단했습니다. 파일이 지나치게 크거나 손상되었을 수 있습니다"
    assert _unreadable(doc) == ("unreadable.memory", reason)


def test_time_bound_turns_into_unreadable(corpus):
    data = (corpus / "khosung-PDF-Parser").rglob("*.pdf")
    pdf = max(data, key=lambda p: p.stat().st_size).read_bytes()
    doc = extract_bounded("guide.pdf", pdf, Limits(seconds=0.5))
    reason = "파일 처리 시간(0초)을 넘어 중단했습니다. 파일이 지나치게 크거나 손상되었을 수 있습니다"
    assert _unreadable(doc) == ("unreadable.timeout", reason)


def test_bounded_result_equals_in_process_result(corpus):
    data = (corpus / "unstructured" / "stanley-cups.xlsx").read_bytes()
    assert extract_bounded("s.xlsx", data).model_dump() == extract("s.xlsx", data).model_dump()


def test_every_reason_code_has_a_korean_sentence():
    assert set(catalogue()["document.unreadable"].words) == UNREADABLE_REASONS


def test_notes_are_logged_not_found(caplog):
    doc = extract("memo.txt", "접수 메모\n".encode() * 300 + b"\xff\xfe")  # past the sniffed head: no encoding fits
    assert doc.readable and [(p.code, p.fatal) for p in doc.problems] == [("note.text.encoding", False)]
    with caplog.at_level(logging.INFO, logger="checks.submission"):
        assert list(document_findings(doc)) == []
    assert "memo.txt: text file in an unknown encoding; undecodable bytes replaced [note.text.encoding]" in caplog.text


def test_uncached_formulas_are_flagged():
    doc = extract("f.xlsx", _big_workbook(3))  # openpyxl writes formulas without cached values
    problems = [p for p in doc.problems if p.code == "document.formula_uncached"]
    assert len(problems) == 1 and problems[0].params == {"cells": "D1, D2, D3"} and problems[0].sheet == "Sheet"
    assert [(f.rule, f.params) for f in document_findings(doc)] == [
        ("document.formula_uncached", {"file": "f.xlsx", "sheet": "Sheet", "detail": "D1, D2, D3"})]
    assert [c.formula for c in doc.tables[0].cells if c.formula] == ["=A1*2", "=A2*2", "=A3*2"]
    many = extract("g.xlsx", _big_workbook(25))
    cells = ", ".join(f"D{i}" for i in range(1, 21))
    message = (f"'g.xlsx'의 'Sheet' 시트 수식 셀({cells} 외 5개)에 저장된 계산값이 없습니다. "
               "엑셀에서 다시 저장한 파일을 받거나 값을 확인하십시오.")
    assert [f.message_ko for f in document_findings(many)] == [message]


def test_hidden_sheets_rows_and_columns_are_flagged():
    wb = openpyxl.Workbook()
    wb.active.append(["visible"])
    wb.active.row_dimensions[3].hidden = True
    wb.active.column_dimensions["B"].hidden = True
    secret = wb.create_sheet("secret")
    secret.append(["x"])
    secret.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    doc = extract("h.xlsx", buf.getvalue())
    assert [(p.code, p.sheet, p.params, p.fatal) for p in doc.problems] == [
        ("document.hidden_content", "Sheet", {"rows": "3", "cols": "B"}, False),
        ("document.hidden_content", "secret", {"state": "hidden"}, False)]
    assert [f.params["detail"] for f in document_findings(doc)] == ["행 3, 열 B", "시트 전체"]
    assert [f.message_ko for f in document_findings(doc)][1] == \
        "'h.xlsx'의 'secret' 시트에 숨겨진 내용(시트 전체)이 있습니다. 심사 대상 값이 숨겨져 있지 않은지 확인하십시오."


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
    assert [(p["code"], p["fatal"]) for p in record["problems"]] == [("unreadable.encrypted", True)]
    assert [f["rule"] for f in record["findings"]] == ["document.unreadable"]
    assert record["findings"][0]["message_ko"] == \
        "'password.pdf' 파일을 읽을 수 없습니다: 암호가 걸린 파일이라 열 수 없습니다. 원본 파일을 다시 요청하십시오."
    assert "판독불가:암호가걸린파일이라열수없습니다" in "".join(run.stdout.split())  # the console line, however wrapped


@pytest.mark.parametrize("text", ["첨부 참조", "첨부 파일을 확인해 주십시오.\n담당: 스마트도시팀"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_a_short_korean_note_is_text_not_an_unknown_format(text, encoding):
    """A memo shorter than the sniffed head was cut inside its last syllable and taken for binary: a
    clean bundle then got a document.unreadable blocker for its 메모.txt."""
    assert sniff(text.encode(encoding)) == "text/plain"
    doc = extract("메모.txt", text.encode(encoding))
    assert doc.readable and "첨부" in doc.full_text()
