"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import review_queue.imap_ledger  # noqa: F401  (registers imap_taken)
from review_queue.database import Base, engine_for


def test_migrated_database_matches_models(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], "add an Alembic revision for the model change (see review_queue/migrations)"
