"""The reviewers' API: find items, read one with its history, and act on it.

Every function opens its own transaction on the store at ``url`` (``INTAKE_DATABASE_URL`` or
SQLite under ./var by default), takes the acting reviewer's user name as ``actor`` and returns
pydantic views. Refusals raise ``QueueError`` subclasses: ``NotFound``, ``InvalidTransition``,
``InvalidInput``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from review_queue.database import engine_for, now_utc
from review_queue.records import SubmissionRecord
from review_queue.worklist.changes import ACTIONS, change, check_actor, text_or_none, transition
from review_queue.worklist.errors import InvalidInput, NotFound
from review_queue.worklist.models import QueueAudit, QueueComment, QueueItem, ValueCorrection
from review_queue.worklist.views import AuditEntry, Comment, Correction, Counts, Item, ItemDetail, item_view
from schemas.vocabulary import SEVERITIES, STATES

Many = str | Sequence[str] | None


def _many(value: Many) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _filters(*, submission: int | str | None, rule: Many, severity: Many, state: Many, assignee: Many,
             indicator: Many, unassigned: bool, include_superseded: bool) -> list:
    where = []
    if submission is not None:
        ref = str(submission)
        where.append(SubmissionRecord.id == int(ref) if ref.isdigit() else SubmissionRecord.bundle_id == ref)
    elif not include_superseded:
        where.append(SubmissionRecord.superseded_by.is_(None))
    for column, values, known in ((QueueItem.rule, rule, None), (QueueItem.severity, severity, SEVERITIES),
                                  (QueueItem.state, state, STATES), (QueueItem.assignee, assignee, None),
                                  (QueueItem.indicator, indicator, None)):
        values = _many(values)
        if values is None:
            continue
        unknown = set(values) - set(known or values)
        if unknown:
            raise InvalidInput("unknown_filter_value", column=column.key, unknown=", ".join(sorted(unknown)),
                               known=", ".join(known))
        prefixes = [v[:-1] for v in values if v.endswith("*")]  # rule="document.*"
        exact = [v for v in values if not v.endswith("*")]
        where.append(or_(column.in_(exact), *(column.startswith(p, autoescape=True) for p in prefixes)))
    if unassigned:
        where.append(QueueItem.assignee.is_(None))
    return where


def list_items(*, submission: int | str | None = None, rule: Many = None, severity: Many = None, state: Many = None,
               assignee: Many = None, indicator: Many = None, unassigned: bool = False, include_superseded: bool = False,
               limit: int | None = None, offset: int = 0, url: str | None = None) -> list[Item]:
    """Items matching every filter given (each takes one value or several; ``rule`` also ``prefix*``).

    ``submission`` is a submission id or a bundle id. Without it, items of superseded versions are left
    out unless ``include_superseded``. Ordered blockers first, then by submission and item.
    """
    where = _filters(submission=submission, rule=rule, severity=severity, state=state, assignee=assignee,
                     indicator=indicator, unassigned=unassigned, include_superseded=include_superseded)
    rank = case({s: n for n, s in enumerate(SEVERITIES)}, value=QueueItem.severity, else_=len(SEVERITIES))
    query = (select(QueueItem, SubmissionRecord).join(SubmissionRecord, QueueItem.submission_id == SubmissionRecord.id)
             .where(*where).order_by(rank, QueueItem.submission_id, QueueItem.id).offset(offset).limit(limit))
    with Session(engine_for(url)) as session:
        return [Item(**item_view(item, sub)) for item, sub in session.execute(query)]


def count_items(*, submission: int | str | None = None, rule: Many = None, severity: Many = None, state: Many = None,
                assignee: Many = None, indicator: Many = None, unassigned: bool = False,
                include_superseded: bool = False, url: str | None = None) -> Counts:
    """How many items match, by state and by severity (every state and severity listed, zeros included)."""
    where = _filters(submission=submission, rule=rule, severity=severity, state=state, assignee=assignee,
                     indicator=indicator, unassigned=unassigned, include_superseded=include_superseded)
    query = (select(QueueItem.state, QueueItem.severity, func.count())
             .join(SubmissionRecord, QueueItem.submission_id == SubmissionRecord.id)
             .where(*where).group_by(QueueItem.state, QueueItem.severity))
    by_state, by_severity = dict.fromkeys(STATES, 0), dict.fromkeys(SEVERITIES, 0)
    with Session(engine_for(url)) as session:
        for state_, severity_, n in session.execute(query):
            by_state[state_] = by_state.get(state_, 0) + n
            by_severity[severity_] = by_severity.get(severity_, 0) + n
    return Counts(total=sum(by_state.values()), by_state=by_state, by_severity=by_severity)


def _load(session: Session, item_id: int, lock: bool = False) -> tuple[QueueItem, SubmissionRecord]:
    query = select(QueueItem).where(QueueItem.id == item_id)
    item = session.scalar(query.with_for_update() if lock else query)
    if item is None:
        raise NotFound("no_review_item", item_id=item_id)
    return item, session.get(SubmissionRecord, item.submission_id)


def get_item(item_id: int, url: str | None = None) -> ItemDetail:
    """One item with its comments, its audit trail and the corrections of its indicator (oldest first)."""
    with Session(engine_for(url)) as session:
        item, sub = _load(session, item_id)
        comments = session.scalars(select(QueueComment).where(QueueComment.item_id == item_id)
                                   .order_by(QueueComment.id)).all()
        trail = session.scalars(select(QueueAudit).where(QueueAudit.item_id == item_id).order_by(QueueAudit.id)).all()
        corrections = session.scalars(select(ValueCorrection).where(
            ValueCorrection.submission_id == item.submission_id, ValueCorrection.indicator == item.indicator)
            .order_by(ValueCorrection.id)).all() if item.indicator else []
        return ItemDetail(**item_view(item, sub), comments=[Comment.model_validate(c) for c in comments],
                          audit=[AuditEntry.model_validate(a) for a in trail],
                          corrections=[Correction.model_validate(c) for c in corrections])


def _act(item_id: int, actor: str, url: str | None, action: str, note: str | None = None,
         note_from_message: bool = False) -> Item:
    actor = check_actor(actor)
    with Session(engine_for(url)) as session, session.begin():
        item, sub = _load(session, item_id, lock=True)
        transition(session, item, action, actor, now_utc(), note or (item.message_ko if note_from_message else None))
        session.flush()
        return Item(**item_view(item, sub))


def start_review(item_id: int, *, actor: str, url: str | None = None) -> Item:
    """open or supplement_requested → in_review."""
    return _act(item_id, actor, url, "start_review")


def resolve(item_id: int, *, actor: str, note: str | None = None, url: str | None = None) -> Item:
    """open, in_review or supplement_requested → resolved, with an optional note."""
    return _act(item_id, actor, url, "resolve", text_or_none(note))


def waive(item_id: int, *, actor: str, reason: str, url: str | None = None) -> Item:
    """open, in_review or supplement_requested → waived; the reason is required."""
    reason = text_or_none(reason)
    if reason is None:
        raise InvalidInput("waive_needs_reason")
    return _act(item_id, actor, url, "waive", reason)


def request_supplement(item_id: int, *, actor: str, note: str | None = None, url: str | None = None) -> Item:
    """open or in_review → supplement_requested; the note (what to supply) defaults to the item's message."""
    return _act(item_id, actor, url, "request_supplement", text_or_none(note), note_from_message=True)


