"""The intake desk: upload a bundle in the browser and watch it being processed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from web.accounts import User
from web.auth import require
from web.limits import RowId
from web.permissions import INTAKE_ROLES
from web.templating import redirect, render
from web.timefmt import parse_local
from web.uploads import STEPS_KO, Incoming, UploadError, get_upload, recent_uploads, save_upload, upload_status

router = APIRouter()
clerk = require(*INTAKE_ROLES)


@router.get("/intake")
def intake_page(request: Request, user: User = Depends(clerk)):
    settings = request.app.state.settings
    return render(request, "intake.html", uploads=recent_uploads(settings.database_url),
                  max_mb=settings.upload_max_bytes // 1024**2)


@router.post("/intake")
async def upload(request: Request, user: User = Depends(clerk)):
    settings = request.app.state.settings
    form = await request.form()  # read here: an empty file input arrives as a plain field
    files = [v for v in form.getlist("files") if isinstance(v, StarletteUploadFile) and v.filename]
    try:
        when = parse_local(str(form.get("received_at") or ""))
    except ValueError:
        return redirect(request, "/intake", "접수 일시를 다시 입력하십시오 (예: 2025-09-23 11:30)", "error")
    try:
        upload_id = await run_in_threadpool(
            save_upload, settings, [Incoming(f.filename, f.file) for f in files],
            delivery=str(form.get("delivery") or ""), received_at=when, user_name=user.name)
    except UploadError as exc:
        return redirect(request, "/intake", str(exc), "error")
    request.app.state.worker.submit(upload_id)
    return redirect(request, f"/intake/uploads/{upload_id}",
                    "올린 번들을 저장했습니다. 처리가 끝날 때까지 이 화면에서 진행 상황을 볼 수 있습니다.")


@router.get("/intake/uploads/{upload_id}")
def upload_page(request: Request, upload_id: RowId, user: User = Depends(clerk)):
    settings = request.app.state.settings
    found = get_upload(settings.database_url, upload_id)
    if found is None:
        raise HTTPException(404, "그런 접수 건이 없습니다")
    row, status = found
    return render(request, "upload.html", upload=row, status=status, steps=STEPS_KO)


@router.get("/api/uploads/{upload_id}")
def upload_api(request: Request, upload_id: RowId, user: User = Depends(clerk)):
    status = upload_status(request.app.state.settings.database_url, upload_id)
    if status is None:
        raise HTTPException(404, "그런 접수 건이 없습니다")
    return JSONResponse(status)
