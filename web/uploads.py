"""The intake desk's uploads: saved under the store's incoming folder, then processed in the background.

A browser upload is saved byte for byte (never executed: files get no execute bit) under
``<store>/../incoming/web/<upload>/``: a single .zip/.7z/.eml/.msg as that file, anything else (several
files, a folder) as a folder ``bundle/`` keeping the relative paths. Beside it a ``.receipt.json`` records
the channel and the receipt time the clerk entered, as in a drop folder. A worker thread then runs the
processor the app was handed (``intake serve`` hands it the ``process_bundle`` flow), one upload at a time; the bundle's
state (received/processing/processed/failed) is what the flow records in the store.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import secrets
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_queue.database import engine_for, now_utc
from review_queue.records import BundleRecord, SubmissionRecord
from review_queue.web_tables import WebUpload
from schemas.vocabulary import DELIVERIES
from web.config import Settings
from web.timefmt import KST, aware

log = logging.getLogger(__name__)

CONTAINER_SUFFIXES = (".zip", ".7z", ".eml", ".msg")
MAIL_SUFFIXES = (".eml", ".msg")
CHUNK = 1024 * 1024
MAX_PART = 180  # characters per path component
UPLOAD_STATE_KO = {"queued": "대기 중", "processing": "처리 중", "processed": "처리 완료", "failed": "실패"}
BUNDLE_STATE_KO = {"received": "원본 보관 완료", "processing": "추출·검사 중", "processed": "처리 완료", "failed": "실패"}


class UploadError(ValueError):
    """A refused upload (Korean message for the clerk)."""


@dataclass
class Incoming:
    """One uploaded file as the browser named it (a folder upload names it with its relative path)."""

    name: str
    stream: BinaryIO


def safe_relative(name: str) -> str:
    """The browser's file name as a relative path that stays inside the upload folder."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    parts = []
    for part in PurePosixPath(name).parts:
        part = re.sub(r"[\x00-\x1f\x7f]", "", part).strip()
        if part in ("", ".", "..", "/"):
            continue
        parts.append(part[:MAX_PART])
    return "/".join(parts) or "unnamed"


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
    raise UploadError("같은 이름의 파일이 너무 많습니다")


def _copy(stream: BinaryIO, target: Path, budget: int) -> int:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)  # never executable
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            written += len(chunk)
            if written > budget:
                raise UploadError("올린 파일이 허용 크기를 넘습니다")
            out.write(chunk)
    return written


