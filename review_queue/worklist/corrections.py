"""Reviewers' corrected values, and the submission as the reviewers see it (``effective_record``).

A correction is kept per (submission, indicator[, component]) as an append-only history: the latest
row counts unless it withdraws the correction. The extracted value stays in the stored submission
JSON untouched; ``effective_record`` lays the corrections over a copy of it.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_queue.database import engine_for, now_utc
from review_queue.records import SubmissionRecord
from review_queue.worklist.changes import audit, check_actor, jsonable, text_or_none
from review_queue.worklist.errors import InvalidInput, NotFound
from review_queue.worklist.identity import identities
from review_queue.worklist.models import QueueItem, ValueCorrection
from review_queue.worklist.targets import Target, target
from review_queue.worklist.views import Correction


def _submission(session: Session, submission: int | str, lock: bool = False) -> SubmissionRecord:
    ref = str(submission)
    query = select(SubmissionRecord).where(
        SubmissionRecord.id == int(ref) if ref.isdigit() else SubmissionRecord.bundle_id == ref)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound("no_submission", submission=submission)
    return row


def _active(session: Session, submission_id: int) -> dict[tuple[str, str | None], ValueCorrection]:
    """The correction in force per (indicator, component)."""
    latest: dict[tuple[str, str | None], ValueCorrection] = {}
    for row in session.scalars(select(ValueCorrection).where(ValueCorrection.submission_id == submission_id)
                               .order_by(ValueCorrection.id)):
        latest[(row.indicator, row.component)] = row
    return {key: row for key, row in latest.items() if not row.withdrawn}


def _field(t: Target) -> str:
    return f"value:{t.indicator}" + (f"/{t.component}" if t.component else "")


def correct_value(submission: int | str, indicator: str, value: Any, *, actor: str, component: str | None = None,
                  note: str | None = None, url: str | None = None) -> Correction:
    """Set a reviewer's value for an indicator (or a component of it); checked and typed by the programme schema."""
    actor = check_actor(actor)
    with Session(engine_for(url)) as session, session.begin():
        sub = _submission(session, submission, lock=True)
        t = target(sub.programme, indicator.strip(), text_or_none(component))
        typed = t.coerce(value)
        extracted = t.extracted(sub.record)
        previous = _active(session, sub.id).get((t.indicator, t.component))
        at = now_utc()
        row = ValueCorrection(submission_id=sub.id, indicator=t.indicator, component=t.component, value=typed,
                              original_value=extracted, withdrawn=False, actor=actor, note=text_or_none(note),
                              created_at=at)
        session.add(row)
        session.flush()
        audit(session, submission_id=sub.id, item_id=None, actor=actor, field=_field(t),
              before=previous.value if previous else extracted, after=typed, at=at, note=row.note)
        return Correction.model_validate(row)


def withdraw_correction(submission: int | str, indicator: str, *, actor: str, component: str | None = None,
                        note: str | None = None, url: str | None = None) -> Correction:
    """Go back to the extracted value."""
    actor = check_actor(actor)
    with Session(engine_for(url)) as session, session.begin():
        sub = _submission(session, submission, lock=True)
        t = target(sub.programme, indicator.strip(), text_or_none(component))
        previous = _active(session, sub.id).get((t.indicator, t.component))
        if previous is None:
            raise InvalidInput("no_correction_to_withdraw", field=_field(t),
                               indicator=t.indicator + (f" {t.component}" if t.component else ""))
        at, extracted = now_utc(), t.extracted(sub.record)
        row = ValueCorrection(submission_id=sub.id, indicator=t.indicator, component=t.component, value=None,
                              original_value=extracted, withdrawn=True, actor=actor, note=text_or_none(note),
                              created_at=at)
        session.add(row)
        session.flush()
        audit(session, submission_id=sub.id, item_id=None, actor=actor, field=_field(t), before=previous.value,
              after=extracted, at=at, note=row.note or "보정 취소")
        return Correction.model_validate(row)


