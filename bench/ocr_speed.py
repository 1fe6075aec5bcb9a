"""OCR seconds per page: scanned proposal pages and a phone photo, one and two worker processes.

    .venv/bin/python bench/ocr_speed.py                    # 4 drawn scan pages + the drawn photo
    .venv/bin/python bench/ocr_speed.py --pages 10 --devset   # also s600-009's scanned proposal (../shared/devset)
    .venv/bin/python bench/ocr_speed.py --workers 1,2 --seed 8104

Pages come from samples/draw/scans.py (a drawn city proposal rasterised at 150 dpi with noise and
skew, and the drawn application photographed), or from the development set's scanned proposal. Each
page goes through ``extract`` (the registry: PDF pages without a text layer are OCR'd) as a one-page
PDF, or the photo as a JPEG, in a pool of N processes (Tesseract runs one thread per process).
"seconds per page per core" is wall time × workers / pages; "CPU s/page" is the CPU time the pages took (the
extracting process, Tesseract included), which other work on the machine does not inflate. ``--first``
picks the pages (e.g. ``--first 1`` skips a cover: the 요약표 and detail forms are the table pages). Prints a
table; asserts nothing.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))
DEVSET_BUNDLE = SHARED / "devset" / "harder" / "s600-009-city-seocho" / "message.eml"


def _one_page_pdfs(pdf: bytes, limit: int, first: int = 0) -> list[bytes]:
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(pdf)
    out = []
    for i in range(first, min(first + limit, len(src))):
        doc = pdfium.PdfDocument.new()
        doc.import_pages(src, [i])
        buf = io.BytesIO()
        doc.save(buf)
        out.append(buf.getvalue())
    return out


def _drawn(seed: int) -> tuple[bytes, bytes]:
    """A drawn city proposal as a scan, and its application as a photo."""
    import random

    from samples.draw import scans
    from samples.draw.bundle import draw_plan
    from samples.draw.documents import build
    from samples.draw.render_pdf import to_pdf
    from schemas import load_programme
    plan = draw_plan(seed, programme="city-2025", defect=None)
    spec = load_programme(plan.programme)
    rng = random.Random(seed)
    proposal = to_pdf(build(rng, plan, spec, "quantitative_proposal"))
    application = to_pdf(build(rng, plan, spec, "application"))
    return (scans.scanned_pdf(proposal, random.Random(seed)),
            scans.photo_jpeg(application, random.Random(seed), plan.written_applicant["name"]))


def _devset_scan() -> bytes | None:
    if not DEVSET_BUNDLE.exists():
        return None
    message = email.message_from_bytes(DEVSET_BUNDLE.read_bytes(), policy=email.policy.default)
    for part in message.iter_attachments():
        if "평가제안서" in (part.get_filename() or "") and part.get_filename().endswith(".pdf"):
            return part.get_content()
    return None


def _cpu() -> float:
    """CPU seconds of this process (Tesseract runs in it) and of any child processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _extract(args: tuple[str, bytes]) -> tuple[float, int, float | None, float]:
    from extractors.registry import extract
    name, data = args
    started, cpu = time.perf_counter(), _cpu()
    doc = extract(name, data)
    cells = sum(len(t.cells) for t in doc.tables)
    confs = [p.confidence for p in doc.pages if p.confidence is not None]
    return time.perf_counter() - started, cells, (sum(confs) / len(confs) if confs else None), _cpu() - cpu


def run(items: list[tuple[str, bytes]], workers: int) -> tuple[float, list]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pool.submit(int, 0).result()  # start the workers before the clock matters
        started = time.perf_counter()
        results = list(pool.map(_extract, items))
    return time.perf_counter() - started, results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=4, help="scanned pages per source")
    ap.add_argument("--workers", default="1,2", help="comma-separated pool sizes")
    ap.add_argument("--seed", type=int, default=8101)
    ap.add_argument("--devset", action="store_true", help="also the dev set's scanned proposal (s600-009)")
    ap.add_argument("--first", type=int, default=0, help="first page (0-based) of each scan to read")
    args = ap.parse_args()
    scan, photo = _drawn(args.seed)
    sources = {f"drawn scan (seed {args.seed})": [("scan.pdf", p) for p in _one_page_pdfs(scan, args.pages, args.first)],
               "drawn photo": [("photo.jpg", photo)]}
    if args.devset and (dev := _devset_scan()):
        sources["s600-009 scanned proposal"] = [("scan.pdf", p) for p in _one_page_pdfs(dev, args.pages, args.first)]
    from rich.console import Console
    from rich.table import Table
    table = Table(title="OCR seconds per page (wall × workers / pages = core-seconds per page)")
    for col in ("source", "pages", "workers", "wall s", "s/page (wall)", "s/page/core", "CPU s/page", "cells",
                "mean conf"):
        table.add_column(col, justify="right" if col != "source" else "left")
    for name, items in sources.items():
        for workers in (int(w) for w in args.workers.split(",")):
            wall, results = run(items, workers)
            confs = [c for _, _, c, _ in results if c is not None]
            cpu = sum(r[3] for r in results) / len(items)
            table.add_row(name, str(len(items)), str(workers), f"{wall:.1f}", f"{wall / len(items):.2f}",
                          f"{wall * min(workers, len(items)) / len(items):.2f}", f"{cpu:.2f}",
                          str(sum(c for _, c, _, _ in results)),
                          f"{sum(confs) / len(confs):.1f}" if confs else "n/a")
    Console(width=150).print(table)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work on the machine inflates these)")


if __name__ == "__main__":
    main()
