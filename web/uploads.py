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

from checks.submission import NOT_SUBMISSION_RULES
from review_queue.database import engine_for, now_utc
from review_queue.records import BundleRecord, SubmissionRecord
from review_queue.web_tables import WebUpload
from schemas.vocabulary import BUNDLE_STATE_KO, DELIVERIES
from web.config import Settings
from web.timefmt import KST, aware

log = logging.getLogger(__name__)

CONTAINER_SUFFIXES = (".zip", ".7z", ".eml", ".msg")
MAIL_SUFFIXES = (".eml", ".msg")
CHUNK = 1024 * 1024
MAX_PART = 180  # characters per path component
UPLOAD_STATE_KO = {"queued": "대기 중", "processing": "처리 중", "processed": "처리 완료", "failed": "실패",
                   "not_submission": BUNDLE_STATE_KO["not_submission"]}


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
        from intake.spool import discard as discard_spool

        with Session(engine_for(self.url)) as session:
            row = session.get(WebUpload, upload_id)
            if row is None or row.state not in ("queued", "processing"):
                return
            entry, received_at = Path(row.entry), aware(row.received_at) if row.received_at else None
        self._update(upload_id, state="processing", started_at=now_utc(), detail=None)
        try:
            # a hostile upload is never opened in the web process; its files come back spooled, not in memory
            opened = open_bundle_bounded(entry, received_at, self.settings.store_root)
            bundle_id = opened.id
            discard_spool(opened)  # the flow opens it again for itself
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
        return status_of(row, bundle, _outcome(session, row))


STEPS_KO = ("대기", "번들 열기", "원본 보관", "파일 추출", "매핑·검사", "완료")
EXTRACTING = re.compile(r"^extracting (\d+)/(\d+)$")  # the flow's stage while extracting (flows.process._stage_in_store)


def _outcome(session: Session, row: WebUpload) -> dict | None:
    """What processing found, for the clerk: documents, blockers and cached extractions, from the stored record."""
    if row.submission_id is None:
        return None
    record = session.get(SubmissionRecord, row.submission_id)
    data = (record.record or {}) if record is not None else {}
    bundle = data.get("bundle") or {}
    findings = data.get("findings") or []
    return {"documents": len(bundle.get("files") or []), "cached": bundle.get("extraction_cached", 0),
            "blockers": sum(f.get("severity") == "blocker" for f in findings),
            "not_submission": next((f.get("message_ko") for f in findings if f.get("rule") in NOT_SUBMISSION_RULES), None)}


def _stage_of(bundle: BundleRecord | None) -> tuple[int, str, str]:
    """Step, label and Korean detail of a bundle the flow is working on."""
    detail = (bundle.state_detail or "") if bundle else ""
    if bundle is None or bundle.state == "received" or detail == "storing":
        return 2, "원본 보관 중", ""
    if match := EXTRACTING.match(detail):
        done, total = int(match.group(1)), int(match.group(2))
        return 3, f"파일 추출 중 ({done}/{total})", f"파일 {total}개 중 {done}개 추출 완료"
    if detail == "recording":
        return 4, "결과 기록 중", "매핑·검사를 마치고 제출 기록과 검토 항목을 저장하고 있습니다"
    if detail == "assessing":
        return 4, "매핑·검사 중", "지표 값을 찾아 프로그램 양식에 맞추고 규칙을 검사하고 있습니다"
    return 3, "파일 추출 중", ""


def status_of(row: WebUpload, bundle: BundleRecord | None, outcome: dict | None = None) -> dict:
    bundle_state = bundle.state if bundle else None
    detail_ko = ""
    state = row.state
    if row.state == "processed" and (bundle_state == "not_submission" or (outcome or {}).get("not_submission")):
        # processed to the end, but nothing in it is a submission: said so, not shown as a done submission
        state = "not_submission"
        step, label = 5, UPLOAD_STATE_KO[state]
        detail_ko = (outcome or {}).get("not_submission") or ""
    elif row.state == "processed":
        step, label = 5, "처리 완료"
        if outcome:
            detail_ko = (f"서류 {outcome['documents']}건 처리 · 차단 발견사항 {outcome['blockers']}건"
                         + (f" · 이전에 추출한 파일 {outcome['cached']}건 재사용" if outcome["cached"] else ""))
    elif row.state == "failed" or bundle_state == "failed":
        step, label = 5, "실패"
        detail_ko = "처리하지 못했습니다. 운영자가 서버 기록에서 원인을 확인합니다."
    elif row.state == "processing" and row.bundle_id is None:
        step, label = 1, "번들 여는 중"
        detail_ko = f"올린 파일 {len(row.file_names or [])}개를 여는 중입니다"
    elif row.state == "processing":
        step, label, detail_ko = _stage_of(bundle)
    else:
        step, label = 0, UPLOAD_STATE_KO["queued"]
    return {"id": row.id, "state": state, "state_ko": UPLOAD_STATE_KO.get(state, state),
            "bundle_id": row.bundle_id, "bundle_state": bundle_state, "detail_ko": detail_ko,
            "submission_id": row.submission_id, "step": step, "step_ko": label, "steps": len(STEPS_KO),
            "done": row.state in ("processed", "failed")}


def recent_uploads(url: str, limit: int = 30) -> list[tuple[WebUpload, dict]]:
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(WebUpload).order_by(WebUpload.id.desc()).limit(limit)).all()
        bundles = {b.id: b for b in session.scalars(select(BundleRecord).where(
            BundleRecord.id.in_([r.bundle_id for r in rows if r.bundle_id])))} if rows else {}
        session.expunge_all()
        return [(r, status_of(r, bundles.get(r.bundle_id), _outcome(session, r))) for r in rows]


def get_upload(url: str, upload_id: int) -> tuple[WebUpload, dict] | None:
    with Session(engine_for(url)) as session:
        row = session.get(WebUpload, upload_id)
        if row is None:
            return None
        bundle = session.get(BundleRecord, row.bundle_id) if row.bundle_id else None
        status = status_of(row, bundle, _outcome(session, row))
        session.expunge(row)
        return row, status
