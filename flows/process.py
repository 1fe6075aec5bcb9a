"""The `process_bundle` flow: bundle → documents → mapped submission → findings → outputs."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

import flows  # noqa: F401  (sets Prefect's local-mode defaults first)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from extractors import Document
from extractors.registry import extract_bounded
from intake.bundles import ReceivedBundle, ReceivedFile, open_bundle
from mapping.submission import Mapped, map_bundle
from review_queue.checks import run_checks
from review_queue.store import record_submission
from schemas.submission import Bundle, Submission

log = logging.getLogger(__name__)


@task(cache_policy=NO_CACHE)
def open_bundle_task(path: Path, received_at: datetime | None) -> ReceivedBundle:
    bundle = open_bundle(path, received_at)
    for problem in bundle.problems:
        log.warning("%s: %s", bundle.source_path, problem.log)
    return bundle


@task(cache_policy=NO_CACHE)
def extract_task(received: ReceivedFile) -> Document:
    return extract_bounded(received.name, received.data)


@task(cache_policy=NO_CACHE)
def map_task(bundle: ReceivedBundle, documents: list[Document]) -> Mapped:
    header = Bundle(id=bundle.id, channel=bundle.channel, received_at=bundle.received_at, sender=bundle.sender)
    return map_bundle(header, documents, sizes={f.name: len(f.data) for f in bundle.files})


@task(cache_policy=NO_CACHE)
def check_task(mapped: Mapped) -> Submission:
    mapped.submission.findings = run_checks(mapped)
    return mapped.submission


@task(cache_policy=NO_CACHE)
def write_task(submission: Submission, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "submission.json"
    target.write_text(json.dumps(submission.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


@task(cache_policy=NO_CACHE)
def record_task(submission: Submission, database_url: str | None) -> int:
    return record_submission(submission, database_url)


@flow(name="process_bundle", log_prints=True)
def process_bundle(path: Path, out_dir: Path, received_at: datetime | None = None,
                   database_url: str | None = None) -> Submission:
    bundle = open_bundle_task(Path(path), received_at)
    documents = [extract_task(f) for f in bundle.files]
    submission = check_task(map_task(bundle, documents))
    write_task(submission, Path(out_dir))
    record_task(submission, database_url)
    return submission
