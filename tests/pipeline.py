"""The pipeline without Prefect, for tests that need many processed submissions quickly.

The same ``checks.pipeline.assess_bundle`` the ``process_bundle`` flow calls; each distinct file is
extracted once per test session (by content hash, as the flow's cache does).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from checks.pipeline import assess_bundle, extractable_files
from extractors.model import Document
from extractors.registry import extract
from intake.bundles import open_bundle
from intake.rawstore import RawStore
from review_queue.store import record_submission
from schemas.submission import Submission

_extracted: dict[str, Document] = {}


def process_plain(path: Path, received_at: datetime | None = None, url: str | None = None,
                  store_root: Path | None = None) -> tuple[Submission, int | None]:
    bundle = open_bundle(path, received_at)
    if store_root is not None:
        RawStore(store_root).store_bundle(bundle, container=path if path.is_file() else None)
    documents = []
    for f in extractable_files(bundle):
        if f.sha256 not in _extracted:
            _extracted[f.sha256] = extract(f.name, f.data)
        documents.append(_extracted[f.sha256])
    submission = assess_bundle(bundle, documents)
    submission_id = record_submission(submission, url) if url else None
    return submission, submission_id
