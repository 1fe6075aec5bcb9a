"""Every change to an item goes through here, so every change is audited (who, when, field, before, after)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from review_queue.worklist.errors import InvalidInput, InvalidTransition
from review_queue.worklist.models import ACTOR_LENGTH, QueueAudit, QueueItem
from schemas.vocabulary import CLOSED_STATES, OPEN_STATES

PIPELINE = "pipeline"  # the actor of changes made by (re-)processing

# action: (states it may start from, state it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start_review": (("open", "supplement_requested"), "in_review"),
    "resolve": (OPEN_STATES, "resolved"),
    "waive": (OPEN_STATES, "waived"),
    "request_supplement": (("open", "in_review"), "supplement_requested"),
    "reopen": (("in_review", "supplement_requested", "resolved", "waived"), "open"),
}


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def check_actor(actor: str | None) -> str:
    """A reviewer's name; ``pipeline`` is reserved for processing."""
    name = (actor or "").strip()
    if not name:
        raise InvalidInput("actor_required")
    if name == PIPELINE:
        raise InvalidInput("actor_reserved", actor=PIPELINE)
    if len(name) > ACTOR_LENGTH:
        raise InvalidInput("actor_too_long", limit=ACTOR_LENGTH)
    return name


def text_or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def audit(session: Session, *, submission_id: int, item_id: int | None, actor: str, field: str, before: Any,
          after: Any, at: datetime, note: str | None = None) -> None:
    session.add(QueueAudit(submission_id=submission_id, item_id=item_id, actor=actor, at=at, field=field,
                           before=jsonable(before), after=jsonable(after), note=note))


def change(session: Session, item: QueueItem, actor: str, field: str, value: Any, at: datetime,
           note: str | None = None) -> bool:
    """Set one field of an item, auditing it; False when it already had that value."""
    before = getattr(item, field)
    if before == value:
        return False
    setattr(item, field, value)
    item.updated_at = at
    audit(session, submission_id=item.submission_id, item_id=item.id, actor=actor, field=field, before=before,
          after=value, at=at, note=note)
    return True


def transition(session: Session, item: QueueItem, action: str, actor: str, at: datetime,
               note: str | None = None) -> None:
    """Move an item along the state machine (``ACTIONS``); refuses what the machine does not allow."""
    allowed_from, target = ACTIONS[action]
    if item.state not in allowed_from:
        raise InvalidTransition(item.id, action, item.state, allowed_from)
    change(session, item, actor, "state", target, at, note)
    if target in CLOSED_STATES:
        change(session, item, actor, "resolution_note", note, at)
        item.closed_by, item.closed_at = actor, at
    elif item.closed_by is not None:
        change(session, item, actor, "resolution_note", None, at)
        item.closed_by = item.closed_at = None
    if target == "supplement_requested":
        change(session, item, actor, "supplement_note", note, at)
