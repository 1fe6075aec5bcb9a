"""Persistence of bundles and submissions (with versions); their findings live in the review queue.

``record_submission`` reconciles a submission's findings with its queue items (``worklist.reconcile``).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_queue.database import as_utc, engine_for, iso_utc, now_utc
from review_queue.records import BundleRecord, SubmissionRecord
from review_queue.worklist.models import QueueItem
from review_queue.worklist.reconcile import reconcile
from schemas.submission import Submission
from schemas.vocabulary import BUNDLE_STATES, OPEN_STATES


def applicant_key(submission: Submission) -> str | None:
    """Who a submission is from, across versions: the registration number, else the name, per programme."""
    applicant = submission.applicant
    who = re.sub(r"\D", "", applicant.registration_no or "") or re.sub(r"\s+", "", applicant.name or "")
    return f"{submission.programme}:{who}" if who and submission.programme else None


def record_bundle(bundle_id: str, *, channel: str, source_path: str | None, sender: str | None, subject: str | None,
                  received_at: datetime | None, file_count: int, url: str | None = None,
                  delivery: str | None = None) -> bool:
    """Note a received bundle; returns False when it was known already (re-ingesting changes nothing)."""
    with Session(engine_for(url)) as session, session.begin():
        if session.get(BundleRecord, bundle_id) is not None:
            return False
        session.add(BundleRecord(id=bundle_id, channel=channel, source_path=source_path, sender=sender, subject=subject,
                                 received_at=as_utc(received_at), file_count=file_count, delivery=delivery))
        return True


def set_bundle_state(bundle_id: str, state: str, detail: str | None = None, url: str | None = None) -> None:
    if state not in BUNDLE_STATES:
        raise ValueError(f"unknown bundle state {state!r}")
    with Session(engine_for(url)) as session, session.begin():
        row = session.get(BundleRecord, bundle_id)
        if row is not None:
            row.state, row.state_detail = state, detail


def record_submission(submission: Submission, url: str | None = None) -> int:
    """Insert or refresh a bundle's submission and reconcile its findings with its review items; returns its id.

    Re-processing the same bundle keeps the review items of problems found again (and the reviewers'
    decisions on them), closes those no longer found and opens new ones (``review_queue.worklist.reconcile``).
    A bundle from an applicant who submitted before becomes the next version, with its own items;
    earlier versions are superseded.
    """
    with Session(engine_for(url)) as session, session.begin():
        row = session.scalar(select(SubmissionRecord).where(SubmissionRecord.bundle_id == submission.bundle.id)
                             .with_for_update())
        key = applicant_key(submission)
        if row is None:
            earlier = session.scalars(select(SubmissionRecord).where(SubmissionRecord.applicant_key == key)
                                      .order_by(SubmissionRecord.version)).all() if key else []
            row = SubmissionRecord(bundle_id=submission.bundle.id, version=earlier[-1].version + 1 if earlier else 1)
            session.add(row)
        row.programme = submission.programme
        row.applicant_name = submission.applicant.name
        row.applicant_key = key
        row.channel = submission.bundle.channel
        row.received_at = as_utc(submission.bundle.received_at)
        row.processed_at = now_utc()
        row.record = submission.model_dump(mode="json")
        session.flush()
        if key:
            for older in session.scalars(select(SubmissionRecord).where(
                    SubmissionRecord.applicant_key == key, SubmissionRecord.version < row.version)):
                older.superseded_by = row.id
        reconcile(session, row.id, submission.findings)
        return row.id


def list_submissions(url: str | None = None) -> list[dict]:
    """Submissions with their versions; ``open_findings`` counts review items still needing attention."""
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(SubmissionRecord).order_by(SubmissionRecord.id)).all()
        open_items = dict(session.execute(select(QueueItem.submission_id, func.count())
                                          .where(QueueItem.state.in_(OPEN_STATES)).group_by(QueueItem.submission_id)).all())
        return [{"id": r.id, "bundle_id": r.bundle_id, "programme": r.programme, "applicant": r.applicant_name,
                 "version": r.version, "superseded_by": r.superseded_by, "channel": r.channel,
                 "received_at": iso_utc(r.received_at),
                 "open_findings": open_items.get(r.id, 0)} for r in rows]


def list_bundles(url: str | None = None) -> list[dict]:
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(BundleRecord).order_by(BundleRecord.stored_at)).all()
        return [{"id": r.id, "channel": r.channel, "delivery": r.delivery, "sender": r.sender, "source_path": r.source_path,
                 "received_at": iso_utc(r.received_at), "files": r.file_count,
                 "state": r.state, "detail": r.state_detail} for r in rows]
