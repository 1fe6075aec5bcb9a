"""ASGI middlewares: a cap on request bodies (uploads), and the security headers of every response; the range
of a row id in a URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.exceptions import HTTPException

SLACK = 2 * 1024 * 1024  # room for the multipart framing and the form's other fields
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# A row id in a URL: past the database's 64-bit integers it names nothing (404), never a 500
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class TooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"올린 파일이 허용 크기({limit // 1024**2} MB)를 넘습니다")


class BodyLimit:
    """Refuses a request body larger than ``limit`` (+ slack): at once by Content-Length, else while it streams."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cap = self.limit + SLACK
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            return await self._refuse(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge(self.limit)
            return message

        await self.app(scope, limited, send)

    async def _refuse(self, send) -> None:
        body = f"올린 파일이 허용 크기({self.limit // 1024**2} MB)를 넘습니다".encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Same-origin scripts and styles only (no inline code), no framing, no sniffing, no caching of pages."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]

    def __init__(self, app, hsts_seconds: int = 0):
        self.app = app
        # HSTS: once a browser has seen it over https, it never comes back over http (the agency's TLS proxy)
        self.extra = [(b"strict-transport-security", f"max-age={hsts_seconds}".encode())] if hsts_seconds > 0 else []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                headers += [h for h in self.HEADERS + self.extra if h[0] not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
