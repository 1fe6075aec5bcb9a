"""A submission's values page (every indicator, stage and self-score, with findings and sources), the comparison
of two versions, and the source of any one value: a crop of the stored page or the source table with its cell marked."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from review_queue import worklist
from schemas.vocabulary import OPEN_STATES
from web.accounts import User
from web.auth import current_user
from web.limits import RowId
from web.overview import submission_row, versions_of
from web.pictures import render_png
from web.sources import SourceRef, SourceUnavailable, ref_for, source_dict
from web.tables import table_view
from web.templating import render
from web.valuesheet import filter_indicators, mark_changes, value_sheet

router = APIRouter()
log = logging.getLogger(__name__)
CHANGE_KO = {"value": "값", "component": "구성 요소", "document": "근거 문서"}


def _submission(url: str, submission_id: int):
    found = submission_row(url, submission_id)
    if found is None:
        raise HTTPException(404, "그런 제출 건이 없습니다")
    return found


def _open_items(url: str, submission_id: int) -> list:
    return worklist.list_items(submission=submission_id, state=list(OPEN_STATES), url=url)


@router.get("/submissions/{submission_id}/values")
def values_page(request: Request, submission_id: RowId, category: str = "", domain: str = "", findings: str = "",
                changed: str = "", q: str = "", compare: str = "", user: User = Depends(current_user)):
    url = request.app.state.settings.database_url
    row, record = _submission(url, submission_id)
    sheet = value_sheet(record, _open_items(url, submission_id))
    if sheet is None:
        raise HTTPException(404, "프로그램을 판별하지 못한 제출 건에는 값 목록이 없습니다")
    versions = versions_of(url, row.applicant_key, row.id)
    earlier = [(i, v) for i, v, _ in versions if v < row.version]
    compared = None
    if compare.strip().isdigit() and int(compare) in {i for i, _, _ in versions} and int(compare) != row.id:
        other_row, other_record = _submission(url, int(compare))
        other = value_sheet(other_record, [])
        if other is not None and other.programme == sheet.programme:
            mark_changes(sheet, record, other, other_record)
            compared = other_row
    shown = filter_indicators(sheet.indicators, category=category, domain=domain, findings=bool(findings),
                              changed=bool(changed) and compared is not None, query=q)
    return render(request, "values.html", submission=row, sheet=sheet, shown=shown, versions=versions,
                  previous=earlier[-1] if earlier else None, compared=compared, change_ko=CHANGE_KO,
                  filters={"category": category, "domain": domain, "findings": findings, "changed": changed, "q": q,
                           "compare": str(compared.id) if compared else ""})


def _ref(url: str, submission_id: int, key: str) -> tuple[object, dict, SourceRef]:
    row, record = _submission(url, submission_id)
    found = source_dict(record, key)
    if found is None:
        raise HTTPException(404, "이 값에는 원문 위치 정보가 없습니다")
    return row, record, ref_for(record, *found)


@router.get("/submissions/{submission_id}/source")
def source_page(request: Request, submission_id: RowId, key: str, user: User = Depends(current_user)):
    settings = request.app.state.settings
    row, record, ref = _ref(settings.database_url, submission_id, key)
    picture = table = problem = None
    try:
        if ref.kind in ("pdf", "image"):
            render_png(ref, "page", settings.store_root)
            picture = {"crop": bool(ref.location.bbox)}
        elif ref.kind == "table":
            table = table_view(ref, settings.store_root)
    except SourceUnavailable as exc:
        log.warning("source %s of submission %s cannot be shown: %s", key, submission_id, exc)
        problem = "원문 미리보기를 만들 수 없습니다. 원본 파일을 내려받아 확인하십시오."
    return render(request, "source.html", submission=row, key=key, ref=ref, picture=picture, table=table,
                  problem=problem, label=_label(record, key))


def _label(record: dict, key: str) -> str:
    """What the source is the source of, in the page's heading (`A-2-1 구성 요소 A`)."""
    kind, _, rest = key.partition(":")
    if kind == "c":
        code, _, letter = rest.rpartition(":")
        return f"{code} 구성 요소 {letter}"
    if kind == "l":
        code, _, number = rest.rpartition(":")
        return f"{code} 목록 {int(number) + 1}번째 항목" if number.isdigit() else code
    if kind == "t":
        return "자체평가 합계" if rest == "total" else f"{rest}. 분야 계"
    return {"v": f"{rest} 작성 값", "q": f"{rest} 자체평가 단계", "s": f"{rest} 자체평가 점수"}.get(kind, rest)


@router.get("/submissions/{submission_id}/source.png")
def source_png(request: Request, submission_id: RowId, key: str, view: str = "crop", user: User = Depends(current_user)):
    settings = request.app.state.settings
    _, _, ref = _ref(settings.database_url, submission_id, key)
    if view not in ("page", "crop"):
        raise HTTPException(404, "그런 보기 방식이 없습니다")
    try:
        png = render_png(ref, view, settings.store_root)
    except SourceUnavailable as exc:
        log.warning("source %s of submission %s: no %s picture: %s", key, submission_id, view, exc)
        raise HTTPException(404, "원문 이미지를 만들 수 없습니다") from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
