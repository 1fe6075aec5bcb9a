"""What clerks and the committee read is Korean: the report (PDF, DOCX), the committee workbook, the
supplement letter and the command line's output hold no English word outside an allowlist of acronyms,
format names and units. Data the applicant wrote (file names, bundle ids) is taken out first."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from cli.display import console, summary_table
from handoff.export import export_record
from handoff.report import write_report
from handoff.workbook import write_workbook
from review_queue import worklist
from tests.handoff_cohort import build_cohort
from tests.pipeline import process_plain

ROOT = Path(__file__).resolve().parents[1]
# Acronyms, format names and units a Korean document writes in Latin letters (programme data included).
ALLOWED = {"PDF", "XLSX", "XLS", "DOCX", "DOC", "HWP", "HWPX", "API", "CCTV", "WiFi", "KST", "USB", "DB", "KPI", "BIS",
           "HIS", "ICT", "IT", "IoT", "OCR", "DRM", "GiB", "MB", "KB", "Open", "Output", "eq", "tCO", "km", "kWh",
           "tesseract", "pdf", "xlsx", "xls", "docx", "doc", "hwp", "hwpx", "msg", "eml", "zip"}
WORD = re.compile(r"[A-Za-z][A-Za-z]+")


def english_words(text: str, data: list[str]) -> set[str]:
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|\S+\.(eml|msg|zip|7z|pdf|xlsx|docx|hwpx?|png|jpe?g)\b|/\S+", " ", text)  # addresses, paths
    text = re.sub(r"^\[log\].*$", "", text, flags=re.MULTILINE)  # the operator's English log lines
    text = re.sub(r"'intake [^']*'", " ", text)  # a command to type, quoted
    return {w for w in WORD.findall(text) if w not in ALLOWED}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    work = tmp_path_factory.mktemp("korean")
    url, ids, paths = build_cohort(work)
    data = [p.name for p in paths] + [p.stem for p in paths] + ["clerk", "kim"]  # bundles and the tests' user names
    for sid in ids.values():
        record = export_record(sid, url)
        bundle = record["bundle"]
        data += [bundle["id"], bundle.get("sender") or ""] + [f["name"] for f in bundle["files"]]
        data += [Path(f["name"]).name for f in bundle["files"]]
    return url, ids, paths, data, work


def _pdf_text(path_or_bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with pdfplumber.open(source) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def _docx_text(path_or_bytes) -> str:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    document = docx.Document(source)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_report_and_workbook_are_korean(cohort, tmp_path):
    url, ids, _, data, _ = cohort
    for applicant, sid in ids.items():
        pdf, docx_path = write_report(export_record(sid, url), tmp_path / str(sid), url)
        assert english_words(_pdf_text(pdf), data) == set(), f"PDF report of {applicant}"
        assert english_words(_docx_text(docx_path), data) == set(), f"DOCX report of {applicant}"
    for programme in ("city-2025", "service-2023"):
        book = openpyxl.load_workbook(write_workbook(programme, tmp_path / f"{programme}.xlsx", url))
        texts = [ws.title for ws in book.worksheets]
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    texts += [str(cell.value) if cell.value is not None else "", cell.comment.text if cell.comment else ""]
        found = english_words("\n".join(texts), data)
        assert found == set(), f"workbook {programme}: {sorted(found)}"


def test_supplement_letter_is_korean_and_signed_in_korean(cohort):
    from web.accounts import create_user
    from web.letters import issue_letter, letter_file

    url, ids, _, data, _ = cohort
    sid = ids["푸른군"]
    create_user("clerk", "clerk", "a-clerk-password", url=url)
    for item in worklist.list_items(submission=sid, url=url)[:2]:
        worklist.request_supplement(item.id, actor="clerk", url=url)
    letter = issue_letter(sid, date.today() + timedelta(days=14), "clerk", "clerk", url)
    for kind, read in (("pdf", _pdf_text), ("docx", _docx_text)):
        text = read(letter_file(letter.id, kind, url)[1])
        assert "접수 담당자" in text and "담당 clerk" not in text
        assert english_words(text, data) == set(), kind


def _intake(*args: str, url: str, columns: int = 200) -> subprocess.CompletedProcess:
    intake = Path(sys.executable).with_name("intake")
    env = {**os.environ, "COLUMNS": str(columns), "USER": "kim", "INTAKE_DATABASE_URL": url}
    return subprocess.run([str(intake), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_cli_output_is_korean(cohort):
    url, ids, paths, data, _ = cohort
    outputs = {"status": _intake("status", url=url), "queue list": _intake("queue", "list", url=url),
               "queue list at 80 columns": _intake("queue", "list", url=url, columns=80)}
    items = worklist.list_items(submission=ids["푸른군"], url=url)
    outputs["queue show"] = _intake("queue", "show", str(items[0].id), url=url)
    worklist.resolve(items[0].id, actor="kim", note="원본 확인", url=url)
    outputs["queue show, resolved"] = _intake("queue", "show", str(items[0].id), url=url)
    outputs["refusal"] = _intake("queue", "resolve", str(items[0].id), url=url)
    outputs["export of no submission"] = _intake("export", "99999", "--out", "x", url=url)
    for name, run in outputs.items():
        assert "Traceback" not in run.stderr, name
        found = english_words(run.stdout + run.stderr, data)
        assert found == set(), f"{name}: {sorted(found)}\n{run.stdout}{run.stderr}"
    narrow = outputs["queue list at 80 columns"].stdout
    assert all(f"#{item.id}" in narrow for item in items), narrow  # ids stay visible in a narrow terminal
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \(KST\)", outputs["queue show"].stdout)
    submission, _ = process_plain(paths[2])
    with console.capture() as captured:
        summary_table([(paths[2].name, submission)])
    summary = captured.get()
    assert "보완 필수" in summary and english_words(summary, data) == set(), summary
