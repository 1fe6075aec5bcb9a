"""The per-submission record for the scoring step: the reviewers' view of a submission, versioned and validated.

The record is ``review_queue.worklist.effective_record`` (corrections applied, extracted values kept)
plus every review item, open and closed, and is valid against ``schemas/export.schema.json``
(the models are the contract in ``schemas.export``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from review_queue import worklist
from schemas.export import ExportRecord, ReviewItem


def export_record(submission: int | str, url: str | None = None) -> dict:
    """The record as JSON-ready data, validated by the export model."""
    record = worklist.effective_record(submission, url=url)
    review = record.pop("review")
    items = worklist.list_items(submission=review["submission_id"], include_superseded=True, limit=100_000, url=url)
    record.update(exported_at=datetime.now(timezone.utc), submission_id=review["submission_id"],
                  version=review["version"], superseded_by=review["superseded_by"],
                  review_items=[_review_item(item) for item in items])
    return ExportRecord.model_validate(record).model_dump(mode="json")


def _review_item(item: worklist.Item) -> dict:
    """The fields of a review item that the scoring step receives (``ReviewItem``), not the queue's display ones."""
    data = item.model_dump(mode="json")
    return {name: data[name] for name in ReviewItem.model_fields if name in data}
