"""How fast the pipeline is, side by side with the libraries it is built on: one run, one table.

    nice -n 10 .venv/bin/python bench/speed.py                       # everything (about 15 minutes on 2 cores)
    nice -n 10 .venv/bin/python bench/speed.py --only pdf --repeat 3  # one part: pdf, ocr, bundle, scanned, big, batch
    nice -n 10 .venv/bin/python bench/speed.py --batch 24 --ocr-pages 8 --out speed.md

Every figure is a whole process measured from outside (bench/proctree.py): wall time, CPU seconds of the
process and every descendant it waited for, peak memory of its process tree (sampled every 0.1 s: summed RSS, and
summed PSS, which counts the pages the forked workers share once),
and processes still running after it ended (the resident Prefect server, which outlives commands on purpose,
is left out of both). Rows:

- ``pdf``: ``intake extract`` of the 197-page Korean guide against pdfplumber (``extract_text`` +
  ``extract_tables`` over every page, one process), pdfminer.six (``extract_pages``: layout analysis), PLAYA (its pdfminer-like page objects: the parse the pipeline uses) and
  pypdfium2 (page text), in alternating order, medians of ``--repeat`` runs (wall and CPU), and the ratios; with
  ``--base DIR`` also the ``intake extract`` of another source tree (``git archive 320e406 | tar -x -C DIR``), run
  with this checkout's environment — on a busy machine the CPU ratios say more than the wall times;
- ``ocr``: ``intake extract`` of a scanned PDF made here from ``--ocr-pages`` pages of the guide (rendered at
  200 dpi, grey, no text layer): seconds per page of wall time and CPU seconds per page;
- ``bundle``: ``intake process`` of the 5-file sample e-mail (city-hanbit) with a fresh store, database and
  result cache (the resident server of this folder may already run), then the same command again;
- ``scanned``: ``intake process`` of a drawn city bundle whose every form is an image (samples.draw with
  ``SAMPLES_SCANS=all``): OCR on both workers at once, the bundle's memory peak;
- ``big``: ``intake process`` of a folder of text-layer PDFs of ≥ 300 pages;
- ``batch``: ``intake ingest --drop`` of ``--batch`` drawn bundles (samples.draw) in one command.

Runs the ``intake`` of this checkout with the environment it is given (a PREFECT_API_URL set outside is used).
Prints a table (Markdown with ``--out``); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.proctree import Measured, machine_load, run  # noqa: E402

SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))
GUIDE = SHARED / "corpus" / "khosung-PDF-Parser" / "dataset" / "file_18.pdf"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
INTAKE = str(ROOT / ".venv" / "bin" / "intake")
BATCH_SEED = 7301
SCANNED_SEED = 10401

LIBRARIES = {
    "pdfplumber text + tables": """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text(); page.extract_tables(); page.close()
""",
    "pdfminer.six extract_pages": """
import sys
from pdfminer.high_level import extract_pages
for _ in extract_pages(sys.argv[1]):
    pass
""",
    "playa-pdf page objects": """
import sys, playa
from playa.miner import extract_page
with playa.open(sys.argv[1], space="page") as pdf:
    for page in pdf.pages:
        extract_page(page)
""",
    "pypdfium2 text": """
import sys, pypdfium2
doc = pypdfium2.PdfDocument(sys.argv[1])
for page in doc:
    page.get_textpage().get_text_range()
""",
}


class Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(self, what: str, m: Measured | None, per: str = "", note: str = "", wall: float | None = None,
            cpu: float | None = None) -> None:
        if m is None:
            self.rows.append((what, "", "", "", "", per, note))
            return
        left = f"{len(m.left_behind)}" + (f" ({m.left_behind[0]})" if m.left_behind else "")
        failed = f"exit {m.returncode}; " if m.returncode else ""
        self.rows.append((what, f"{wall if wall is not None else m.wall:.1f}", f"{cpu if cpu is not None else m.cpu:.1f}",
                          f"{m.peak_mb:.0f}", f"{m.peak_pss_mb:.0f}",
                          per, failed + note + ("" if not m.left_behind else f"; left behind: {left}")))
        print("| " + " | ".join(self.rows[-1]) + " |", file=sys.stderr, flush=True)  # as it comes: runs are long

    def table(self) -> str:
        head = ("measure", "wall s", "CPU s", "peak MB (RSS)", "peak MB (PSS)", "rate", "note")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def _env(work: Path, **extra: str) -> dict[str, str]:
    """A fresh store, database and result cache under ``work`` (the resident server of ROOT/var/prefect stays)."""
    env = dict(os.environ)
    env.update(INTAKE_DATABASE_URL=f"sqlite:///{work / 'intake.db'}", INTAKE_STORE_DIR=str(work / "store"),
               PREFECT_LOCAL_STORAGE_PATH=str(work / "results"), OMP_THREAD_LIMIT="1", **extra)
    return env


def _pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


def _base_intake(base: Path, work: Path) -> list[str]:
    """The ``intake`` command of another source tree (e.g. ``git archive 320e406 | tar -x -C DIR``) run with this
    checkout's environment: a script file, as the installed command is (its workers see a main script)."""
    script = work / "intake-base.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(base)!r})\nfrom cli.app import main\n"
                      "if __name__ == '__main__':\n    sys.argv[0] = 'intake'\n    sys.exit(main())\n", encoding="utf-8")
    return [PYTHON, str(script)]


