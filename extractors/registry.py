"""Pick the extractor by content and turn every failure into an unreadable document (a fatal ``DocumentProblem``).

``extract`` runs in the calling process; ``extract_bounded`` runs the same thing in
a worker process under a time limit and an address-space limit, so one hostile or
pathological file cannot hang or exhaust the machine that processes a bundle.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import multiprocessing
import os
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Callable

from pebble import ProcessExpired, ProcessPool

import extractors.sniff as media
from extractors import model
from extractors.model import Document
from schemas.settings import settings

log = logging.getLogger(__name__)

# media type -> "module:function"; imported on first use so a missing optional part degrades to "unsupported".
EXTRACTORS: dict[str, str] = {
    media.PDF: "extractors.pdf:extract_pdf",
    media.DOCX: "extractors.docx:extract_docx",
    media.XLSX: "extractors.xlsx:extract_xlsx",
    media.HWPX: "extractors.hwpx:extract_hwpx",
    media.HWP: "extractors.hwp:extract_hwp",
    media.TEXT: "extractors.text:extract_text",
    media.PNG: "extractors.ocr:extract_image",
    media.JPEG: "extractors.ocr:extract_image",
    media.TIFF: "extractors.ocr:extract_image",
}

# media type -> module whose long files are read in parts spread over the worker processes: it gives
# ``page_ranges(data, parts)`` (None: read in one pass), ``read_pages(data, first, stop, step, pictures)`` (one part,
# in a worker)
# and ``join_pages(doc, parts)`` (in the caller). A 197-page PDF takes half the time on two cores.
SPREAD: dict[str, str] = {media.PDF: "extractors.pdf"}

# Reason codes (extractors.model) by media type that no extractor reads; checks/rules.yaml words them.
UNSUPPORTED = {
    media.EMPTY: model.UNREADABLE_EMPTY,
    media.ENCRYPTED_OOXML: model.UNREADABLE_ENCRYPTED,
    media.OLE: model.UNREADABLE_LEGACY_OFFICE,
    media.BROKEN_ZIP: model.UNREADABLE_TRUNCATED,
    media.DRM_WRAPPED: model.UNREADABLE_DRM,
    media.MSG: model.UNREADABLE_MAIL,
    media.ZIP: model.UNREADABLE_ARCHIVE,
}


@dataclass(frozen=True)
class Limits:
    seconds: float = field(default_factory=lambda: settings().extract_seconds)
    memory_bytes: int = field(default_factory=lambda: settings().extract_memory_mb * 1024**2)


def _resolve(media_type: str) -> Callable[[Document, bytes], Document] | None:
    target = EXTRACTORS.get(media_type)
    if target is None:
        return None
    module_name, function = target.split(":")
    try:
        return getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as exc:
        log.warning("extractor %s unavailable: %s", target, exc)
        return None


def _sniffed(name: str, data: bytes) -> str:
    """The media type, or UNKNOWN when even telling the type failed (a file too damaged to say)."""
    try:
        return media.sniff(data)
    except MemoryError:
        raise
    except Exception as exc:
        log.warning("could not tell the type of %s: %s: %s", name, type(exc).__name__, exc)
        return media.UNKNOWN


def extract(name: str, data: bytes) -> Document:
    """Extract one file in this process; never raises for bad input."""
    media_type = _sniffed(name, data)
    doc = Document(file=name, sha256=hashlib.sha256(data).hexdigest(), media_type=media_type)
    extractor = _resolve(media_type)
    if extractor is None:
        log.warning("no extractor for %s (%s)", name, media_type)
        code = UNSUPPORTED.get(media_type, model.UNREADABLE_UNSUPPORTED)
        return doc.unreadable(code, f"no extractor for {media_type}")
    try:
        return extractor(doc, data)
    except MemoryError:
        raise  # the bounded runner reports it with the limit
    except Exception as exc:  # corrupt, truncated or encrypted input must not stop the bundle
        log.warning("could not read %s as %s: %s: %s", name, media_type, type(exc).__name__, exc)
        fresh = Document(file=name, sha256=doc.sha256, media_type=media_type)
        code, detail, params = _reason(exc)
        return fresh.unreadable(code, detail, **params)


def _reason(exc: Exception) -> tuple[str, str, dict[str, str]]:
    """Reason code, English detail and message parameters for an extractor's exception."""
    # pdfplumber wraps pdfminer's PDFPasswordIncorrect: look at the arguments and the chain too
    chain = [exc, *exc.args, exc.__cause__, exc.__context__]
    text = " ".join(f"{type(e).__name__} {e}" for e in chain if e is not None).lower()
    detail = f"{type(exc).__name__}: {exc}"
    if "password" in text or "encrypt" in text:
        return model.UNREADABLE_ENCRYPTED, detail, {}
    return model.UNREADABLE_CORRUPT, detail, {"error": type(exc).__name__}


