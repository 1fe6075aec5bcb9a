"""The per-submission record for the scoring step: the reviewers' view of a submission, versioned and validated.

The record is ``review_queue.worklist.effective_record`` (corrections applied, extracted values kept)
plus every review item, open and closed, and is valid against ``schemas/export.schema.json``
(generated from the models below by ``intake schema``; a test keeps them in step).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from review_queue import worklist
from schemas.submission import IndicatorValue, Scalar, Submission

EXPORT_VERSION = "1.1.0"
EXPORT_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "export.schema.json"


class ExportIndicator(IndicatorValue):
    original_value: Scalar = None  # the extracted value, when a reviewer corrected ``value``
    original_components: dict[str, Scalar] = {}
    corrected_by: str | None = None
    corrected_at: datetime | None = None
    correction_note: str | None = None


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    rule: str
    severity: str
    indicator: str | None = None
    state: str
    message_ko: str
    source: dict | None = None
    detected: bool
    assignee: str | None = None
    resolution_note: str | None = None
    supplement_note: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None


class AppliedCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: str
    component: str | None = None
    value: Any = None
    original_value: Any = None
    corrected_by: str
    corrected_at: datetime
    note: str | None = None


class ExportRecord(Submission):
    export_version: str = EXPORT_VERSION
    exported_at: datetime
    submission_id: int
    version: int
    superseded_by: int | None = None
    indicators: dict[str, ExportIndicator] = {}
    corrections: list[AppliedCorrection] = []
    review_items: list[ReviewItem] = []


def export_schema() -> dict:
    schema = ExportRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:smartcity-intake:export:{EXPORT_VERSION}"
    schema["title"] = "Submission record for scoring (심사용 제출 기록)"
    return schema


def write_export_schema(path: Path = EXPORT_SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


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
    return {name: data.get(name) for name in ReviewItem.model_fields if name in data}
