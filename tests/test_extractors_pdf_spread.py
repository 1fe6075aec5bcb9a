"""A long PDF read in parts on the bounded workers gives the same document as one pass over every page, and
`intake extract` leaves no process behind. Real files from the corpus; speed figures come from bench/speed.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.proctree import run  # noqa: E402
from extractors.pdf import SPREAD_MIN_PAGES_PER_PART, page_ranges  # noqa: E402
from extractors.registry import extract, extract_bounded, shutdown  # noqa: E402


def _long_pdf(corpus: Path) -> Path:
    return corpus / "khosung-PDF-Parser" / "dataset" / "file_18_edit.pdf"  # 45 pages, Korean, ruled tables


def test_page_ranges_cover_every_page_once(corpus):
    data = _long_pdf(corpus).read_bytes()
    ranges = page_ranges(data, 2)
    assert ranges is not None and len(ranges) == 2
    pages = sorted(p for first, stop, step in ranges for p in range(first, stop, step))
    import pypdfium2

    assert pages == list(range(len(pypdfium2.PdfDocument(data))))
    assert page_ranges(data, 1) is None
    short = corpus / "camelot" / "health.pdf"
    assert page_ranges(short.read_bytes(), 2) is None  # fewer than 2 × SPREAD_MIN_PAGES_PER_PART pages
    assert SPREAD_MIN_PAGES_PER_PART >= 2


def test_parts_on_workers_equal_one_pass(corpus):
    path = _long_pdf(corpus)
    data = path.read_bytes()
    try:
        spread = extract_bounded(path.name, data)
    finally:
        shutdown()
    whole = extract(path.name, data)
    assert spread.page_count == whole.page_count == 45
    assert spread.tables
    assert spread.model_dump() == whole.model_dump()  # pages, blocks, tables joined across the parts, notes, figures


def _scanned(source: Path, pages: int, dpi: int = 150) -> bytes:
    """The first ``pages`` pages of ``source`` as page images only (no text layer), as a scanner makes them."""
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument(source)
    images = [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def test_a_short_scan_is_spread_and_reads_as_in_one_pass(corpus):
    """Two pages for OCR are reason enough to use both workers (a page takes seconds, a second opening
    milliseconds); the parts joined are the one-pass reading."""
    data = _scanned(_long_pdf(corpus), 3)
    assert page_ranges(data, 2) == [(0, 3, 2), (1, 3, 2)]
    assert page_ranges(_scanned(_long_pdf(corpus), 1), 2) is None
    try:
        spread = extract_bounded("scan.pdf", data)
    finally:
        shutdown()
    whole = extract("scan.pdf", data)
    assert [p.method for p in spread.pages] == ["ocr"] * 3
    assert spread.model_dump() == whole.model_dump()


def test_corrupt_pdf_read_in_parts_is_unreadable_not_a_crash(corpus):
    data = bytearray(_long_pdf(corpus).read_bytes())
    middle = len(data) // 2
    data[middle:middle + 20000] = b"\0" * 20000  # page content streams destroyed, the page tree intact
    try:
        doc = extract_bounded("broken.pdf", bytes(data))
    finally:
        shutdown()
    assert doc.page_count or not doc.readable  # either pages read where possible or one unreadable document


def test_intake_extract_leaves_no_process_behind(corpus, tmp_path):
    path = _long_pdf(corpus)
    measured = run([str(Path(sys.executable).with_name("intake")), "extract", str(path), "--out", str(tmp_path)],
                   cwd=ROOT, timeout=900)
    assert measured.returncode == 0, measured.stderr[-2000:]
    assert measured.left_behind == []
    record = json.loads((tmp_path / "document.json").read_text(encoding="utf-8"))
    assert record["pages"] == 45 and record["tables"]


def test_workers_start_with_the_extractors_and_without_the_callers_main_script(tmp_path):
    """A worker is forked with the PDF path's libraries imported and does not run the caller's main script again
    (for `intake`: the whole CLI, the schemas and the checks, in every worker)."""
    main = tmp_path / "caller.py"
    main.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import checks  # stands for what the caller's main script imports\n"
        "from extractors.registry import run_bounded, shutdown\n"
        "if __name__ == '__main__':\n"
        "    probe = \"[m in __import__('sys').modules for m in ('checks', 'pdfplumber', 'pypdfium2')]\"\n"
        "    print(run_bounded(eval, probe))\n"
        "    shutdown()\n", encoding="utf-8")
    import subprocess

    run = subprocess.run([sys.executable, str(main)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[False, True, True]"


def test_pictures_rendered_in_the_reading_pass_equal_those_rendered_on_demand(corpus):
    """`intake extract` asks for the pictures beforehand: the parts render them from the page in hand, and they are
    the very pictures `fill_figure_data` renders afterwards for a caller that did not ask."""
    from extractors.figures import fill_figure_data

    path = _long_pdf(corpus)
    data = path.read_bytes()
    try:
        in_pass = extract_bounded(path.name, data, pictures=True)
        later = extract_bounded(path.name, data)
        assert later.figures and not any(f.data for f in later.figures)
        fill_figure_data(later, data)
    finally:
        shutdown()
    assert [f.data[:8] for f in in_pass.figures] == [b"\x89PNG\r\n\x1a\n"] * len(in_pass.figures)
    assert in_pass.model_dump() == later.model_dump()


def test_the_first_look_is_safe_from_several_threads(corpus):
    """A flow's extraction tasks run on threads side by side, and each takes PDFium's first look at its PDF in the
    caller (page_ranges). PDFium is not thread-safe: two at once corrupted the heap (`intake ingest` died with
    `double free or corruption` in CI). Three threads looking at the corpus's PDFs together must all finish."""
    import threading

    files = [p.read_bytes() for p in sorted(corpus.rglob("*.pdf"))[:40]]
    failed: list[BaseException] = []

    def look(k: int) -> None:
        try:
            for i in range(150):
                page_ranges(files[(i * 7 + k) % len(files)], 2)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    threads = [threading.Thread(target=look, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed
