"""The queue: filters, sorting, keyboard work, counts that follow the items (page and JSON API)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Body, Depends, Request
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
from web.templating import render

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
             indicator: str = "", sort: str = "severity", dir: str = "asc", page: int = 1) -> Filters:
    return Filters(submission=submission.strip(), rule=rule.strip(),
                   severity=severity if severity in SEVERITIES else "",
                   state=state if state in (*STATES, "active", "all") else "active", assignee=assignee.strip(),
                   indicator=indicator, sort=sort if sort in SORTS else "severity",
                   dir="desc" if dir == "desc" else "asc", page=max(1, page))


def _items(filters: Filters, user: User, url: str) -> list:
    items = worklist.list_items(**filters.query(user), limit=MAX_ITEMS, url=url)
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
    return render(request, "queue.html", items=shown, total=len(items), page=page, pages=pages, filters=filters,
                  counts=counts, rules=rules, rules_by_id=catalogue(),
                  submissions=submission_rows(url, current_only=True),
                  users=[u for u in list_users(url, active_only=True) if u.role in ("reviewer", "admin")],
                  sorts=SORT_KO, decidable={i.id for i in shown if can_decide(user, i)},
                  states=STATES, severities=SEVERITIES)


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
    matching = worklist.count_items(**filters.query(user), url=url)
    return JSONResponse({**counts.model_dump(), "matching": matching.total})


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
