"""Alembic environment: migrations run programmatically from review_queue.store.engine_for."""

from __future__ import annotations

from alembic import context

import review_queue.imap_ledger  # noqa: F401  (the IMAP poller's imap_taken table)
import review_queue.web_tables  # noqa: F401  (the web app's accounts, sessions, uploads and letters)
from review_queue.database import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
