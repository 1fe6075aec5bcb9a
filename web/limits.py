"""ASGI middlewares: a cap on request bodies (uploads), and the security headers of every response; the range
of a row id in a URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

SLACK = 2 * 1024 * 1024  # room for the multipart framing and the form's other fields
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# A row id in a URL: past the database's 64-bit integers it names nothing (404), never a 500
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


FORM_LIMIT = 1024**2  # a sign-in, a comment, a correction: no form but the upload needs more


class BodyLimit:
    """Refuses a request body larger than its cap: ``limit`` (+ slack) on the upload paths, ``FORM_LIMIT``
    elsewhere (an unauthenticated POST to /login is never spooled whole). At once by Content-Length, else
    while it streams; a 413 either way, also when the body was chunked."""

    def __init__(self, app, limit: int, upload_paths: tuple[str, ...] = ("/intake",)):
        self.app, self.limit, self.upload_paths = app, limit, upload_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope.get("path", "") in self.upload_paths
        cap = self.limit + SLACK if upload else FORM_LIMIT
        shown = self.limit if upload else FORM_LIMIT
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            return await self._refuse(send, shown)
        seen = 0
        over = started = False

        async def limited():
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:  # the app sees the client gone; the answer is ours
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message):
            nonlocal started
            if over and not started:
                return  # what the app says about a body it never got whole is not sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(send, shown)

    @staticmethod
    async def _refuse(send, limit: int) -> None:
        body = f"올린 파일이나 요청이 허용 크기({max(limit // 1024**2, 1)} MB)를 넘습니다".encode()
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
