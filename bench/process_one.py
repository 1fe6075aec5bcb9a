"""Process one bundle in this process, without Prefect or the store: what the scorer runs many times.

    .venv/bin/python bench/process_one.py BUNDLE OUT_DIR

The same ``checks.pipeline.assess_bundle`` as ``intake process`` (which adds the raw store, the extraction
cache and the review store around it), so the figures it gives are the pipeline's; extraction runs under
the same time and memory bounds. Writes OUT_DIR/submission.json.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from checks.pipeline import assess_bundle, extractable_files
from extractors.registry import extract_bounded, shutdown
from intake.bundles import open_bundle


def main(bundle_path: str, out_dir: str) -> None:
    bundle = open_bundle(Path(bundle_path))
    documents = [extract_bounded(f.name, f.data) for f in extractable_files(bundle)]
    shutdown()
    submission = assess_bundle(bundle, documents)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "submission.json").write_text(json.dumps(submission.model_dump(mode="json"), ensure_ascii=False, indent=2),
                                         encoding="utf-8")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    main(*sys.argv[1:3])
