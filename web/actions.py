"""Acting on items for a signed-in user: the role rules first, then the review queue's API."""

from __future__ import annotations

from fastapi import HTTPException

from review_queue import worklist
from review_queue.worklist import Item
from web.accounts import User
from web.permissions import can_assign, can_decide

ACTIONS = ("start_review", "resolve", "waive", "request_supplement", "reopen")


def _item(item_id: int, url: str) -> Item:
    return worklist.get_item(item_id, url=url)  # NotFound → 404 by the app's handler


def act(user: User, item_id: int, action: str, note: str | None, url: str) -> Item:
    if action not in ACTIONS:
        raise HTTPException(422, "알 수 없는 처리입니다")
    item = _item(item_id, url)
    if not can_decide(user, item):
        raise HTTPException(403, "다른 사람에게 배정된 항목이거나 처리 권한이 없습니다")
    if action == "resolve":
        return worklist.resolve(item_id, actor=user.name, note=note, url=url)
    if action == "waive":
        return worklist.waive(item_id, actor=user.name, reason=note or "", url=url)
    if action == "request_supplement":
        return worklist.request_supplement(item_id, actor=user.name, note=note, url=url)
    if action == "reopen":
        return worklist.reopen(item_id, actor=user.name, note=note, url=url)
    return worklist.start_review(item_id, actor=user.name, url=url)


def assign(user: User, item_id: int, assignee: str | None, url: str) -> Item:
    from web.accounts import user_by_name

    assignee = (assignee or "").strip() or None
    item = _item(item_id, url)
    if not can_assign(user, item, assignee):
        raise HTTPException(403, "배정은 관리자가 합니다 (검토위원은 미배정 항목을 자신에게만 가져올 수 있습니다)")
    if assignee is not None:
        target = user_by_name(assignee, url)
        if target is None or not target.active or target.role not in ("reviewer", "admin"):
            raise HTTPException(422, "검토위원 또는 관리자 계정에만 배정할 수 있습니다")
    return worklist.assign(item_id, actor=user.name, assignee=assignee, url=url)


def correct(user: User, item_id: int, component: str | None, value: str, note: str | None, url: str):
    item = _item(item_id, url)
    if not can_decide(user, item):
        raise HTTPException(403, "다른 사람에게 배정된 항목이거나 값을 보정할 권한이 없습니다")
    if not item.indicator:
        raise HTTPException(422, "이 항목에는 보정할 지표 값이 없습니다")
    return worklist.correct_value(item.submission_id, item.indicator, value, actor=user.name,
                               component=(component or "").strip() or None, note=note, url=url)


def comment(user: User, item_id: int, text: str, url: str):
    _item(item_id, url)
    return worklist.comment(item_id, actor=user.name, text=text, url=url)
