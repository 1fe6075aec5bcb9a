"""Sign-in, sign-out and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from web.accounts import authenticate
from web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, safe_next
from web.templating import redirect, render

router = APIRouter()


@router.get("/health")
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _home(role: str) -> str:
    return "/intake" if role == "clerk" else "/queue"


def _login_page(request: Request, next_: str, error: str | None = None, name: str = "", status: int = 200):
    sessions = request.app.state.sessions
    token, new_cookie = sessions.login_token(request)
    response = render(request, "login.html", status_code=status, login_csrf=token, next=safe_next(next_),
                      error=error, name=name)
    if new_cookie:
        sessions.set_cookie(response, request, LOGIN_CSRF_COOKIE, new_cookie, max_age=3600 * 12)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    if request.state.user is not None:
        return RedirectResponse(safe_next(next) if next != "/" else _home(request.state.user.role), status_code=303)
    return _login_page(request, next)


@router.post("/login")
async def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")):
    throttle = request.app.state.throttle
    settings = request.app.state.settings
    address = request.client.host if request.client else None
    if throttle.blocked(name, address):
        return _login_page(request, next, "로그인 실패가 잦아 잠시 막혔습니다. 10분 뒤에 다시 시도하십시오.", name, 429)
    user = await run_in_threadpool(authenticate, name, password, settings.database_url)
    if user is None:
        throttle.failed(name, address)
        return _login_page(request, next, "사용자 이름 또는 비밀번호가 맞지 않습니다.", name, 401)
    throttle.succeeded(name)
    sessions = request.app.state.sessions
    if request.state.signed_in is not None:  # a new sign-in replaces the old session
        await run_in_threadpool(sessions.end, request.state.signed_in.session_id)
    cookie = await run_in_threadpool(sessions.start, user)
    target = safe_next(next)
    response = RedirectResponse(target if target != "/" else _home(user.role), status_code=303)
    sessions.set_cookie(response, request, SESSION_COOKIE, cookie, max_age=int(sessions.lifetime.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request):
    sessions = request.app.state.sessions
    await run_in_threadpool(sessions.end, request.state.signed_in.session_id)
    response = redirect(request, "/login", "로그아웃했습니다.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request):
    return RedirectResponse(_home(request.state.user.role), status_code=303)
