"""Extraction throughput and peak memory per format on a realistic bundle.

    .venv/bin/python bench/bench_extract.py [--corpus ../shared/corpus] [--scans 10]

The bundle: the longest Korean government guide from the corpus (a text-layer PDF of
100+ pages exported from Hancom Office), scanned pages made by rasterising pages of
it at 200 dpi (the ground truth stays the text layer), the sample bundles' DOCX and
XLSX, the corpus's HWPX and HWP files. Each format runs in a fresh process so its
peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r"""
import json, resource, sys, time
from pathlib import Path
from extractors.registry import extract
paths = [Path(p) for p in sys.argv[1:]]
pages = 0
start = time.perf_counter()
for p in paths:
    doc = extract(p.name, p.read_bytes())
    pages += doc.page_count or 1
elapsed = time.perf_counter() - start
print(json.dumps({"files": len(paths), "pages": pages, "seconds": elapsed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def rasterise(pdf: Path, out: Path, count: int, dpi: int = 200) -> list[Path]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    paths = []
    for i in range(min(count, len(document))):
        image = document[i + 5].render(scale=dpi / 72).to_pil().convert("L")
        path = out / f"scan-{i + 1:02d}.png"
        image.save(path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scans", type=int, default=10)
    args = parser.parse_args()
    guide = max((args.corpus / "khosung-PDF-Parser").rglob("*.pdf"), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        subprocess.run([sys.executable, "-m", "samples.make_samples", "--out", str(tmp_path / "samples")], cwd=ROOT,
                       check=True, capture_output=True)
        samples = tmp_path / "samples"
        sets = {
            "pdf (text layer)": [guide],
            "scan (OCR)": rasterise(guide, tmp_path, args.scans),
            "docx": sorted(samples.rglob("*.docx")) + sorted((args.corpus / "docling/docx/sources").glob("*.docx")),
            "xlsx": sorted(samples.rglob("*.xlsx")) + sorted((args.corpus / "community-repo/data").glob("*.xlsx")),
            "hwpx": sorted((args.corpus / "hwpxlib").rglob("*.hwpx"))[:20],
            "hwp": sorted((args.corpus / "pyhwp").rglob("*.hwp"))[:20],
        }
        print(f"{'format':<18}{'files':>6}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'peak MB':>9}")
        results = {}
        for label, paths in sets.items():
            if not paths:
                continue
            run = subprocess.run([sys.executable, "-c", WORKER, *map(str, paths)], cwd=ROOT, capture_output=True,
                                 text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
            if run.returncode != 0:
                print(f"{label:<18} failed: {run.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            results[label] = r
            print(f"{label:<18}{r['files']:>6}{r['pages']:>7}{r['seconds']:>9.1f}{r['pages'] / r['seconds']:>9.2f}"
                  f"{r['peak_rss_mb']:>9.0f}")
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