def save_upload(settings: Settings, files: list[Incoming], *, delivery: str, received_at: datetime | None,
                user_name: str) -> int:
    """Save the files and note the upload (state ``queued``); returns its id."""
    files = [f for f in files if f.name]
    if not files:
        raise UploadError("올릴 파일을 고르십시오")
    names = [safe_relative(f.name) for f in files]
    single = len(files) == 1 and "/" not in names[0] and names[0].lower().endswith(CONTAINER_SUFFIXES)
    is_mail = single and names[0].lower().endswith(MAIL_SUFFIXES)
    if is_mail:
        delivery, received_at = "email", None  # a message carries its own Date
    elif delivery not in DELIVERIES or delivery == "email":
        raise UploadError("전자우편(.eml/.msg)이 아닌 접수는 접수 경로(우편 또는 방문)를 고르십시오")
    elif received_at is None:
        raise UploadError("우편·방문 접수는 접수 일시를 입력하십시오")
    settings.incoming.mkdir(parents=True, exist_ok=True, mode=0o750)
    folder = settings.incoming / f"{datetime.now(KST):%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o750)
    try:
        budget, saved = settings.upload_max_bytes, []
        entry = folder / names[0] if single else folder / "bundle"
        for incoming, name in zip(files, names):
            target = _unique(entry if single else entry / name)
            written = _copy(incoming.stream, target, budget)
            budget -= written
            saved.append((target.relative_to(folder).as_posix(), written))
        receipt = {"received_at": received_at.isoformat() if received_at else None, "channel": delivery,
                   "uploaded_by": user_name, "files": [name for name, _ in saved]}
        entry.with_name(entry.name + ".receipt.json").write_text(json.dumps(receipt, ensure_ascii=False, indent=2),
                                                                 encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    with Session(engine_for(settings.database_url)) as session, session.begin():
        row = WebUpload(created_by=user_name, created_at=now_utc(), delivery=delivery,
                        # in UTC: SQLite keeps no offset
                        received_at=received_at.astimezone(timezone.utc) if received_at else None,
                        entry=str(entry), file_names=[name for name, _ in saved],
                        total_bytes=sum(size for _, size in saved), state="queued")
        session.add(row)
        session.flush()
        return row.id


class UploadWorker:
    """One background thread taking saved uploads in order."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.database_url
        self.processor = settings.processor
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with Session(engine_for(self.url)) as session:  # interrupted by a restart: taken again
            pending = session.scalars(select(WebUpload.id).where(WebUpload.state.in_(("queued", "processing")))
                                      .order_by(WebUpload.id)).all()
        for upload_id in pending:
            self._queue.put(upload_id)
        self._thread = threading.Thread(target=self._run, name="intake-upload-worker", daemon=True)
        self._thread.start()

    def submit(self, upload_id: int) -> None:
        self._queue.put(upload_id)

    def stop(self, timeout: float = 5) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while (upload_id := self._queue.get()) is not None:
            try:
                self.process(upload_id)
            except Exception:  # never let one upload stop the worker
                log.exception("upload %s", upload_id)

    def _update(self, upload_id: int, **fields) -> None:
        with Session(engine_for(self.url)) as session, session.begin():
            row = session.get(WebUpload, upload_id)
            for key, value in fields.items():
                setattr(row, key, value)

    def process(self, upload_id: int) -> None:
        from intake.bundles import open_bundle_bounded

        with Session(engine_for(self.url)) as session:
            row = session.get(WebUpload, upload_id)
            if row is None or row.state not in ("queued", "processing"):
                return
            entry, received_at = Path(row.entry), aware(row.received_at) if row.received_at else None
        self._update(upload_id, state="processing", started_at=now_utc(), detail=None)
        try:
            bundle_id = open_bundle_bounded(entry, received_at).id  # a hostile upload is never opened in the web process
            self._update(upload_id, bundle_id=bundle_id)
            self.processor(entry, self.settings.out_root / f"upload-{upload_id}", received_at, self.url,
                           self.settings.store_root)
            with Session(engine_for(self.url)) as session:
                submission_id = session.scalar(select(SubmissionRecord.id)
                                               .where(SubmissionRecord.bundle_id == bundle_id))
            self._update(upload_id, state="processed", submission_id=submission_id, finished_at=now_utc())
        except Exception as exc:
            log.warning("upload %s failed: %s: %s", upload_id, type(exc).__name__, exc)
            self._update(upload_id, state="failed", detail=f"{type(exc).__name__}: {exc}"[:2000], finished_at=now_utc())


def upload_status(url: str, upload_id: int) -> dict | None:
    """The upload's progress with its bundle's state in the store, for the intake desk's polling."""
    with Session(engine_for(url)) as session:
        row = session.get(WebUpload, upload_id)
        if row is None:
            return None
        bundle = session.get(BundleRecord, row.bundle_id) if row.bundle_id else None
        return status_of(row, bundle)


def status_of(row: WebUpload, bundle: BundleRecord | None) -> dict:
    bundle_state = bundle.state if bundle else None
    if row.state == "processed":
        step, label = 4, "처리 완료"
    elif row.state == "failed" or bundle_state == "failed":
        step, label = 4, "실패"
    elif bundle_state in ("processing", "processed"):
        step, label = 3, BUNDLE_STATE_KO["processing"]
    elif bundle_state == "received":
        step, label = 2, BUNDLE_STATE_KO["received"]
    elif row.state == "processing":
        step, label = 1, "번들 여는 중"
    else:
        step, label = 0, UPLOAD_STATE_KO["queued"]
    return {"id": row.id, "state": row.state, "state_ko": UPLOAD_STATE_KO.get(row.state, row.state),
            "bundle_id": row.bundle_id, "bundle_state": bundle_state,
            "bundle_detail": bundle.state_detail if bundle else None, "detail": row.detail,
            "submission_id": row.submission_id, "step": step, "step_ko": label,
            "done": row.state in ("processed", "failed")}


def recent_uploads(url: str, limit: int = 30) -> list[tuple[WebUpload, dict]]:
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(WebUpload).order_by(WebUpload.id.desc()).limit(limit)).all()
        bundles = {b.id: b for b in session.scalars(select(BundleRecord).where(
            BundleRecord.id.in_([r.bundle_id for r in rows if r.bundle_id])))} if rows else {}
        session.expunge_all()
        return [(r, status_of(r, bundles.get(r.bundle_id))) for r in rows]


def get_upload(url: str, upload_id: int) -> tuple[WebUpload, dict] | None:
    with Session(engine_for(url)) as session:
        row = session.get(WebUpload, upload_id)
        if row is None:
            return None
        bundle = session.get(BundleRecord, row.bundle_id) if row.bundle_id else None
        status = status_of(row, bundle)
        session.expunge(row)
        return row, status
