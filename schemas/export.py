"""The contract of the hand-off to scoring: a submission as the reviewers left it (``ExportRecord``).

``review_queue.worklist.effective_record`` builds a ``ReviewedSubmission`` (corrections applied, extracted
values kept beside them, each finding with its review item's state); ``handoff.export`` adds the review
items and the export's own fields. ``schemas/export.schema.json`` is generated from these models
(``intake schema``) and committed; a test keeps the two in step. Every model forbids undeclared fields.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from schemas.provenance import Provenance
from schemas.submission import Finding, IndicatorValue, QualitativeValue, Scalar, ServiceData, Submission
from schemas.vocabulary import Severity

EXPORT_VERSION = "1.3.0"  # 1.2: the service field totals as written; 1.3: listed items and self-scores with sources
EXPORT_SCHEMA_PATH = Path(__file__).parent / "export.schema.json"


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CorrectionStamp(_Closed):
    """Who corrected a value, when and why (the latest correction in force)."""

    corrected_by: str | None = None
    corrected_at: datetime | None = None
    correction_note: str | None = None


class ReviewedIndicator(IndicatorValue, CorrectionStamp):
    original_value: Scalar = None  # the extracted value, when a reviewer corrected ``value``
    original_components: dict[str, Scalar] = {}


class ReviewedQualitative(QualitativeValue, CorrectionStamp):
    original_value: Scalar = None  # the extracted stage, when a reviewer corrected ``stage``


class ScoreCorrection(CorrectionStamp):
    original_value: Scalar = None


class ReviewedService(ServiceData):
    corrected: dict[str, ScoreCorrection] = {}  # by sub-item key


class FindingReview(_Closed):
    item: int
    state: str
    assignee: str | None = None
    resolution_note: str | None = None


class ReviewedFinding(Finding):
    review: FindingReview | None = None


class AppliedCorrection(_Closed):
    indicator: str
    component: str | None = None
    value: Any = None
    original_value: Any = None
    corrected_by: str
    corrected_at: datetime
    note: str | None = None


class ReviewedSubmission(Submission):
    indicators: dict[str, ReviewedIndicator] = {}
    qualitative: dict[str, ReviewedQualitative] = {}
    service: ReviewedService | None = None
    findings: list[ReviewedFinding] = []
    corrections: list[AppliedCorrection] = []


class ReviewItem(_Closed):
    id: int
    rule: str
    severity: Severity
    indicator: str | None = None
    state: str
    message_ko: str
    source: Provenance | None = None
    detected: bool
    assignee: str | None = None
    resolution_note: str | None = None
    supplement_note: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None


class ExportRecord(ReviewedSubmission):
    export_version: str = EXPORT_VERSION
    exported_at: datetime
    submission_id: int
    version: int
    superseded_by: int | None = None
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
