"""One item: its message, value, source (picture or table), rule, actions and history."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from checks.catalogue import catalogue
from checks.particles import with_particles
from review_queue import worklist
from review_queue.worklist import QueueError
from schemas import vocabulary
from web import actions
from web.accounts import User, list_users
from web.auth import current_user
from web.limits import RowId
from web.overview import submission_row
from web.permissions import can_assign, can_decide
from web.pictures import render_png
from web.sources import SourceUnavailable, component_refs, locate
from web.tables import table_view
from web.queue_errors import queue_error_ko
from web.queueback import queue_back
from web.templating import redirect, render
from web.values import value_view

router = APIRouter()
log = logging.getLogger(__name__)


def _neighbours(item_id: int, url: str) -> tuple[int | None, int | None]:
    """The previous and next item still open, in the queue's default order (for working through)."""
    ids = [i.id for i in worklist.list_items(state=list(vocabulary.OPEN_STATES), url=url)]
    if item_id not in ids:
        return None, ids[0] if ids else None
    n = ids.index(item_id)
    return (ids[n - 1] if n > 0 else None), (ids[n + 1] if n + 1 < len(ids) else None)


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: RowId, user: User = Depends(current_user)):
    settings = request.app.state.settings
    url = settings.database_url
    item = worklist.get_item(item_id, url=url)
    row, record = submission_row(url, item.submission_id)
    ref = locate(item, record)
    picture = table = None
    problem = None
    try:
        if ref is not None and ref.kind in ("pdf", "image"):
            render_png(ref, "page", settings.store_root)
            picture = {"crop": bool(ref.location.bbox)}
        elif ref is not None and ref.kind == "table":
            table = table_view(ref, settings.store_root)
    except SourceUnavailable as exc:
        log.warning("item %s: source cannot be shown: %s", item_id, exc)
        problem = "원문을 열 수 없습니다"
    effective = worklist.effective_record(item.submission_id, url=url)
    rule = catalogue().get(item.rule)
    previous, following = _neighbours(item_id, url)
    return render(request, "item.html", item=item, submission=row, ref=ref, picture=picture, table=table,
                  problem=problem, value=value_view(item.indicator, record, effective), rule=rule,
                  component_sources=component_refs(record, item.indicator),
                  allowed=worklist.allowed_actions(item.state) if can_decide(user, item) else [],
                  can_decide=can_decide(user, item), can_take=can_assign(user, item, user.name),
                  is_admin=user.role == "admin", previous=previous, following=following, back=queue_back(request),
                  assignees=[u for u in list_users(url, active_only=True) if u.role in ("reviewer", "admin")])


def _back(request: Request, item_id: int, message: str, kind: str = "ok"):
    return redirect(request, f"/items/{item_id}", message, kind)


@router.post("/items/{item_id}/action")
def item_action(request: Request, item_id: RowId, action: str = Form(...), note: str = Form(""),
                user: User = Depends(current_user)):
    try:
        item = actions.act(user, item_id, action, note, request.app.state.settings.database_url)
    except QueueError as exc:
        if isinstance(exc, worklist.NotFound):
            raise
        return _back(request, item_id, f"처리하지 못했습니다: {queue_error_ko(exc)}", "error")
    return _back(request, item_id, f"#{item.id} → {item.state_ko}")


@router.post("/items/{item_id}/assign")
def item_assign(request: Request, item_id: RowId, assignee: str = Form(""), user: User = Depends(current_user)):
    item = actions.assign(user, item_id, assignee, request.app.state.settings.database_url)
    return _back(request, item_id, f"담당자: {item.assignee or '없음'}")


@router.post("/items/{item_id}/correct")
def item_correct(request: Request, item_id: RowId, value: str = Form(""), component: str = Form(""),
                 note: str = Form(""), user: User = Depends(current_user)):
    try:
        correction = actions.correct(user, item_id, component, value, note, request.app.state.settings.database_url)
    except QueueError as exc:
        if isinstance(exc, worklist.NotFound):
            raise
        return _back(request, item_id, f"보정하지 못했습니다: {queue_error_ko(exc)}", "error")
    target = correction.indicator + (f" ({correction.component})" if correction.component else "")
    return _back(request, item_id,
                 with_particles(f"{target} 값을 {correction.value}(으)로 보정했습니다. 추출값은 그대로 보존됩니다."))


@router.post("/items/{item_id}/comment")
def item_comment(request: Request, item_id: RowId, text: str = Form(""), user: User = Depends(current_user)):
    try:
        actions.comment(user, item_id, text, request.app.state.settings.database_url)
    except QueueError as exc:
        if isinstance(exc, worklist.NotFound):
            raise
        return _back(request, item_id, f"의견을 남기지 못했습니다: {queue_error_ko(exc)}", "error")
    return _back(request, item_id, "의견을 남겼습니다.")


@router.get("/items/{item_id}/source.png")
def item_source(request: Request, item_id: RowId, view: str = "page", user: User = Depends(current_user)):
    settings = request.app.state.settings
    item = worklist.get_item(item_id, url=settings.database_url)
    _, record = submission_row(settings.database_url, item.submission_id)
    ref = locate(item, record)
    if ref is None or view not in ("page", "crop"):
        raise HTTPException(404, "이 항목에는 보여 줄 원문 위치가 없습니다")
    try:
        png = render_png(ref, view, settings.store_root)
    except SourceUnavailable:
        raise HTTPException(404, "원문 이미지를 만들 수 없습니다") from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