def list_corrections(submission: int | str, *, active_only: bool = False, url: str | None = None) -> list[Correction]:
    """A submission's corrections, oldest first (or only those in force)."""
    with Session(engine_for(url)) as session:
        sub = _submission(session, submission)
        if active_only:
            rows = sorted(_active(session, sub.id).values(), key=lambda r: r.id)
        else:
            rows = session.scalars(select(ValueCorrection).where(ValueCorrection.submission_id == sub.id)
                                   .order_by(ValueCorrection.id)).all()
        return [Correction.model_validate(r) for r in rows]


def effective_record(submission: int | str, url: str | None = None) -> dict:
    """The stored submission JSON with the corrections in force applied, for exports.

    A corrected indicator has the reviewer's value in ``value`` (a component: in ``components``) and
    keeps the extracted one in ``original_value`` (``original_components``), with ``corrected_by``,
    ``corrected_at`` and ``correction_note``; a qualitative sub-area likewise with ``stage``; service
    self-scores in ``service.self_scores`` with the details under ``service.corrected``. Every applied
    correction is listed in ``corrections``, and each finding carries its review item's state (``review``).
    """
    with Session(engine_for(url)) as session:
        sub = _submission(session, submission)
        record = copy.deepcopy(sub.record)
        applied = []
        for row in sorted(_active(session, sub.id).values(), key=lambda r: r.id):
            t = _stored_target(sub.programme, row)
            entry = {"indicator": row.indicator, "component": row.component, "value": row.value,
                     "original_value": t.extracted(sub.record), "corrected_by": row.actor,
                     "corrected_at": jsonable(Correction.model_validate(row).created_at), "note": row.note}
            _apply(record, t, entry)
            applied.append(entry)
        record["corrections"] = applied
        items = {i.identity: i for i in session.scalars(select(QueueItem).where(QueueItem.submission_id == sub.id))}
        for finding, key in zip(record.get("findings") or [], identities(record.get("findings") or [])):
            item = items.get(key)
            if item is not None:
                finding["review"] = {"item": item.id, "state": item.state, "assignee": item.assignee,
                                     "resolution_note": item.resolution_note}
        record["review"] = {"submission_id": sub.id, "version": sub.version, "superseded_by": sub.superseded_by}
        return record


def _stored_target(programme: str | None, row: ValueCorrection) -> Target:
    """Where a stored correction goes; one the programme schema no longer knows is still exported, as an indicator."""
    try:
        return target(programme, row.indicator, row.component)
    except InvalidInput:
        kind = "component" if row.component else "indicator"
        return Target(kind, row.indicator, row.component, lambda value: value)


def _apply(record: dict, t: Target, entry: dict) -> None:
    stamp = {"corrected_by": entry["corrected_by"], "corrected_at": entry["corrected_at"],
             "correction_note": entry["note"]}
    if t.kind == "self_score":
        service = record.get("service") or {}
        record["service"] = service
        service.setdefault("self_scores", {})[t.indicator] = entry["value"]
        service.setdefault("corrected", {})[t.indicator] = {"original_value": entry["original_value"], **stamp}
        return
    if t.kind == "qualitative":
        target_entry = (record.get("qualitative") or record.setdefault("qualitative", {})).setdefault(t.indicator, {})
        target_entry.update(stage=entry["value"], original_value=entry["original_value"], **stamp)
        return
    indicators = record.get("indicators") or record.setdefault("indicators", {})
    target_entry = indicators.setdefault(t.indicator, {"value": None, "components": {}})
    if t.kind == "component":
        target_entry.setdefault("original_components", {})[t.component] = entry["original_value"]
        target_entry.setdefault("components", {})[t.component] = entry["value"]
    else:
        target_entry.update(value=entry["value"], original_value=entry["original_value"])
    target_entry.update(stamp)  # corrections are applied oldest first: the latest one stamps the entry