def bench_pdf(rows: Rows, repeat: int, work: Path, base: Path | None = None) -> None:
    pages = _pages(GUIDE)
    times: dict[str, list[Measured]] = {"intake extract": [], **{k: [] for k in LIBRARIES}}
    if base is not None:
        times[f"intake extract of {base}"] = []
    for i in range(repeat):
        order = list(times) if i % 2 == 0 else list(reversed(times))
        for label in order:
            if label.startswith("intake extract"):
                out = work / f"extract-{i}"
                command = [INTAKE] if label == "intake extract" else _base_intake(base, work)
                m = run([*command, "extract", str(GUIDE), "--out", str(out)], cwd=base if command != [INTAKE] else ROOT,
                        env=_env(work))
                shutil.rmtree(out, ignore_errors=True)
            else:
                m = run([PYTHON, "-c", LIBRARIES[label], str(GUIDE)], cwd=ROOT)
            times[label].append(m)
    plumber = statistics.median(m.wall for m in times["pdfplumber text + tables"])
    plumber_cpu = statistics.median(m.cpu for m in times["pdfplumber text + tables"])
    for label, ms in times.items():
        wall = statistics.median(m.wall for m in ms)
        cpu = statistics.median(m.cpu for m in ms)
        worst = max(ms, key=lambda m: m.peak_mb)
        runs = ", ".join(f"{m.wall:.1f}" for m in ms)
        cpus = ", ".join(f"{m.cpu:.1f}" for m in ms)
        note = (f"{GUIDE.name}, {pages} pages; runs {runs} s, CPU {cpus} s; × {wall / plumber:.2f} of pdfplumber "
                f"(CPU × {cpu / plumber_cpu:.2f})")
        rows.add(f"pdf: {label}", worst, f"{pages / wall:.1f} pages/s", note, wall=wall, cpu=cpu)


