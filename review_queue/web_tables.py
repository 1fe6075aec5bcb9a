"""The web app's tables: accounts, sign-in sessions, browser uploads and issued supplement letters.

Declared on ``review_queue.database.Base`` so the store's Alembic migrations (revision 0004) cover them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from review_queue.database import Base, now_utc

NAME_LENGTH = 100  # the same as the review queue's actor names
UPLOAD_STATES = ("queued", "processing", "processed", "failed")


class WebUser(Base):
    """An account; ``name`` is what the review queue records as the actor."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser. ``id`` is the SHA-256 of the token in the signed cookie (the token itself is not kept)."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebUpload(Base):
    """A bundle a clerk uploaded in the browser: saved under the store's incoming folder, processed in the background."""

    __tablename__ = "web_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    delivery: Mapped[str] = mapped_column(String(16))  # email | post | hand
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    entry: Mapped[str] = mapped_column(Text)  # the saved file or folder handed to process_bundle
    file_names: Mapped[list] = mapped_column(JSON)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    bundle_id: Mapped[str | None] = mapped_column(String(128), index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    detail: Mapped[str | None] = mapped_column(Text)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupplementLetter(Base):
    """A 보완요구서 as issued: the items it listed and both files, kept as they were sent."""

    __tablename__ = "supplement_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    deadline: Mapped[date] = mapped_column(Date)
    item_ids: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
