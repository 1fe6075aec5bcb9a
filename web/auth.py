"""Sign-in sessions, the sign-in requirement on every route, CSRF checks and role checks.

- The session cookie holds a random token signed with the app's key (itsdangerous); the server keeps
  only its SHA-256 (``web_sessions``) with the session's CSRF token, so signing out or a password
  change ends it. Cookies are HttpOnly and SameSite=Lax; Secure over https (``secure_cookies``).
- ``require_session`` (middleware): every path but sign-in, ``/health`` and the static assets needs a
  session: pages redirect to sign-in, ``/api/…`` answers 401.
- ``csrf_protect`` (a dependency of the whole app): every POST carries the session's token, as the
  form field ``csrf_token`` or the header ``X-CSRF-Token``; the sign-in form carries a pre-session
  token bound to its own signed cookie. Anything else is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from review_queue.database import engine_for, now_utc
from review_queue.web_tables import WebSession, WebUser
from web.accounts import User
from web.config import Settings

SESSION_COOKIE = "intake_session"
LOGIN_CSRF_COOKIE = "intake_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PUBLIC_PATHS = ("/login", "/health", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_FILES = 20_000


@dataclass(frozen=True)
class SignedIn:
    user: User
    csrf_token: str
    session_id: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Server-side sessions behind signed cookies."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.database_url
        self.lifetime = timedelta(hours=settings.session_hours)
        self.cookies = URLSafeTimedSerializer(settings.secret, salt="intake-web-session")
        self.login_cookies = URLSafeTimedSerializer(settings.secret, salt="intake-web-login-csrf")

    def start(self, user: User) -> str:
        """A new session for ``user``; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        now = now_utc()
        with Session(engine_for(self.url)) as session, session.begin():
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
            session.add(WebSession(id=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                                   created_at=now, last_seen_at=now, expires_at=now + self.lifetime))
        return self.cookies.dumps(token)

    def load(self, cookie: str | None) -> SignedIn | None:
        if not cookie:
            return None
        try:
            token = self.cookies.loads(cookie, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:
            return None
        now = now_utc()
        with Session(engine_for(self.url)) as session, session.begin():
            row = session.execute(select(WebSession, WebUser).join(WebUser, WebSession.user_id == WebUser.id)
                                  .where(WebSession.id == _digest(token))).first()
            if row is None:
                return None
            web_session, user = row
            expires = web_session.expires_at if web_session.expires_at.tzinfo else \
                web_session.expires_at.replace(tzinfo=now.tzinfo)
            if expires < now or not user.active:
                session.delete(web_session)
                return None
            last = web_session.last_seen_at if web_session.last_seen_at.tzinfo else \
                web_session.last_seen_at.replace(tzinfo=now.tzinfo)
            if now - last > timedelta(minutes=1):
                web_session.last_seen_at = now
            return SignedIn(User.of(user), web_session.csrf_token, web_session.id)

    def end(self, session_id: str) -> None:
        with Session(engine_for(self.url)) as session, session.begin():
            session.execute(delete(WebSession).where(WebSession.id == session_id))

    def secure(self, request: Request) -> bool:
        mode = self.settings.secure_cookies
        return mode == "always" or (mode == "auto" and request.url.scheme == "https")

    def set_cookie(self, response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                            secure=self.secure(request))

    # the sign-in form's own CSRF token, before there is a session
    def login_token(self, request: Request) -> tuple[str, str | None]:
        """(token for the form, new cookie value or None when the browser's cookie still holds a valid one)."""
        try:
            return self.login_cookies.loads(request.cookies.get(LOGIN_CSRF_COOKIE, ""), max_age=3600 * 12), None
        except BadSignature:
            token = secrets.token_urlsafe(32)
            return token, self.login_cookies.dumps(token)

    def login_expected(self, request: Request) -> str | None:
        try:
            return self.login_cookies.loads(request.cookies.get(LOGIN_CSRF_COOKIE, ""), max_age=3600 * 12)
        except BadSignature:
            return None


class LoginThrottle:
    """At most ``limit`` failed sign-ins per name, and ``address_limit`` per client address, within ``window``
    seconds; then that name (or address) waits. A name counts as sign-in reads it: `kim`, ` KIM ` and a
    decomposed Hangul spelling are one name, so spaces or case give no fresh tries."""

    MAX_KEYS = 10_000  # names an attacker invents cannot grow the table without bound

    def __init__(self, limit: int = 5, window: float = 600, address_limit: int = 50):
        self.limit, self.window, self.address_limit = limit, window, address_limit
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _name(name: str) -> str:
        return "name:" + unicodedata.normalize("NFC", name or "").strip().casefold()

    def _recent(self, key: str) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if time.monotonic() - t < self.window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def blocked(self, name: str, address: str | None = None) -> bool:
        with self._lock:
            if len(self._recent(self._name(name))) >= self.limit:
                return True
            return address is not None and len(self._recent("address:" + address)) >= self.address_limit

    def failed(self, name: str, address: str | None = None) -> None:
        with self._lock:
            if len(self._failures) >= self.MAX_KEYS:
                for key in list(self._failures):
                    self._recent(key)
            for key in [self._name(name)] + (["address:" + address] if address else []):
                self._failures.setdefault(key, []).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._name(name), None)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def require_session(request: Request, call_next):
    """Middleware: attach the signed-in user to ``request.state``; refuse everyone else outside the public paths."""
    sessions: Sessions = request.app.state.sessions
    signed_in = await run_in_threadpool(sessions.load, request.cookies.get(SESSION_COOKIE))
    request.state.signed_in = signed_in
    request.state.user = signed_in.user if signed_in else None
    if signed_in is None and not is_public(request.url.path):
        if wants_json(request):
            return JSONResponse({"detail": "로그인이 필요합니다"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return await call_next(request)


async def csrf_protect(request: Request) -> None:
    """Dependency of every route: an unsafe request must carry the right CSRF token (403 otherwise)."""
    if request.method in SAFE_METHODS:
        return
    signed_in: SignedIn | None = getattr(request.state, "signed_in", None)
    expected = signed_in.csrf_token if signed_in else request.app.state.sessions.login_expected(request)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form(max_files=MAX_FILES)  # the first parse: a folder upload has many files
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(403, "보안 토큰(CSRF)이 없거나 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도하십시오.")


def current_user(request: Request) -> User:
    user = getattr(request.state, "user", None)
    if user is None:  # the middleware lets only public paths through without one
        raise HTTPException(401, "로그인이 필요합니다")
    return user


def require(*roles: str):
    """A dependency: the signed-in user, refused with 403 unless their role is one of ``roles``."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user.role not in roles:
            raise HTTPException(403, "이 기능을 쓸 권한이 없습니다")
        return user

    return dependency


def safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
