"""Ingest flows: a drop folder of USB copies, and an IMAP mailbox, each feeding `process_bundle`.

Both are idempotent: a bundle seen before is stored once and skipped once processed,
so they can run on a schedule (see `intake watch`) without taking anything twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.process import forget_opened, open_once, process_bundle, reporting
from intake.model import ParsedMail
from intake.rawstore import RawStore
from review_queue import store
from review_queue.imap_ledger import SqlTakenLedger
from schemas.settings import settings
from schemas.vocabulary import DELIVERY_KO, DONE_BUNDLE_STATES
from schemas.submission import Submission

log = logging.getLogger(__name__)
RECEIPT_SUFFIX = ".receipt.json"  # beside a USB copy: {"received_at": "2025-09-23T11:30+09:00", "channel": "post"}


@dataclass
class IngestReport:
    processed: list[str] = field(default_factory=list)  # bundle ids
    skipped: list[str] = field(default_factory=list)  # already processed before
    failed: dict[str, str] = field(default_factory=dict)  # path -> reason (English)
    submissions: dict[str, Submission] = field(default_factory=dict, repr=False)  # entry name -> its submission

    def as_dict(self) -> dict:
        return {"processed": self.processed, "skipped": self.skipped, "failed": self.failed}


def _slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "bundle"


def _receipt(entry: Path) -> dict:
    sidecar = entry.with_name(entry.name + RECEIPT_SUFFIX)
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}


def receipt_time(entry: Path) -> datetime | None:
    """The receipt time the clerk recorded beside a USB copy, if any."""
    when = _receipt(entry).get("received_at")
    return datetime.fromisoformat(when) if when else None


def receipt_delivery(entry: Path) -> str | None:
    """How the clerk recorded the USB copy arrived (post, hand), if the receipt says so in the vocabulary's words."""
    try:
        delivery = _receipt(entry).get("channel")
    except (OSError, ValueError) as exc:
        log.warning("receipt beside %s unreadable: %s", entry, exc)
        return None
    if delivery is not None and delivery not in DELIVERY_KO:
        log.warning("receipt beside %s names an unknown delivery %r; ignored", entry, delivery)
        return None
    return delivery


@task(cache_policy=NO_CACHE)
def already_processed(entry: Path, database_url: str | None, store_root: Path | None = None) -> str | None:
    """The bundle id when this entry was processed before, else None."""
    bundle_id = open_once(entry, store_root).id  # kept for process_bundle: the bundle is read once
    states = {b["id"]: b["state"] for b in store.list_bundles(database_url)}
    if states.get(bundle_id) in DONE_BUNDLE_STATES:
        forget_opened(entry)  # no run will take it: its spooled files go now
        return bundle_id
    return None


def process_entries(entries: list[tuple[Path, datetime | None]], out_root: Path, database_url: str | None,
                    store_root: Path | None, on_entry: Callable[[Path, bool], None] | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> IngestReport:
    """The one ingest loop (drop folder, mailbox, ``intake ingest``): each bundle not processed before, in order.

    ``on_entry(entry, done)`` is called before (``done`` False) and after (True) each entry, for progress;
    ``progress`` is handed to ``process_bundle`` for the stages within one bundle.
    """
    report = IngestReport()
    out_names = _out_names([entry for entry, _ in entries])
    for entry, received_at in entries:
        if on_entry:
            on_entry(entry, False)
        try:
            done = already_processed(entry, database_url, store_root)
            if done:
                report.skipped.append(done)
            else:
                with reporting(progress):
                    state = process_bundle(entry, out_root / out_names[entry], received_at, database_url, store_root,
                                           receipt_delivery(entry), return_state=True)
                if state.is_completed():
                    submission = state.result()
                    report.processed.append(submission.bundle.id)
                    report.submissions[entry.name] = submission
                else:  # one broken bundle must not stop the others
                    report.failed[str(entry)] = state.message or state.name
                    log.error("bundle %s failed: %s", entry, state.message)
                    _note_failed(entry, report.failed[str(entry)], database_url)
        except Exception as exc:  # not even opened (gone, unreadable): the others still go on
            report.failed[str(entry)] = f"{type(exc).__name__}: {exc}"
            log.exception("bundle %s could not be taken in", entry)
            _note_failed(entry, report.failed[str(entry)], database_url)
        if on_entry:
            on_entry(entry, True)
    return report


def _out_names(entries: list[Path]) -> dict[Path, str]:
    """The output folder per entry: its name without the suffix, unless two entries share that (a folder `x` and
    `x.zip`, or `x.zip` and `x.7z`): then each of those keeps its whole name, so no result overwrites another."""
    stems: dict[str, int] = {}
    for entry in entries:
        stems[_slug(entry.stem)] = stems.get(_slug(entry.stem), 0) + 1
    return {e: _slug(e.stem) if stems[_slug(e.stem)] == 1 else _slug(e.name) for e in entries}


def _note_failed(entry: Path, reason: str, database_url: str | None) -> None:
    """Make a failure visible in ``intake status``: the bundle's row marked failed, or, when the entry never became
    a bundle (gone, unreadable), a row of its own keyed by its path."""
    try:
        known = [b for b in store.list_bundles(database_url) if b["source_path"] == str(entry)]
        bundle_id = known[-1]["id"] if known else "entry-" + hashlib.sha256(str(entry).encode()).hexdigest()[:16]
        if not known:
            store.record_bundle(bundle_id, channel="folder", source_path=str(entry), sender=None, subject=None,
                                received_at=None, file_count=0, url=database_url)
        store.set_bundle_state(bundle_id, "failed", reason[:2000], url=database_url)
    except Exception:  # the store itself is down: the report and the log still say it
        log.exception("could not record the failure of %s", entry)


def drop_entries(drop: Path) -> list[tuple[Path, datetime | None]]:
    """The bundles in a drop folder with the receipt time recorded beside each."""
    return [(p, receipt_time(p)) for p in sorted(Path(drop).iterdir())
            if not p.name.startswith(".") and not p.name.endswith(RECEIPT_SUFFIX)]


@flow(name="ingest_folder")
def ingest_folder(drop: Path, out_root: Path = Path("out"), database_url: str | None = None,
                  store_root: Path | None = None) -> dict:
    """Every USB copy in ``drop`` (a folder, a .zip/.7z, or an .eml/.msg per bundle)."""
    return process_entries(drop_entries(drop), Path(out_root), database_url, store_root).as_dict()


@flow(name="ingest_mailbox")
def ingest_mailbox(imap_url: str, out_root: Path = Path("out"), database_url: str | None = None,
                   store_root: Path | None = None, limit: int | None = None) -> dict:
    """Take new messages from the mailbox (never twice, none missed), keep each raw, and process it."""
    from intake.imap import poll_mailbox

    inbox = (Path(store_root).parent / "incoming" if store_root else settings().incoming_dir) / "mail"
    inbox.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def keep(mail: ParsedMail, raw: bytes, uid: int) -> None:
        sha, _ = RawStore(store_root).put(raw)  # the message itself, byte for byte, before anything else
        path = inbox / f"{sha}.eml"
        if not path.exists():
            path.write_bytes(raw)
        taken.append(path)

    result = poll_mailbox(imap_url, SqlTakenLedger(database_url), store=keep, limit=limit)
    report = process_entries([(p, None) for p in taken], Path(out_root), database_url, store_root)
    log.info("mailbox %s: %d taken, %d duplicates", result.mailbox, len(result.taken), len(result.duplicates))
    return {**report.as_dict(), "taken_uids": result.taken, "duplicate_uids": result.duplicates,
            "polled_at": datetime.now(timezone.utc).isoformat()}
