"""The pipeline's steps without Prefect, for tests that need many processed submissions quickly.

Same functions the `process_bundle` flow's tasks call; each distinct file is extracted once per session
(by content hash, as the flow's cache does).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from extractors.registry import extract
from intake.bundles import open_bundle
from intake.rawstore import RawStore
from mapping.submission import map_bundle
from review_queue.checks import problem_findings, run_checks
from review_queue.store import record_submission
from schemas.submission import Bundle, Submission

_extracted: dict[str, object] = {}


def process_plain(path: Path, received_at: datetime | None = None, url: str | None = None,
                  store_root: Path | None = None) -> tuple[Submission, int | None]:
    bundle = open_bundle(path, received_at)
    if store_root is not None:
        RawStore(store_root).store_bundle(bundle, container=path if path.is_file() else None)
    documents = []
    for f in bundle.files:
        if f.expanded:
            continue
        if f.sha256 not in _extracted:
            _extracted[f.sha256] = extract(f.name, f.data)
        documents.append(_extracted[f.sha256].model_copy(deep=True, update={"file": f.name}))
    header = Bundle(id=bundle.id, channel=bundle.channel, received_at=bundle.received_at, sender=bundle.sender)
    mapped = map_bundle(header, documents, sizes={f.name: len(f.data) for f in bundle.files})
    mapped.submission.findings = problem_findings(bundle.problems) + run_checks(mapped)
    submission_id = record_submission(mapped.submission, url) if url else None
    return mapped.submission, submission_id
