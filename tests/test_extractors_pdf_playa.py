"""Pages parsed by PLAYA give pdfplumber the objects pdfminer.six gives, so a PDF reads to the same document either
way; pages PLAYA reads differently, and files it cannot open, are left to pdfminer.six. Real files: the dev set's
Korean proposals (HWP exports whose fonts declare no descent), the corpus's Korean guide and a vertical-writing file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extractors import pdf as pdf_module  # noqa: E402
from extractors.document_record import document_record  # noqa: E402
from extractors.model import Document  # noqa: E402
from extractors.pdf_parts import playa_page  # noqa: E402

SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))


def _devset_proposals() -> list[Path]:
    found = sorted(p for p in (SHARED / "devset").rglob("*.pdf") if "평가제안서" in p.name or "신청서" in p.name)
    if not found:
        pytest.fail(f"the dev set's PDF proposals are expected under {SHARED / 'devset'}")
    return found[:3]


def _objects_both_ways(path: Path, number: int):
    data = path.read_bytes()
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[number - 1]
        theirs = page.objects
        del page._objects
        attached = playa_page.attach(page, playa_page.open_document(data), number - 1)
        return theirs, page.objects, attached


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) < 0.01


def test_characters_and_rulings_match_pdfminer_on_the_dev_sets_korean_proposals():
    checked = 0
    for path in _devset_proposals():
        with pdfplumber.open(path) as pdf:
            count = min(len(pdf.pages), 4)
        for number in range(1, count + 1):
            theirs, ours, attached = _objects_both_ways(path, number)
            assert attached, f"{path.name} p.{number} left to pdfminer.six"
            assert [c["text"] for c in ours["char"]] == [c["text"] for c in theirs["char"]]
            for mine, reference in zip(ours["char"], theirs["char"]):  # the boxes cells are assigned by
                assert all(_same(mine[k], reference[k]) for k in ("top", "bottom", "size")), (path.name, number, mine["text"])
                assert abs(mine["x0"] - reference["x0"]) < 0.5, (path.name, number, mine["text"])
            for kind in ("rect", "line"):
                assert len(ours.get(kind, [])) == len(theirs.get(kind, []))
                for mine, reference in zip(ours.get(kind, []), theirs.get(kind, [])):
                    assert all(_same(mine[k], reference[k]) for k in ("x0", "x1", "top", "bottom"))
            checked += 1
    assert checked >= 4


def test_a_document_reads_the_same_with_and_without_playa(corpus, monkeypatch):
    path = corpus / "khosung-PDF-Parser" / "dataset" / "file_18_edit.pdf"  # 45 pages, Korean, ruled tables, figures
    data = path.read_bytes()

    def read() -> dict:
        doc = pdf_module.extract_pdf(Document(file=path.name, sha256="-", media_type="application/pdf"), data)
        return document_record(doc)

    with_playa = read()
    monkeypatch.setattr(pdf_module, "open_playa", lambda data: None)
    without = read()
    assert with_playa["tables"] and with_playa["blocks"]
    assert with_playa == without


def test_vertical_writing_is_left_to_pdfminer(corpus):
    path = corpus / "khosung-PDF-Parser" / "dataset" / "file_8.pdf"  # p.7 carries a vertical-writing side title
    theirs, ours, attached = _objects_both_ways(path, 7)
    assert not attached
    assert ours is theirs or [c["text"] for c in ours["char"]] == [c["text"] for c in theirs["char"]]
    _, _, attached_next = _objects_both_ways(path, 8)
    assert attached_next  # only the page that needs it


def test_a_file_playa_cannot_open_is_read_by_pdfminer(corpus):
    assert playa_page.open_document(b"%PDF-1.7\nnot really a PDF") is None
    path = corpus / "camelot" / "health.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert not playa_page.attach(page, None, 0)
        assert "char" in page.objects  # pdfminer.six parses it when asked
