"""The IMAP poller's memory (``intake.imap.TakenLedger``) as the table ``imap_taken`` in the store's database."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from review_queue.database import Base, engine_for


class ImapTaken(Base):
    """One message taken from a mailbox (or recognised by its SHA-256 as taken before a rebuild)."""

    __tablename__ = "imap_taken"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(512))  # host/user/folder
    uidvalidity: Mapped[int] = mapped_column(BigInteger)  # IMAP: 32-bit unsigned
    uid: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored: Mapped[bool] = mapped_column(Boolean)  # False: already taken under an earlier UIDVALIDITY, store not called
    message_id: Mapped[str | None] = mapped_column(Text)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_imap_taken_uid"),
        Index("ix_imap_taken_sha256", "mailbox", "sha256"),
    )


class SqlTakenLedger:
    """``intake.imap.TakenLedger`` over the store's database (migrated by Alembic, imap_taken included)."""

    def __init__(self, url: str | None = None) -> None:
        self.engine = engine_for(url)

    def last_uidvalidity(self, mailbox: str) -> int | None:
        with Session(self.engine) as session:
            return session.scalar(select(ImapTaken.uidvalidity).where(ImapTaken.mailbox == mailbox)
                                  .order_by(ImapTaken.id.desc()).limit(1))

    def highest_uid(self, mailbox: str, uidvalidity: int) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.max(ImapTaken.uid)).where(
                ImapTaken.mailbox == mailbox, ImapTaken.uidvalidity == uidvalidity)) or 0

    def taken_before(self, mailbox: str, sha256: str) -> tuple[int, int] | None:
        with Session(self.engine) as session:
            row = session.execute(select(ImapTaken.uidvalidity, ImapTaken.uid).where(
                ImapTaken.mailbox == mailbox, ImapTaken.sha256 == sha256).order_by(ImapTaken.id).limit(1)).first()
        return (row.uidvalidity, row.uid) if row else None

    def record(self, mailbox: str, uidvalidity: int, uid: int, sha256: str, stored: bool,
               message_id: str | None) -> bool:
        try:
            with Session(self.engine) as session, session.begin():
                session.add(ImapTaken(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha256, stored=stored,
                                      message_id=message_id, taken_at=datetime.now(timezone.utc)))
            return True
        except IntegrityError:
            return False
