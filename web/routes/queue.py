"""The queue: filters, sorting, keyboard work, counts that follow the items (page and JSON API)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse

from checks.catalogue import catalogue
from review_queue import worklist
from schemas.vocabulary import OPEN_STATES, SEVERITIES, STATES
from web import actions
from web.accounts import User, list_users
from web.auth import current_user
from web.limits import RowId
from web.overview import submission_rows
from web.permissions import can_decide
from web.queueback import remember_filters
from web.templating import redirect, render

router = APIRouter()
PAGE_SIZE = 200
MAX_ITEMS = 5000
SORTS = {
    "severity": lambda i: (SEVERITIES.index(i.severity) if i.severity in SEVERITIES else 9,
                           i.submission_id, i.id),
    "submission": lambda i: (i.applicant or "", i.submission_id, i.id),
    "rule": lambda i: (i.rule, i.id),
    "indicator": lambda i: (i.indicator or "~", i.id),
    "state": lambda i: (STATES.index(i.state) if i.state in STATES else 9, i.id),
    "assignee": lambda i: (i.assignee or "~", i.id),
    "updated": lambda i: (i.updated_at, i.id),
    "id": lambda i: i.id,
}
SORT_KO = {"severity": "심각도", "submission": "제출 건", "rule": "규칙", "indicator": "지표", "state": "상태",
           "assignee": "담당자", "updated": "최근 변경", "id": "번호"}


@dataclass
class Filters:
    submission: str = ""
    rule: str = ""
    severity: str = ""
    state: str = "active"  # active = every state still needing attention; all; or one state
    assignee: str = ""  # "" anyone, __me__, __none__, or a user name
    indicator: str = ""
    q: str = ""  # words in the message, applicant, rule or indicator
    sort: str = "severity"
    dir: str = "asc"
    page: int = 1

    def query(self, user: User) -> dict:
        """Keyword arguments for ``list_items`` / ``count_items``."""
        args: dict = {"submission": self.submission or None, "rule": self.rule or None,
                      "severity": self.severity or None, "indicator": self.indicator.strip() or None}
        if self.state == "active":
            args["state"] = list(OPEN_STATES)
        elif self.state in STATES:
            args["state"] = self.state
        if self.assignee == "__none__":
            args["unassigned"] = True
        elif self.assignee == "__me__":
            args["assignee"] = user.name
        elif self.assignee:
            args["assignee"] = self.assignee
        return args

    def params(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {**self.__dict__, **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)})


def _filters(submission: str = "", rule: str = "", severity: str = "", state: str = "active", assignee: str = "",
             indicator: str = "", q: str = "", sort: str = "severity", dir: str = "asc", page: int = 1) -> Filters:
    return Filters(submission=submission.strip(), rule=rule.strip(), q=q.strip()[:200],
                   severity=severity if severity in SEVERITIES else "",
                   state=state if state in (*STATES, "active", "all") else "active", assignee=assignee.strip(),
                   indicator=indicator, sort=sort if sort in SORTS else "severity",
                   dir="desc" if dir == "desc" else "asc", page=max(1, page))


def _matches(item, words: list[str], titles: dict) -> bool:
    rule = titles.get(item.rule)
    text = " ".join(filter(None, (item.message_ko, item.applicant, item.bundle_id, item.rule, item.indicator,
                                  rule.title if rule else None, f"#{item.id}", item.assignee))).lower()
    return all(word in text for word in words)


def _items(filters: Filters, user: User, url: str) -> list:
    items = worklist.list_items(**filters.query(user), limit=MAX_ITEMS, url=url)
    if filters.q:
        words, titles = filters.q.lower().split(), catalogue()
        items = [i for i in items if _matches(i, words, titles)]
    return sorted(items, key=SORTS[filters.sort], reverse=filters.dir == "desc")


def _item_json(item, user: User) -> dict:
    data = item.model_dump(mode="json")
    data["allowed_actions"] = worklist.allowed_actions(item.state) if can_decide(user, item) else []
    return data


@router.get("/queue")
def queue_page(request: Request, filters: Filters = Depends(_filters), user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    items = _items(filters, user, url)
    counts = worklist.count_items(**{k: v for k, v in filters.query(user).items() if k != "state"}, url=url)
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(filters.page, pages)
    shown = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rules = sorted(catalogue().values(), key=lambda r: r.id)
    response = render(request, "queue.html", items=shown, total=len(items), page=page, pages=pages, filters=filters,
                  counts=counts, rules=rules, rules_by_id=catalogue(),
                  submissions=submission_rows(url, current_only=True),
                  users=[u for u in list_users(url, active_only=True) if u.role in ("reviewer", "admin")],
                  sorts=SORT_KO, decidable={i.id for i in shown if can_decide(user, i)},
                  states=STATES, severities=SEVERITIES, back=filters.params())
    remember_filters(request, response, filters.params())
    return response


@router.get("/api/queue")
def queue_api(request: Request, filters: Filters = Depends(_filters), user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    items = _items(filters, user, url)
    counts = worklist.count_items(**{k: v for k, v in filters.query(user).items() if k != "state"}, url=url)
    return JSONResponse({"items": [_item_json(i, user) for i in items], "counts": counts.model_dump()})


@router.get("/api/queue/counts")
def counts_api(request: Request, filters: Filters = Depends(_filters), user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    counts = worklist.count_items(**{k: v for k, v in filters.query(user).items() if k != "state"}, url=url)
    matching = len(_items(filters, user, url)) if filters.q else worklist.count_items(**filters.query(user), url=url).total
    return JSONResponse({**counts.model_dump(), "matching": matching})


@router.get("/api/items/{item_id}")
def item_api(request: Request, item_id: RowId, user: User = Depends(current_user)):
    item = worklist.get_item(item_id, url=request.app.state.settings.database_url)
    return JSONResponse(_item_json(item, user) | {"audit": [a.model_dump(mode="json") for a in item.audit]})


@router.post("/api/items/{item_id}/{action}")
def item_action_api(request: Request, item_id: RowId, action: str, payload: dict = Body(default={}),
                    user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    note = payload.get("note") if isinstance(payload.get("note"), str) else None
    if action == "assign":
        item = actions.assign(user, item_id, payload.get("assignee"), url)
    else:
        item = actions.act(user, item_id, action, note, url)
    return JSONResponse({"item": _item_json(item, user)})


BULK_ACTIONS = {"resolve": "해결", "waive": "예외 인정", "request_supplement": "보완요구", "assign": "배정"}
BULK_MAX = 500


@router.post("/queue/bulk")
def bulk_action(request: Request, ids: list[str] = Form(default=[]), action: str = Form(""), note: str = Form(""),
                assignee: str = Form(""), user: User = Depends(current_user)):
    """One action with one reason on the selected items, each through the worklist's own transition and audit."""
    from web.queueback import queue_back

    target = queue_back(request)
    if action not in BULK_ACTIONS:
        return redirect(request, target, "일괄 처리할 동작을 고르십시오", "error")
    chosen = sorted({int(i) for i in ids if i.strip().isdigit()})[:BULK_MAX]
    if not chosen:
        return redirect(request, target, "처리할 항목을 하나 이상 고르십시오", "error")
    note = note.strip()
    if action == "waive" and not note:
        return redirect(request, target, "예외 인정에는 사유가 필요합니다", "error")
    url = request.app.state.settings.database_url
    done, refused = [], []
    for item_id in chosen:
        try:
            if action == "assign":
                actions.assign(user, item_id, assignee, url)
                if note:
                    actions.comment(user, item_id, note, url)
            else:
                actions.act(user, item_id, action, note or None, url)
            done.append(item_id)
        except (worklist.QueueError, HTTPException):
            refused.append(item_id)
    message = f"{BULK_ACTIONS[action]}: {len(done)}건 처리했습니다."
    if refused:
        message += f" {len(refused)}건은 상태나 권한 때문에 처리하지 못했습니다 (" + ", ".join(f"#{i}" for i in refused[:20]) + ")."
    return redirect(request, target, message, "error" if refused and not done else "ok")