def _limit_memory(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: one thread per worker process


_pool: ProcessPool | None = None
_pool_limits: Limits | None = None
_pool_lock = threading.Lock()


def _worker_pool(limits: Limits) -> ProcessPool:
    global _pool, _pool_limits
    with _pool_lock:
        if _pool is None or _pool_limits != limits or not _pool.active:
            if _pool is not None:
                _pool.stop()
            # forkserver: workers do not inherit the flow's threads and locks; the server imports the extractors
            # once and forks every worker with them (extractors/worker_start.py)
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["extractors.worker_start"])
            _pool = ProcessPool(max_workers=_workers(), max_tasks=25,
                                initializer=_limit_memory, initargs=(limits.memory_bytes,), context=context)
            _pool_limits = limits
        return _pool


def start_workers(limits: Limits | None = None) -> None:
    """Start the worker processes now, in the background: a command that has its own imports to do first (``intake
    extract``) finds them ready (the fork server's imports done) at its first bounded call."""
    limits = limits or Limits()

    def start() -> None:
        try:
            _worker_pool(limits).schedule(os.getpid)  # a pool starts its processes on its first call
        except Exception as exc:  # noqa: BLE001 - the first real call reports what is wrong
            log.debug("workers not started ahead: %s", exc)

    threading.Thread(target=start, name="intake-start-workers", daemon=True).start()


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def worker_count() -> int:
    """How many bounded calls run at once."""
    return _workers()


class BoundExceeded(Exception):
    """A bounded call broke its time or memory bound, or its worker died; ``code`` is the reason code."""

    def __init__(self, code: str, why: str, params: dict) -> None:
        super().__init__(why)
        self.code, self.why, self.params = code, why, params


def run_bounded(function: Callable, *args, limits: Limits | None = None):
    """``function(*args)`` in a worker process under ``limits`` (a module-level function, picklable arguments).

    Raises ``BoundExceeded`` when the call takes too long, exhausts its memory or its worker dies; any other
    exception is the function's own."""
    limits = limits or Limits()
    return _result(_worker_pool(limits).schedule(function, args=args, timeout=limits.seconds), limits)


def run_bounded_all(calls: list[tuple[Callable, tuple]], limits: Limits | None = None) -> list:
    """Each ``(function, args)`` on the workers at once (as ``run_bounded``), their results in order; when one fails,
    the others are cancelled and its exception (``BoundExceeded`` or the function's own) is raised."""
    limits = limits or Limits()
    pool = _worker_pool(limits)
    futures = [pool.schedule(function, args=args, timeout=limits.seconds) for function, args in calls]
    try:
        return [_result(future, limits) for future in futures]
    finally:
        for future in futures:
            future.cancel()


def _result(future, limits: Limits):
    """A worker's result, or ``BoundExceeded`` when the call broke its bounds or its worker died."""
    try:
        return future.result()
    except FutureTimeout:
        raise BoundExceeded(model.UNREADABLE_TIMEOUT, f"took longer than {limits.seconds:.0f} s",
                            {"seconds": limits.seconds}) from None
    except (MemoryError, ProcessExpired) as exc:
        raise BoundExceeded(model.UNREADABLE_MEMORY, f"exceeded memory ({type(exc).__name__})",
                            {"gib": limits.memory_bytes / 1024**3}) from None


