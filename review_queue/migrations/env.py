"""Alembic environment: migrations run programmatically from review_queue.store.engine_for."""

from __future__ import annotations

from alembic import context

import intake.imap  # noqa: F401  (its imap_taken table shares the store's metadata)
import review_queue.web.models  # noqa: F401  (the web app's accounts, sessions, uploads and letters)
from review_queue.store import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
