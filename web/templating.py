"""Jinja2 pages (autoescaped), flash messages across a redirect, and the labels the pages print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeSerializer

from checks.particles import with_particles
from review_queue.worklist import PIPELINE
from schemas.vocabulary import ACTION_KO, CHANNEL_KO, DELIVERY_KO, DOCUMENT_ROLE_KO, SEVERITY_KO, STATE_KO, USER_ROLE_KO
from web.timefmt import kst

TEMPLATES_DIR = Path(__file__).parent / "templates"
FLASH_COOKIE = "intake_flash"
FIELD_KO = {"state": "상태", "assignee": "담당자", "resolution_note": "처리 메모", "supplement_note": "보완 요구 내용",
            "message_ko": "메시지", "severity": "심각도", "source": "위치", "params": "매개변수", "detected": "재처리 시 발견"}


def _number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "예(O)" if value else "아니오(X)"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _audit_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return STATE_KO.get(value, value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return _number(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(kst=kst, number=_number, audit_value=_audit_value,
                       severity_ko=lambda s: SEVERITY_KO.get(s, s), state_ko=lambda s: STATE_KO.get(s, s),
                       role_ko=lambda r: USER_ROLE_KO.get(r, r), channel_ko=lambda c: CHANNEL_KO.get(c, c),
                       delivery_ko=lambda d: DELIVERY_KO.get(d, d), action_ko=lambda a: ACTION_KO.get(a, a),
                       field_ko=lambda f: FIELD_KO.get(f, f),
                       particles=with_particles,  # messages stored before particles were chosen keep `이(가)`
                       actor=lambda a: "자동 처리" if a == PIPELINE else a,
                       document_role_ko=lambda r: DOCUMENT_ROLE_KO.get(r, r))
    env.globals.update(SEVERITY_KO=SEVERITY_KO, STATE_KO=STATE_KO, USER_ROLE_KO=USER_ROLE_KO)
    return env


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret, salt="intake-web-flash")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    signed_in = getattr(request.state, "signed_in", None)
    flash = None
    if FLASH_COOKIE in request.cookies:
        try:
            flash = _flash_serializer(request).loads(request.cookies[FLASH_COOKIE])
        except BadSignature:
            flash = None
    page = request.app.state.templates.get_template(template)
    html = page.render(request=request, user=signed_in.user if signed_in else None,
                       csrf_token=signed_in.csrf_token if signed_in else context.pop("login_csrf", ""),
                       flash=flash, path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status_code)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(request: Request, target: str, message: str | None = None, kind: str = "ok") -> RedirectResponse:
    """303 to ``target`` (a local path), with a message shown once on the next page."""
    response = RedirectResponse(target, status_code=303)
    if message:
        response.set_cookie(FLASH_COOKIE, _flash_serializer(request).dumps({"kind": kind, "text": message}),
                            max_age=60, path="/", httponly=True, samesite="lax",
                            secure=request.app.state.sessions.secure(request))
    return response