def extract_bounded(name: str, data: bytes, limits: Limits | None = None, pictures: bool = False) -> Document:
    """``extract`` in a worker process under ``limits``; a file that breaks them becomes unreadable. ``pictures``:
    the caller will want the figures' pictures, so a long PDF renders them in its reading pass (otherwise
    ``extractors.figures.fill_figure_data`` renders them when asked).

    The exception boundary of one file: whatever goes wrong, the result is a Document."""
    sha256 = hashlib.sha256(data).hexdigest()
    limits = limits or Limits()
    try:
        spread = _spread_plan(name, data)
        if spread is not None:  # a long PDF: its page ranges read on the workers at once
            doc = _extract_spread(name, data, *spread, limits, pictures)
            if doc is not None:
                return doc
        return run_bounded(extract, name, data, limits=limits)
    except BoundExceeded as exc:
        code, why, params = exc.code, exc.why, exc.params
    except Exception as exc:  # e.g. a result that could not be sent back from the worker
        code, why, params = model.UNREADABLE_CORRUPT, f"{type(exc).__name__}: {exc}", {}
    log.warning("extraction of %s stopped: %s", name, why)
    return Document(file=name, sha256=sha256, media_type=_sniffed(name, data)).unreadable(code, why, **params)


def _spread_plan(name: str, data: bytes) -> tuple[str, list] | None:
    """(module, ranges) when the file is long enough to read in parts on several workers, else None."""
    module_name = SPREAD.get(_sniffed(name, data))
    if module_name is None or _workers() < 2:
        return None
    try:
        ranges = importlib.import_module(module_name).page_ranges(data, _workers())
    except Exception as exc:  # the one-pass reading decides what is wrong with the file
        log.debug("no spread plan: %s", exc)
        return None
    return (module_name, ranges) if ranges else None


def _read_part(module_name: str, data: bytes, first: int, stop: int, step: int, pictures: bool):
    return importlib.import_module(module_name).read_pages(data, first, stop, step, pictures)


def _extract_spread(name: str, data: bytes, module_name: str, ranges: list, limits: Limits,
                    pictures: bool = False) -> Document | None:
    """The parts read on the workers and joined here; None when a part failed (the one-pass reading then turns
    the failure into an unreadable document, with its reason)."""
    try:
        parts = run_bounded_all([(_read_part, (module_name, data, *part, pictures)) for part in ranges], limits)
    except BoundExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - corrupt or encrypted: reported by the one-pass reading
        log.debug("reading %s in parts failed (%s); reading it in one pass", name, exc)
        return None
    doc = Document(file=name, sha256=hashlib.sha256(data).hexdigest(), media_type=_sniffed(name, data))
    try:
        return importlib.import_module(module_name).join_pages(doc, parts)
    except Exception as exc:  # noqa: BLE001 - as above
        log.warning("joining the parts of %s failed (%s: %s); reading it in one pass", name, type(exc).__name__, exc)
        return None


def shutdown() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.stop()
            _pool.join()
            _pool = None


IN_CALLER_BYTES = 32 * 1024**2  # a stored file up to this size is handed over as bytes (long PDFs spread over workers)


def _extract_file(name: str, path: str) -> Document:
    with open(path, "rb") as handle:
        return extract(name, handle.read())


def extract_stored_bounded(name: str, path: str | os.PathLike, limits: Limits | None = None) -> Document:
    """``extract_bounded`` of a file kept on disk (the raw store's object). A large one is read by the worker
    itself, so the caller — which may extract several files at once — never holds it, nor its pickled copy."""
    if os.path.getsize(path) <= IN_CALLER_BYTES:
        with open(path, "rb") as handle:
            return extract_bounded(name, handle.read(), limits)
    limits = limits or Limits()
    try:
        return run_bounded(_extract_file, name, str(path), limits=limits)
    except BoundExceeded as exc:
        code, why, params = exc.code, exc.why, exc.params
    except Exception as exc:  # e.g. a result that could not be sent back from the worker
        code, why, params = model.UNREADABLE_CORRUPT, f"{type(exc).__name__}: {exc}", {}
    log.warning("extraction of %s stopped: %s", name, why)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024**2):
            digest.update(chunk)
        handle.seek(0)
        head = handle.read(1024**2)
    return Document(file=name, sha256=digest.hexdigest(), media_type=_sniffed(name, head)).unreadable(code, why, **params)
