"""Document JSON of every PDF in the shared corpus, the devset (bundles opened) and the generated samples, written to a
folder, and two such folders compared: a change to the PDF path is checked to leave its output alone.

    nice -n 10 .venv/bin/python bench/pdf_outputs.py write /tmp/before [--seconds 1200]
    .venv/bin/python bench/pdf_outputs.py compare /tmp/before /tmp/after

Each PDF goes through ``extract_bounded`` (the spread over the workers included) under a generous time limit, so
that a busy machine does not turn a slow file into a difference. Figure bytes are left out (``document_record``
without a figure folder); everything else — pages, blocks, tables, figure boxes and names, notes — is compared.
Output files are named by the PDF's SHA-256; ``index.tsv`` maps them to where the PDF came from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))


def pdfs() -> dict[str, tuple[str, bytes]]:
    """SHA-256 → (where it came from, bytes) for every PDF: files on disk, members of bundles, generated samples."""
    from extractors import sniff
    from intake.bundles import open_bundle
    from samples.make_samples import load_specs, render_documents

    found: dict[str, tuple[str, bytes]] = {}

    def add(origin: str, data: bytes) -> None:
        if sniff.sniff(data) == sniff.PDF:
            found.setdefault(hashlib.sha256(data).hexdigest(), (origin, data))

    for base in (SHARED / "corpus", SHARED / "devset"):
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix.lower() == ".pdf":
                add(str(path.relative_to(SHARED)), path.read_bytes())
    for path in sorted((SHARED / "devset").glob("*/*/*")):  # a bundle: a mail, an archive or a USB folder
        if path.name == "expected.json" or path.suffix.lower() == ".pdf":
            continue
        try:
            bundle = open_bundle(path)
        except Exception as exc:  # noqa: BLE001 - a bundle that does not open has no PDFs to compare
            print(f"skip {path}: {exc}", file=sys.stderr)
            continue
        for f in bundle.files:
            add(f"{path.relative_to(SHARED)}!{f.name}", f.data)
    for spec in load_specs():
        for name, data in render_documents(spec):
            add(f"samples:{spec.get('id', '?')}/{name}", data)
    return found


def write(out: Path, seconds: float) -> None:
    from extractors.document_record import document_record
    from extractors.registry import Limits, extract_bounded, shutdown

    out.mkdir(parents=True, exist_ok=True)
    limits = Limits(seconds=seconds)
    index = []
    try:
        for sha, (origin, data) in sorted(pdfs().items(), key=lambda kv: len(kv[1][1])):
            start = time.monotonic()
            doc = extract_bounded(Path(origin.split("!")[-1]).name, data, limits)
            record = document_record(doc)
            (out / f"{sha}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            index.append(f"{sha}\t{time.monotonic() - start:.1f}\t{origin}")
            print(index[-1], flush=True)
    finally:
        shutdown()
        (out / "index.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    origins = dict(line.split("\t")[0::2] for line in (before / "index.tsv").read_text().splitlines() if line)
    same, differ, missing = 0, [], []
    for sha, origin in sorted(origins.items(), key=lambda kv: kv[1]):
        theirs = after / f"{sha}.json"
        if not theirs.exists():
            missing.append(origin)
        elif json.loads((before / f"{sha}.json").read_text()) == json.loads(theirs.read_text()):
            same += 1
        else:
            differ.append(origin)
    for origin in differ:
        print(f"DIFFERENT  {origin}")
    for origin in missing:
        print(f"MISSING    {origin}")
    print(f"{same} identical, {len(differ)} different, {len(missing)} missing of {len(origins)} PDFs")
    return 1 if differ or missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("--seconds", type=float, default=1200.0, help="time limit per PDF")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, args.seconds)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
