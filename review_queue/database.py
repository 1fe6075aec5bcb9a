"""The store's database: one declarative ``Base`` for every table, engines migrated by Alembic on first use.

SQLite under ./var by default, PostgreSQL by URL (``Settings.database_url``).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from schemas.settings import settings

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    return settings().database_url


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """Stored in UTC: SQLite keeps no offset, so a KST time would otherwise come back shifted."""
    return value.astimezone(timezone.utc) if value is not None and value.tzinfo else value


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


class Base(DeclarativeBase):
    pass


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
    own = _transactional_sqlite(engine) if engine.dialect.name == "sqlite" else None
    try:
        with (own or engine).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if own is not None:
            own.dispose()


def _transactional_sqlite(engine: Engine) -> Engine:
    """An engine on the same SQLite file whose transactions are real, for migrating.

    The sqlite3 driver runs DDL outside any transaction, so a kill -9 during the first migration left tables
    without Alembic's revision and every later start failed ("table bundles already exists"; bench/faults.py).
    Here BEGIN IMMEDIATE opens each transaction (SQLAlchemy's recipe for pysqlite): the whole upgrade commits or
    none of it does, and two processes migrating at once take turns."""
    from sqlalchemy import event
    from sqlalchemy.pool import NullPool

    own = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(own, "connect")
    def _no_driver_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(own, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return own