def reopen(item_id: int, *, actor: str, note: str | None = None, url: str | None = None) -> Item:
    """in_review, supplement_requested, resolved or waived → open."""
    return _act(item_id, actor, url, "reopen", text_or_none(note))


def assign(item_id: int, *, actor: str, assignee: str | None, url: str | None = None) -> Item:
    """Give the item to ``assignee`` (a user name), or to no one with None; allowed in every state."""
    actor = check_actor(actor)
    assignee = check_actor(assignee) if text_or_none(assignee) else None
    with Session(engine_for(url)) as session, session.begin():
        item, sub = _load(session, item_id, lock=True)
        change(session, item, actor, "assignee", assignee, now_utc())
        session.flush()
        return Item(**item_view(item, sub))


def comment(item_id: int, *, actor: str, text: str, url: str | None = None) -> Comment:
    actor, text = check_actor(actor), text_or_none(text)
    if text is None:
        raise InvalidInput("comment_needs_text")
    with Session(engine_for(url)) as session, session.begin():
        item, _ = _load(session, item_id)
        row = QueueComment(item_id=item.id, actor=actor, text=text, created_at=now_utc())
        session.add(row)
        session.flush()
        return Comment.model_validate(row)


def audit_trail(submission: int, *, url: str | None = None) -> list[AuditEntry]:
    """Every change to a submission's items and values, oldest first."""
    with Session(engine_for(url)) as session:
        rows = session.scalars(select(QueueAudit).where(QueueAudit.submission_id == submission).order_by(QueueAudit.id))
        return [AuditEntry.model_validate(r) for r in rows]


def allowed_actions(state: str) -> list[str]:
    """What a reviewer may do with an item in ``state`` (besides assign and comment): for the web app's buttons."""
    return [action for action, (sources, _) in ACTIONS.items() if state in sources]
