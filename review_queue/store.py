"""Persistence of submissions and their findings (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from schemas.submission import Submission

DEFAULT_DB_PATH = Path("var") / "intake.db"


def default_url() -> str:
    return os.environ.get("INTAKE_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


class Base(DeclarativeBase):
    pass


class SubmissionRecord(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(128), unique=True, index=True)
    programme: Mapped[str | None] = mapped_column(String(32))
    applicant_name: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record: Mapped[dict] = mapped_column(JSON)
    findings: Mapped[list["FindingRecord"]] = relationship(back_populates="submission", cascade="all, delete-orphan")


class FindingRecord(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    indicator: Mapped[str | None] = mapped_column(String(32))
    message_ko: Mapped[str] = mapped_column(Text)
    source: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="open")
    submission: Mapped[SubmissionRecord] = relationship(back_populates="findings")


def engine_for(url: str | None = None) -> Engine:
    url = url or default_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    return engine


def record_submission(submission: Submission, url: str | None = None) -> int:
    """Insert or refresh a bundle's submission and its findings; returns the submission id.

    Re-processing the same bundle replaces its findings rather than adding duplicates.
    """
    engine = engine_for(url)
    with Session(engine) as session, session.begin():
        row = session.scalar(select(SubmissionRecord).where(SubmissionRecord.bundle_id == submission.bundle.id))
        if row is None:
            row = SubmissionRecord(bundle_id=submission.bundle.id)
            session.add(row)
        row.programme = submission.programme
        row.applicant_name = submission.applicant.name
        row.channel = submission.bundle.channel
        row.received_at = submission.bundle.received_at
        row.processed_at = datetime.now(timezone.utc)
        row.record = submission.model_dump(mode="json")
        session.flush()
        session.execute(delete(FindingRecord).where(FindingRecord.submission_id == row.id))
        for f in submission.findings:
            session.add(FindingRecord(submission_id=row.id, rule=f.rule, severity=f.severity, indicator=f.indicator,
                                      message_ko=f.message_ko, source=f.source.model_dump(mode="json") if f.source else None))
        session.flush()
        return row.id


def list_submissions(url: str | None = None) -> list[dict]:
    engine = engine_for(url)
    with Session(engine) as session:
        rows = session.scalars(select(SubmissionRecord).order_by(SubmissionRecord.id)).all()
        return [{"id": r.id, "bundle_id": r.bundle_id, "programme": r.programme, "applicant": r.applicant_name,
                 "channel": r.channel, "received_at": r.received_at.isoformat() if r.received_at else None,
                 "open_findings": sum(f.state == "open" for f in r.findings)} for r in rows]
