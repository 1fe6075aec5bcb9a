"""The app factory: ``create_app(Settings)``; ``intake serve`` runs it under uvicorn."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from review_queue.database import engine_for
from review_queue.worklist import InvalidInput, InvalidTransition, NotFound, QueueError
from web.auth import LoginThrottle, Sessions, csrf_protect, require_session, wants_json
from web.config import Settings
from web.limits import BodyLimit, SecurityHeaders
from web.templating import environment, render
from web.uploads import UploadWorker

STATIC_DIR = Path(__file__).parent / "static"
QUEUE_STATUS = {NotFound: 404, InvalidTransition: 409, InvalidInput: 422}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine_for(settings.database_url)  # the schema up to date before the first request
    worker = UploadWorker(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.start_worker and settings.processor is not None:
            worker.start()
        yield
        worker.stop()

    app = FastAPI(title="스마트도시 인증 접수·검토", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None, dependencies=[Depends(csrf_protect)])
    app.state.settings = settings
    app.state.sessions = Sessions(settings)
    app.state.throttle = LoginThrottle()
    app.state.worker = worker
    app.state.templates = environment()

    app.middleware("http")(require_session)
    app.add_middleware(BodyLimit, limit=settings.upload_max_bytes)
    app.add_middleware(SecurityHeaders, hsts_seconds=settings.hsts_seconds)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from web.routes import admin, auth, intake, items, queue, submissions, values

    for module in (auth, queue, items, values, submissions, intake, admin):
        app.include_router(module.router)
    _error_handlers(app)
    return app


def _error_page(request: Request, status: int, message: str):
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "요청을 처리할 수 없습니다"
        if exc.status_code == 404 and message == "Not Found":
            message = "찾는 페이지가 없습니다"
        elif exc.status_code == 405:
            message = "허용되지 않는 요청 방식입니다"
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        if exc.errors() and all(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            return _error_page(request, 404, "찾는 페이지가 없습니다")  # an id no row can have (web.limits.RowId)
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
        return _error_page(request, 422, f"입력값이 올바르지 않습니다: {fields}")

    @app.exception_handler(QueueError)
    async def queue_refused(request: Request, exc: QueueError):
        from web.queue_errors import queue_error_ko

        return _error_page(request, QUEUE_STATUS.get(type(exc), 409), queue_error_ko(exc))
