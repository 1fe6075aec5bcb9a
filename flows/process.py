"""The `process_bundle` flow: bundle → raw store → documents → mapped submission → findings → outputs.

Every received byte is stored (content-addressed, in a BagIt bag) before any processing.
Per-file extraction is cached by the file's SHA-256 and the extractor version, so a
re-run skips unchanged work; the bundle's state in the store says how far it got.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import State
from prefect.utilities.annotations import quote

from checks.pipeline import assess_bundle, extractable_files
from checks.submission import NOT_SUBMISSION_RULES
from extractors.model import Document
from extractors.registry import extract_stored_bounded
from flows.runners import task_runner_from_env
from intake.bundles import open_bundle_bounded
from intake.model import ReceivedBundle
from intake.rawstore import RawStore
from intake.spool import discard as discard_spool
from review_queue import store
from schemas.settings import settings
from schemas.submission import Submission

log = logging.getLogger(__name__)
# progress(stage, done, total): the stage a bundle is in (schemas.vocabulary.PROCESS_STAGES), handed down by the caller.
Progress = Callable[[str, int, int], None]
# Not a flow parameter: Prefect sends parameters to its API and, with the task runner, to Dask workers, where a
# terminal's callback cannot go. The caller sets it around its runs (``reporting``).
_progress: ContextVar[Progress | None] = ContextVar("intake_progress", default=None)


@contextmanager
def reporting(progress: Progress | None) -> Iterator[None]:
    """The stages of the ``process_bundle`` runs inside this block go to ``progress``."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def _reported_to() -> Progress | None:
    # a function, so the flow's code never names the ContextVar: Dask pickles the flow function by value
    return _progress.get()


