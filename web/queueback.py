"""The queue's filters, remembered across an item's pages so that "← 대기열" returns to the same list."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import Response

QUEUE_COOKIE = "intake_queue"
KEYS = ("submission", "rule", "severity", "state", "assignee", "indicator", "q", "sort", "dir", "page")


def _clean(query: str) -> str:
    """Only the queue's own parameters, each once and short: the cookie is the client's to change."""
    pairs = {k: v[:200] for k, v in parse_qsl(query or "", keep_blank_values=False) if k in KEYS}
    return urlencode(pairs)


def remember_filters(request: Request, response: Response, query: str) -> None:
    response.set_cookie(QUEUE_COOKIE, _clean(query), max_age=12 * 3600, path="/", httponly=True, samesite="lax",
                        secure=request.app.state.sessions.secure(request))


def queue_back(request: Request) -> str:
    """The queue as the user last filtered it."""
    query = _clean(request.cookies.get(QUEUE_COOKIE, ""))
    return "/queue" + (f"?{query}" if query else "")
