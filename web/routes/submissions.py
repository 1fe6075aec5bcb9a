"""Submissions: the overview, the cohort per programme, one submission, its files and its supplement letters."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from review_queue import worklist
from schemas.loader import load_programme, programme_ids
from schemas.programme import CityProgramme
from web.accounts import User
from web.auth import current_user, require
from web.letters import LetterError, issue_letter, letter_file, letters_of, supplement_items
from web.limits import RowId
from web.overview import cohort, submission_row, submission_rows, versions_of
from web.permissions import LETTER_ROLES
from web.templating import redirect, render
from web.timefmt import KST

router = APIRouter()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(name: str) -> str:
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in name) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/submissions")
def submissions_page(request: Request, programme: str = "", show: str = "current", user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    rows = submission_rows(url, programme=programme or None, current_only=show != "all")
    programmes = [(p, load_programme(p).title) for p in programme_ids()]
    return render(request, "submissions.html", rows=rows, programme=programme, show=show, programmes=programmes)


@router.get("/submissions/cohort")
def cohort_page(request: Request, programme: str = "", user: User = Depends(current_user)):
    ids = programme_ids()
    programme = programme if programme in ids else ids[0]
    rows = cohort(request.app.state.settings.database_url, programme)
    programmes = [(p, load_programme(p).title) for p in ids]
    return render(request, "cohort.html", rows=rows, programme=programme, programmes=programmes,
                  title=load_programme(programme).title)


def _missing_values(record: dict) -> list[str]:
    if record.get("programme") and isinstance(programme := load_programme(record["programme"]), CityProgramme):
        indicators = record.get("indicators") or {}
        return [c for c in programme.reported_codes(record.get("selected_domains") or []) if c not in indicators]
    return []


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, submission_id: RowId, user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    found = submission_row(url, submission_id)
    if found is None:
        raise HTTPException(404, "그런 제출 건이 없습니다")
    row, record = found
    items = worklist.list_items(submission=submission_id, url=url)
    return render(request, "submission.html", submission=row, record=record, items=items,
                  missing_values=_missing_values(record), versions=versions_of(url, row.applicant_key, row.id),
                  supplement=supplement_items(submission_id, url), letters=letters_of(submission_id, url),
                  can_issue=user.role in LETTER_ROLES, today=datetime.now(KST).date().isoformat())


@router.get("/submissions/{submission_id}/effective.json")
def effective_json(request: Request, submission_id: RowId, user: User = Depends(current_user)):
    return JSONResponse(worklist.effective_record(submission_id, url=request.app.state.settings.database_url))


@router.get("/api/submissions")
def submissions_api(request: Request, programme: str | None = None, user: User = Depends(current_user)):
    """The submissions a scoring system can pull (read-only): ids, applicants, versions."""
    from review_queue.store import list_submissions

    rows = list_submissions(request.app.state.settings.database_url)
    return JSONResponse([r for r in rows if programme is None or r["programme"] == programme])


@router.get("/api/submissions/{submission_id}")
def submission_api(request: Request, submission_id: RowId, user: User = Depends(current_user)):
    """The export record of a submission (schemas/export.schema.json), the same as `intake export`."""
    from handoff.export import export_record

    try:
        return JSONResponse(export_record(submission_id, request.app.state.settings.database_url))
    except worklist.NotFound:
        raise HTTPException(404, "그런 제출 건이 없습니다") from None


@router.get("/submissions/{submission_id}/files/{index}")
def submission_file(request: Request, submission_id: RowId, index: int, user: User = Depends(current_user)):
    """A stored file of the submission, from the raw store, as a download (never rendered by the browser)."""
    from intake.rawstore import RawStore

    settings = request.app.state.settings
    found = submission_row(settings.database_url, submission_id)
    if found is None:
        raise HTTPException(404, "그런 제출 건이 없습니다")
    files = (found[1].get("bundle") or {}).get("files") or []
    if not 0 <= index < len(files):
        raise HTTPException(404, "그런 파일이 없습니다")
    entry = files[index]
    try:
        data = RawStore(settings.store_root).get(entry["sha256"])
    except OSError:
        raise HTTPException(404, "보관소에 파일이 없습니다") from None
    name = entry["name"].rsplit("/", 1)[-1]
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": _attachment(name), "Cache-Control": "private, no-store"})


@router.post("/submissions/{submission_id}/letters")
def issue(request: Request, submission_id: RowId, deadline: str = Form(""), user: User = Depends(require(*LETTER_ROLES))):
    try:
        day = date.fromisoformat(deadline.strip())
    except ValueError:
        return redirect(request, f"/submissions/{submission_id}#letters", "보완 기한을 날짜로 입력하십시오", "error")
    try:
        letter = issue_letter(submission_id, day, user.name, user.label, request.app.state.settings.database_url)
    except LetterError as exc:
        return redirect(request, f"/submissions/{submission_id}#letters", str(exc), "error")
    return redirect(request, f"/submissions/{submission_id}#letters",
                    f"보완요구서 제{letter.id}호를 만들었습니다 ({len(letter.item_ids)}개 항목).")


@router.get("/letters/{letter_id}.{kind}")
def letter_download(request: Request, letter_id: RowId, kind: str, user: User = Depends(current_user)):
    if kind not in ("docx", "pdf"):
        raise HTTPException(404, "그런 형식이 없습니다")
    found = letter_file(letter_id, kind, request.app.state.settings.database_url)
    if found is None:
        raise HTTPException(404, "그런 보완요구서가 없습니다")
    info, data = found
    name = f"보완요구서_{info.submission_id}_{info.id}.{kind}"
    return Response(data, media_type=DOCX_TYPE if kind == "docx" else "application/pdf",
                    headers={"Content-Disposition": _attachment(name), "Cache-Control": "private, no-store"})