def _extractor_version() -> str:
    """A digest of the extractors' source: any change to them invalidates cached extractions."""
    import hashlib

    import extractors

    digest = hashlib.sha256()
    for path in sorted(Path(extractors.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = _extractor_version()


def _extract_cache_key(context, parameters) -> str:
    return f"extract-{EXTRACTOR_VERSION}-{parameters['sha256']}"


_opened: dict[str, ReceivedBundle] = {}  # at most one: the bundle an ingest loop opened to look up its id


def open_once(path: Path, store_root: Path | None = None) -> ReceivedBundle:
    """Open the bundle at ``path`` and keep it for the ``process_bundle`` run on the same path that follows (the ingest
    loop looks a bundle's id up before processing it; the bundle is read once, not twice). Its files are spooled
    beside the store (``intake.spool``); a kept bundle no run took is discarded when the next is opened."""
    bundle = open_bundle_bounded(path, store_root=store_root)
    for left in _opened.values():
        discard_spool(left)
    _opened.clear()
    _opened[str(Path(path).resolve())] = bundle
    return bundle


def forget_opened(path: Path) -> None:
    """Drop the bundle ``open_once`` kept for ``path`` (no run will take it), with its spooled files."""
    left = _opened.pop(str(Path(path).resolve()), None)
    if left is not None:
        discard_spool(left)


@task(cache_policy=NO_CACHE)
def open_bundle_task(path: Path, received_at: datetime | None, store_root: Path | None = None) -> ReceivedBundle:
    bundle = _opened.pop(str(Path(path).resolve()), None)
    if bundle is None:
        bundle = open_bundle_bounded(path, received_at, store_root)
    elif received_at is not None:  # as open_bundle does: the clerk's receipt time wins
        bundle.received_at = received_at
    for problem in bundle.problems:
        log.warning("%s: %s", bundle.source_path, problem.log)
    return bundle


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
def record_received_task(bundle: ReceivedBundle, database_url: str | None, delivery: str | None = None) -> bool:
    """Note the bundle as received before anything else can fail; False when it had been received before."""
    return store.record_bundle(bundle.id, channel=bundle.channel, source_path=bundle.source_path, sender=bundle.sender,
                               subject=bundle.subject, received_at=bundle.received_at,
                               file_count=len(bundle.files), url=database_url, delivery=delivery)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store_bundle_task(bundle: ReceivedBundle, store_root: Path | None) -> None:
    """Keep every byte as received (the raw store; nothing happens when the bag exists). From then on the bundle's
    files are read from the store's objects, and their spooled copies go."""
    path = Path(bundle.source_path)
    RawStore(store_root).store_bundle(bundle, container=path if path.is_file() else None)
    discard_spool(bundle)


@task(cache_key_fn=_extract_cache_key, persist_result=True, retries=1, retry_delay_seconds=1)
def extract_file_task(name: str, sha256: str, store_root: Path | None) -> Document:
    """Extract one stored file (read back from the raw store by its hash), under time and memory bounds."""
    return extract_stored_bounded(name, RawStore(store_root).object_path(sha256))  # a large file: read by the worker


@task(cache_policy=NO_CACHE)
def assess_task(bundle: ReceivedBundle, documents: list[Document], cached: int) -> Submission:
    """Map the documents onto the programme and run every check (``checks.pipeline.assess_bundle``)."""
    return assess_bundle(bundle, documents, extraction_cached=cached)


@task(cache_policy=NO_CACHE)
def write_task(submission: Submission, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "submission.json"
    target.write_text(json.dumps(submission.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=2)
def record_task(submission: Submission, database_url: str | None) -> int:
    return store.record_submission(submission, database_url)


def _extract_all(bundle: ReceivedBundle, store_root: Path | None,
                 progress: Progress) -> tuple[list[Document], int]:
    """Documents in bundle order (extracted concurrently by the flow's task runner), and how many came from the cache."""
    tag = settings().extract_tag  # a cluster's concurrency limit on extraction (README: a server and workers)
    extract = extract_file_task.with_options(tags=[tag]) if tag else extract_file_task
    futures = [extract.submit(f.name, f.sha256, store_root) for f in extractable_files(bundle)]
    states: list[State] = []
    for future in futures:
        progress("extracting", len(states), len(futures))
        states.append(future.wait() or future.state)
    progress("extracting", len(states), len(futures))
    return [s.result() for s in states], sum(s.name == "Cached" for s in states)


def _never_failing(*hooks: Progress | None) -> Progress:
    """The hooks together, whose failure (a closed terminal, a lost browser) never fails the bundle."""
    def report(stage: str, done: int, total: int) -> None:
        for hook in hooks:
            try:
                if hook is not None:
                    hook(stage, done, total)
            except Exception:  # noqa: BLE001 - showing progress is never worth a failed bundle
                log.warning("progress hook failed at %s", stage, exc_info=True)
    return report


def _stage_in_store(bundle_id: str, database_url: str | None) -> Progress:
    """The stage as the web desk reads it from the bundle's state detail (``extracting 2/5``, ``assessing``)."""
    def record(stage: str, done: int, total: int) -> None:
        detail = f"{stage} {done}/{total}" if stage == "extracting" else stage
        store.set_bundle_state(bundle_id, "processing", detail, url=database_url)
    return record


@flow(name="process_bundle", log_prints=True, task_runner=task_runner_from_env())
def process_bundle(path: Path, out_dir: Path, received_at: datetime | None = None, database_url: str | None = None,
                   store_root: Path | None = None, delivery: str | None = None) -> Submission:
    """``delivery``: how the clerk says the bundle arrived (post, hand), when it came on a medium."""
    caller = _reported_to()
    progress = _never_failing(caller)
    progress("opening", 0, 0)
    bundle = open_bundle_task(Path(path), received_at, store_root)  # bounded: one that cannot be opened still comes back
    record_received_task(quote(bundle), database_url, delivery)
    # from here the web desk also follows the stage, through the bundle's state detail
    progress = _never_failing(caller, _stage_in_store(bundle.id, database_url))
    try:
        progress("storing", 0, len(bundle.files))
        store_bundle_task(quote(bundle), store_root)
        documents, cached = _extract_all(bundle, store_root, progress)
        progress("assessing", 0, len(documents))
        # quote(): Prefect would otherwise walk every block and cell of the documents looking for futures in them
        submission = assess_task(quote(bundle), quote(documents), cached)
        progress("recording", len(submission.findings), 0)
        write_task(quote(submission), Path(out_dir))
        record_task(quote(submission), database_url)
    except Exception as exc:
        store.set_bundle_state(bundle.id, "failed", f"{type(exc).__name__}: {exc}", url=database_url)
        raise
    finally:
        discard_spool(bundle)  # stored or failed: the spooled copies are not read again
    blockers = sum(f.severity == "blocker" for f in submission.findings)
    done = "not_submission" if any(f.rule in NOT_SUBMISSION_RULES for f in submission.findings) else "processed"
    store.set_bundle_state(bundle.id, done, f"{len(documents)} documents, {blockers} blockers, {cached} from cache",
                           url=database_url)
    return submission


def process_saved_upload(entry: Path, out_dir: Path, received_at: datetime | None, database_url: str,
                         store_root: Path) -> None:
    """What the web app is handed to process an upload: this flow, raising when the bundle failed."""
    state = process_bundle(entry, out_dir, received_at, database_url, store_root, return_state=True)
    if not state.is_completed():
        raise RuntimeError(state.message or state.name)
