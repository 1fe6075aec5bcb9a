"""Accounts: create, check a password (argon2id), change role or password, deactivate.

Used by ``intake user`` and by the administrator's pages; names are what the review queue records
as the actor, so the queue's reserved name ``pipeline`` cannot be taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.particles import with_particles
from review_queue.database import engine_for, now_utc
from review_queue.web_tables import NAME_LENGTH, WebSession, WebUser
from review_queue.worklist.changes import PIPELINE
from schemas.vocabulary import USER_ROLE_KO, USER_ROLES

MIN_PASSWORD = 10
NAME_PATTERN = re.compile(r"^[\w.\-@]+$")  # letters (Hangul too), digits, _ . - @
_hasher = PasswordHasher()
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    """A refused account change; the message is Korean (shown to the administrator)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str | None
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @classmethod
    def of(cls, row: WebUser) -> "User":
        return cls(row.id, row.name, row.display_name, row.role, row.active, row.created_at, row.last_login_at)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH or not NAME_PATTERN.match(name):
        raise AccountError("사용자 이름은 1~100자의 글자·숫자·_ . - @ 로 정하십시오")
    if name == PIPELINE:
        raise AccountError(with_particles(f"'{PIPELINE}'은(는) 자동 처리용 이름이라 쓸 수 없습니다"))
    return name


def check_role(role: str) -> str:
    if role not in USER_ROLES:
        raise AccountError("역할은 " + ", ".join(f"{r}({USER_ROLE_KO.get(r, r)})" for r in USER_ROLES) + " 중 하나입니다")
    return role


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다")
    return password


def create_user(name: str, role: str, password: str, *, display_name: str | None = None,
                url: str | None = None) -> User:
    name, role, password = check_name(name), check_role(role), check_password(password)
    row = WebUser(name=name, role=role, display_name=(display_name or "").strip() or None,
                  password_hash=_hasher.hash(password), active=True, created_at=now_utc(), updated_at=now_utc())
    try:
        with Session(engine_for(url)) as session, session.begin():
            session.add(row)
            session.flush()
            return User.of(row)
    except IntegrityError:
        raise AccountError(f"'{name}' 사용자가 이미 있습니다") from None


def authenticate(name: str, password: str, url: str | None = None) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    with Session(engine_for(url)) as session, session.begin():
        row = session.scalar(select(WebUser).where(WebUser.name == (name or "").strip()))
        if row is None or not row.active:
            try:
                _hasher.verify(_DUMMY_HASH, password or "")
            except VerificationError:
                pass
            return None
        try:
            _hasher.verify(row.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        row.last_login_at = now_utc()
        session.flush()
        return User.of(row)


def list_users(url: str | None = None, *, role: str | None = None, active_only: bool = False) -> list[User]:
    query = select(WebUser).order_by(WebUser.name)
    if role:
        query = query.where(WebUser.role == role)
    if active_only:
        query = query.where(WebUser.active.is_(True))
    with Session(engine_for(url)) as session:
        return [User.of(r) for r in session.scalars(query)]


def get_user(user_id: int, url: str | None = None) -> User | None:
    with Session(engine_for(url)) as session:
        row = session.get(WebUser, user_id)
        return User.of(row) if row else None


def _change(user_id: int, url: str | None, end_sessions: bool, **fields) -> User:
    with Session(engine_for(url)) as session, session.begin():
        row = session.get(WebUser, user_id)
        if row is None:
            raise AccountError("그런 사용자가 없습니다")
        for key, value in fields.items():
            setattr(row, key, value)
        row.updated_at = now_utc()
        if end_sessions:
            session.execute(delete(WebSession).where(WebSession.user_id == user_id))
        session.flush()
        return User.of(row)


def set_password(user_id: int, password: str, url: str | None = None) -> User:
    """A new password; every sign-in of the account ends."""
    return _change(user_id, url, True, password_hash=_hasher.hash(check_password(password)))


def set_role(user_id: int, role: str, url: str | None = None) -> User:
    return _change(user_id, url, True, role=check_role(role))


def set_active(user_id: int, active: bool, url: str | None = None) -> User:
    return _change(user_id, url, not active, active=active)


def user_by_name(name: str, url: str | None = None) -> User | None:
    with Session(engine_for(url)) as session:
        row = session.scalar(select(WebUser).where(WebUser.name == name))
        return User.of(row) if row else None
