"""Reconciliation: a submission's findings of the latest processing run against its queue items.

- a problem found again keeps its item and its state; message, severity, source and params are
  refreshed when they changed (audited);
- a problem no longer found is closed as resolved by ``pipeline`` with a note for the clerks, unless a
  reviewer had closed it already (their decision stays, the item is only marked not detected);
- a problem found again after the pipeline had closed it is reopened; one a reviewer resolved or
  waived stays resolved or waived;
- a new problem opens a new item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_queue.database import now_utc
from review_queue.worklist.changes import PIPELINE, audit, change, transition
from review_queue.worklist.identity import identities
from review_queue.worklist.models import QueueItem
from schemas.submission import Finding
from schemas.vocabulary import OPEN_STATES

NOTE_GONE = "재처리 결과 더 이상 발견되지 않음"
NOTE_BACK = "재처리 결과 다시 발견됨"


@dataclass
class Reconciled:
    opened: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)


def _fields(finding: Finding) -> dict:
    extra = finding.model_extra or {}
    return {"severity": finding.severity, "message_ko": finding.message_ko,
            "source": finding.source.model_dump(mode="json") if finding.source else None,
            "params": extra.get("params")}


def reconcile(session: Session, submission_id: int, findings: list[Finding], at: datetime | None = None) -> Reconciled:
    """Bring the submission's items in line with ``findings`` (inside the caller's transaction)."""
    at = at or now_utc()
    report = Reconciled()
    found = dict(zip(identities(findings), findings))
    items = {i.identity: i for i in session.scalars(
        select(QueueItem).where(QueueItem.submission_id == submission_id).with_for_update())}
    for key, finding in found.items():
        item = items.get(key)
        if item is None:
            item = QueueItem(submission_id=submission_id, identity=key, rule=finding.rule, indicator=finding.indicator,
                             state="open", detected=True, created_at=at, updated_at=at, **_fields(finding))
            session.add(item)
            session.flush()
            audit(session, submission_id=submission_id, item_id=item.id, actor=PIPELINE, field="state", before=None,
                  after="open", at=at)
            report.opened.append(item.id)
            continue
        for name, value in _fields(finding).items():
            change(session, item, PIPELINE, name, value, at)
        change(session, item, PIPELINE, "detected", True, at)
        if item.state == "resolved" and item.closed_by == PIPELINE:
            transition(session, item, "reopen", PIPELINE, at, NOTE_BACK)
            report.reopened.append(item.id)
        else:
            report.kept.append(item.id)
    for key, item in items.items():
        if key in found:
            continue
        change(session, item, PIPELINE, "detected", False, at)
        if item.state in OPEN_STATES:
            transition(session, item, "resolve", PIPELINE, at, NOTE_GONE)
            report.closed.append(item.id)
    session.flush()
    return report
