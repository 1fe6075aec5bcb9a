"""Persistence of bundles and submissions (with versions); their findings live in the review queue.

SQLite under ./var by default, PostgreSQL by URL. The schema is managed by Alembic
(review_queue/migrations); ``engine_for`` brings a database up to date on first use. The review
queue's tables (``review_queue/queue/models.py``) share this ``Base``; ``record_submission``
reconciles a submission's findings with its queue items.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from schemas.submission import Submission

DEFAULT_DB_PATH = Path("var") / "intake.db"
MIGRATIONS = Path(__file__).parent / "migrations"
BUNDLE_STATES = ("received", "processing", "processed", "failed")


def default_url() -> str:
    return os.environ.get("INTAKE_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime | None) -> datetime | None:
    """Stored in UTC: SQLite keeps no offset, so a KST time would otherwise come back shifted."""
    return value.astimezone(timezone.utc) if value is not None and value.tzinfo else value


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


class Base(DeclarativeBase):
    pass


class BundleRecord(Base):
    """A bundle as received: where from, when, and how far processing got."""

    __tablename__ = "bundles"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    source_path: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="received")
    state_detail: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class SubmissionRecord(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(128), unique=True, index=True)
    programme: Mapped[str | None] = mapped_column(String(32))
    applicant_name: Mapped[str | None] = mapped_column(String(200))
    applicant_key: Mapped[str | None] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record: Mapped[dict] = mapped_column(JSON)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str | None = None) -> Engine:
    """An engine for ``url`` with the schema migrated to the newest revision (once per process)."""
    url = url or default_url()
    with _engines_lock:
        if url not in _engines:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
            migrate(engine)
            _engines[url] = engine
        return _engines[url]


def migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def applicant_key(submission: Submission) -> str | None:
    """Who a submission is from, across versions: the registration number, else the name, per programme."""
    applicant = submission.applicant
    who = re.sub(r"\D", "", applicant.registration_no or "") or re.sub(r"\s+", "", applicant.name or "")
    return f"{submission.programme}:{who}" if who and submission.programme else None


def record_bundle(bundle_id: str, *, channel: str, source_path: str | None, sender: str | None, subject: str | None,
                  received_at: datetime | None, file_count: int, url: str | None = None) -> bool:
    """Note a received bundle; returns False when it was known already (re-ingesting changes nothing)."""
    with Session(engine_for(url)) as session, session.begin():
        if session.get(BundleRecord, bundle_id) is not None:
            return False
        session.add(BundleRecord(id=bundle_id, channel=channel, source_path=source_path, sender=sender, subject=subject,
                                 received_at=_utc(received_at), file_count=file_count))
        return True


def set_bundle_state(bundle_id: str, state: str, detail: str | None = None, url: str | None = None) -> None:
    if state not in BUNDLE_STATES:
        raise ValueError(f"unknown bundle state {state!r}")
    with Session(engine_for(url)) as session, session.begin():
        row = session.get(BundleRecord, bundle_id)
        if row is not None:
            row.state, row.state_detail = state, detail


def record_submission(submission: Submission, url: str | None = None) -> int:
    """Insert or refresh a bundle's submission and reconcile its findings with its review items; returns its id.

    Re-processing the same bundle keeps the review items of problems found again (and the reviewers'
    decisions on them), closes those no longer found and opens new ones (``review_queue.queue.reconcile``).
    A bundle from an applicant who submitted before becomes the next version, with its own items;
    earlier versions are superseded.
    """
    from review_queue.queue.reconcile import reconcile

    with Session(engine_for(url)) as session, session.begin():
        row = session.scalar(select(SubmissionRecord).where(SubmissionRecord.bundle_id == submission.bundle.id)
                             .with_for_update())
        key = applicant_key(submission)
        if row is None:
            earlier = session.scalars(select(SubmissionRecord).where(SubmissionRecord.applicant_key == key)
                                      .order_by(SubmissionRecord.version)).all() if key else []
            row = SubmissionRecord(bundle_id=submission.bundle.id, version=earlier[-1].version + 1 if earlier else 1)
            session.add(row)
        row.programme = submission.programme
        row.applicant_name = submission.applicant.name
        row.applicant_key = key
        row.channel = submission.bundle.channel
        row.received_at = _utc(submission.bundle.received_at)
        row.processed_at = _now()
        row.record = submission.model_dump(mode="json")
        session.flush()
        if key:
            for older in session.scalars(select(SubmissionRecord).where(
                    SubmissionRecord.applicant_key == key, SubmissionRecord.version < row.version)):
                older.superseded_by = row.id
        reconcile(session, row.id, submission.findings)
        return row.id


def list_submissions(url: str | None = None) -> list[dict]:
    """Submissions with their versions; ``open_findings`` counts review items still needing attention."""
    from review_queue.queue.models import OPEN_STATES, QueueItem

    with Session(engine_for(url)) as session:
        rows = session.scalars(select(SubmissionRecord).order_by(SubmissionRecord.id)).all()
        open_items = dict(session.execute(select(QueueItem.submission_id, func.count())
                                          .where(QueueItem.state.in_(OPEN_STATES)).group_by(QueueItem.submission_id)).all())
        return [{"id": r.id, "bundle_id": r.bundle_id, "programme": r.programme, "applicant": r.applicant_name,
                 "version": r.version, "superseded_by": r.superseded_by, "channel": r.channel,
                 "received_at": _iso(r.received_at),
                 "open_findings": open_items.get(r.id, 0)} for r in rows]


def list_bundles(url: str | None = None) -> list[dict]:
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(BundleRecord).order_by(BundleRecord.stored_at)).all()
        return [{"id": r.id, "channel": r.channel, "sender": r.sender, "source_path": r.source_path,
                 "received_at": _iso(r.received_at), "files": r.file_count,
                 "state": r.state, "detail": r.state_detail} for r in rows]


import review_queue.queue.models  # noqa: E402,F401  (the review queue's tables share Base.metadata)