def scanned_pdf(target: Path, count: int, dpi: int = 200) -> Path:
    """``count`` pages of the guide as a scan: rendered to grey images, saved as a PDF without text."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(GUIDE))
    images = [doc[5 + i * 7].render(scale=dpi / 72).to_pil().convert("L") for i in range(count)]
    images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
    return target


def bench_ocr(rows: Rows, count: int, work: Path) -> None:
    scan = scanned_pdf(work / "scan.pdf", count)
    m = run([INTAKE, "extract", str(scan), "--out", str(work / "scan-out")], cwd=ROOT, env=_env(work))
    rows.add(f"ocr: intake extract, {count} scanned pages", m,
             f"{m.wall / count:.2f} s/page wall, {m.cpu / count:.2f} CPU s/page", "200 dpi grey scan of the guide")


def sample_bundle(work: Path) -> Path:
    subprocess.run([PYTHON, "-m", "samples.make_samples", "--out", str(work / "samples")], cwd=ROOT, check=True,
                   capture_output=True)
    return next((work / "samples").rglob("city-hanbit.eml"))


def bench_bundle(rows: Rows, work: Path) -> None:
    bundle = sample_bundle(work)
    fresh = work / "bundle"
    env = _env(fresh)
    for label in ("fresh store and cache", "repeat"):
        m = run([INTAKE, "process", str(bundle), "--out", str(fresh / "out")], cwd=ROOT, env=env)
        rows.add(f"bundle: intake process {bundle.name} (5 files), {label}", m)


def big_bundle(work: Path, min_pages: int = 300) -> tuple[Path, int]:
    """A USB folder of text-layer PDFs from the corpus, largest first, until it holds ``min_pages``."""
    folder = work / "big-usb"
    folder.mkdir(parents=True, exist_ok=True)
    candidates = sorted((SHARED / "corpus").rglob("*.pdf"), key=lambda p: -p.stat().st_size)
    total = 0
    for path in candidates:
        if total >= min_pages:
            break
        if "protected" in path.name or "invalid" in path.name:
            continue
        try:
            pages = _pages(path)
        except Exception:  # noqa: BLE001 - broken corpus files are not this bench's subject
            continue
        shutil.copy(path, folder / f"{len(list(folder.iterdir())):02d}-{path.name}")
        total += pages
    return folder, total


def bench_big(rows: Rows, work: Path) -> None:
    folder, pages = big_bundle(work)
    env = _env(work / "big")
    m = run([INTAKE, "process", str(folder), "--out", str(work / "big" / "out"), "--received-at",
             "2025-09-23T11:30+09:00"], cwd=ROOT, env=env)
    files = len(list(folder.iterdir()))
    rows.add(f"big: intake process, {files} PDFs, {pages} pages", m, f"{pages / m.wall:.1f} pages/s")


def bench_scanned_bundle(rows: Rows, work: Path, seed: int = SCANNED_SEED) -> None:
    """A drawn city bundle whose every form is an image: proposal and self-assessment scanned, application
    photographed (the heaviest bundle for memory: both workers read pages by OCR at once)."""
    drawn = work / "scanned"
    subprocess.run([PYTHON, "-m", "samples.draw", "--seed", str(seed), "--count", "1", "--programme", "city-2025",
                    "--defect", "none", "--out", str(drawn)], cwd=ROOT, check=True, capture_output=True,
                   env=dict(os.environ, SAMPLES_SCANS="all"))
    folder = next(p for p in drawn.iterdir() if p.is_dir())
    entry = next(p for p in folder.iterdir() if p.name != "expected.json")
    m = run([INTAKE, "process", str(entry), "--out", str(work / "scanned-out")], cwd=ROOT, env=_env(work / "scan-run"))
    rows.add(f"scanned bundle: intake process, every form an image (seed {seed})", m, "", folder.name)


def drawn_drop(work: Path, count: int, seed: int = BATCH_SEED) -> Path:
    """``count`` drawn bundles (samples.draw) side by side in one drop folder, as a clerk's USB copies."""
    drawn, drop = work / "drawn", work / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    subprocess.run([PYTHON, "-m", "samples.draw", "--seed", str(seed), "--count", str(count), "--out", str(drawn)],
                   cwd=ROOT, check=True, capture_output=True)
    for folder in sorted(p for p in drawn.iterdir() if p.is_dir()):
        entry = next(p for p in folder.iterdir() if p.name != "expected.json")
        target = drop / (folder.name + (entry.suffix if entry.is_file() else ""))
        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, target)
    return drop


def bench_batch(rows: Rows, count: int, work: Path) -> None:
    drop = drawn_drop(work, count)
    env = _env(work / "batch")
    m = run([INTAKE, "ingest", "--drop", str(drop), "--out", str(work / "batch" / "out")], cwd=ROOT, env=env)
    n = len(list(drop.iterdir()))
    rows.add(f"batch: intake ingest --drop, {n} drawn bundles (seed {BATCH_SEED})", m,
             f"{60 * n / m.wall:.1f} bundles/min", f"{m.wall / n:.1f} s per bundle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=["pdf", "ocr", "bundle", "scanned", "big", "batch"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each PDF reader (medians)")
    parser.add_argument("--ocr-pages", type=int, default=8)
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--base", type=Path, help="pdf: also `intake extract` of this source tree (another commit)")
    args = parser.parse_args()
    parts = args.only or ["pdf", "ocr", "bundle", "scanned", "big", "batch"]
    rows = Rows()
    before = machine_load()
    with tempfile.TemporaryDirectory(prefix="intake-speed-") as tmp:
        work = Path(tmp)
        if "pdf" in parts:
            bench_pdf(rows, args.repeat, work, args.base)
        if "ocr" in parts:
            bench_ocr(rows, args.ocr_pages, work)
        if "bundle" in parts:
            bench_bundle(rows, work)
        if "scanned" in parts:
            bench_scanned_bundle(rows, work)
        if "big" in parts:
            bench_big(rows, work)
        if "batch" in parts:
            bench_batch(rows, args.batch, work)
    text = f"{rows.table()}\n\nMachine: before {before}; after {machine_load()}.\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
