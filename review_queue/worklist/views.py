"""What the reviewers' API returns: plain pydantic models (``model_dump(mode="json")`` for the web app)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel

from schemas.vocabulary import STATE_KO


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive times; everything is stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


Time = Annotated[datetime, AfterValidator(_aware)]


class _View(BaseModel):
    model_config = {"from_attributes": True}


class Item(_View):
    id: int
    submission_id: int
    bundle_id: str
    applicant: str | None
    version: int
    superseded: bool
    identity: str
    rule: str
    severity: str
    indicator: str | None
    state: str
    state_ko: str
    message_ko: str
    source: dict | None
    params: dict | None
    detected: bool
    assignee: str | None
    resolution_note: str | None
    supplement_note: str | None
    closed_by: str | None
    closed_at: Time | None
    created_at: Time
    updated_at: Time


class Comment(_View):
    id: int
    item_id: int
    actor: str
    text: str
    created_at: Time


class AuditEntry(_View):
    id: int
    submission_id: int
    item_id: int | None
    actor: str
    at: Time
    field: str
    before: Any = None
    after: Any = None
    note: str | None = None


class Correction(_View):
    id: int
    submission_id: int
    indicator: str
    component: str | None
    value: Any = None
    original_value: Any = None
    withdrawn: bool
    actor: str
    note: str | None
    created_at: Time


class ItemDetail(Item):
    comments: list[Comment] = []
    audit: list[AuditEntry] = []
    corrections: list[Correction] = []  # of the item's indicator, oldest first


class Counts(BaseModel):
    total: int
    by_state: dict[str, int]
    by_severity: dict[str, int]


def item_view(item, submission) -> dict:
    """The fields of an ``Item`` from a QueueItem row and its SubmissionRecord."""
    data = {c: getattr(item, c) for c in ("id", "submission_id", "identity", "rule", "severity", "indicator", "state",
                                          "message_ko", "source", "params", "detected", "assignee", "resolution_note",
                                          "supplement_note", "closed_by", "closed_at", "created_at", "updated_at")}
    return data | {"state_ko": STATE_KO.get(item.state, item.state), "bundle_id": submission.bundle_id,
                   "applicant": submission.applicant_name, "version": submission.version,
                   "superseded": submission.superseded_by is not None}
