"""The review queue's tables: one item per finding, its comments, the audit trail, and corrected values.

Declared on ``review_queue.database.Base`` so the store's Alembic migrations cover them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from review_queue.database import Base, now_utc

ACTOR_LENGTH = 100


class QueueItem(Base):
    """One problem of one submission, kept across re-processing by its identity (see ``identity.py``)."""

    __tablename__ = "queue_items"
    __table_args__ = (UniqueConstraint("submission_id", "identity", name="uq_queue_items_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    identity: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64), index=True)
    indicator: Mapped[str | None] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), default="open", index=True)
    message_ko: Mapped[str] = mapped_column(Text)
    source: Mapped[dict | None] = mapped_column(JSON)
    params: Mapped[dict | None] = mapped_column(JSON)
    detected: Mapped[bool] = mapped_column(Boolean, default=True)  # found by the latest processing run
    assignee: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH), index=True)
    resolution_note: Mapped[str | None] = mapped_column(Text)  # why it was resolved or waived
    supplement_note: Mapped[str | None] = mapped_column(Text)  # what the applicant was asked to supply
    closed_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class QueueComment(Base):
    __tablename__ = "queue_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class QueueAudit(Base):
    """One changed field: of an item (``item_id``), or a corrected value (``item_id`` empty, field ``value:…``)."""

    __tablename__ = "queue_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    field: Mapped[str] = mapped_column(String(96))
    before: Mapped[object | None] = mapped_column(JSON)
    after: Mapped[object | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


class ValueCorrection(Base):
    """A reviewer's value for an indicator (or one of its lettered components); the latest one counts.

    Rows are only ever added: a later correction or a withdrawal (``withdrawn``) supersedes earlier ones.
    """

    __tablename__ = "value_corrections"
    __table_args__ = (Index("ix_value_corrections_target", "submission_id", "indicator", "component"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(32))
    component: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[object | None] = mapped_column(JSON)
    original_value: Mapped[object | None] = mapped_column(JSON)  # as extracted when the correction was made
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
