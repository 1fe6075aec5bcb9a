"""The supplement request letter (보완요구서): the items marked supplement_requested, as DOCX and PDF.

Written with the preliminary report's helpers (``handoff.report``: one outline of sections, rendered
by reportlab with NanumGothic and by python-docx), and kept as issued in ``supplement_letters``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.catalogue import where_ko
from checks.particles import with_particles
from handoff.report import Section, report_words, write_docx, write_pdf
from handoff.timefmt import kst_label
from review_queue.database import engine_for, now_utc
from review_queue.web_tables import SupplementLetter
from review_queue.worklist import Item, list_items
from web.overview import programme_title
from web.sources import locate
from schemas.vocabulary import USER_ROLE_KO
from web.timefmt import KST

WEEKDAYS_KO = "월화수목금토일"


class LetterError(ValueError):
    """Why no letter was written (Korean)."""


@dataclass
class LetterInfo:
    id: int
    submission_id: int
    deadline: date
    item_ids: list[int]
    created_by: str
    created_at: datetime


def deadline_ko(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일({WEEKDAYS_KO[day.weekday()]})"


def supplement_items(submission_id: int, url: str) -> list[Item]:
    return list_items(submission=submission_id, state="supplement_requested", include_superseded=True, url=url)


def letter_rows(items: list[Item], record: dict) -> list[list[str]]:
    rows = [["번호", "보완 요구 사항", "관련 문서", "위치"]]
    for n, item in enumerate(items, 1):
        ref = locate(item, record)
        what = with_particles(item.supplement_note or item.message_ko)
        if item.indicator and item.indicator not in what:
            what = f"[{item.indicator}] {what}"
        where = ref.location if ref else None  # the Provenance of a SourceRef (web.sources)
        rows.append([str(n), what, where.file if where else "-", where_ko(where, file=False, unknown="-")])
    return rows


def signer(author_name: str, url: str | None) -> str:
    """How the letter is signed: the author's role in Korean and the name shown in the app (never a login name)."""
    from web.accounts import user_by_name

    user = user_by_name(author_name, url)
    if user is None:
        return "담당자"
    role = USER_ROLE_KO.get(user.role, "담당")
    return f"{role} {user.display_name}" if user.display_name else f"{role}자" if role.endswith("담당") else role


def outline(record: dict, submission: dict, items: list[Item], deadline: date,
            author: str) -> tuple[str, list[Section]]:
    applicant = (record.get("applicant") or {}).get("name") or "신청기관"
    title_ = programme_title(record.get("programme"))
    received = submission.get("received_at")
    overview = Section("개요", table=[
        ["항목", "내용"],
        ["수신", f"{applicant} (담당자)"],
        ["신청 사업", title_],
        ["제출 번호", f"{submission['id']} (제{submission['version']}판, 번들 {submission['bundle_id']})"],
        ["접수 일시", kst_label(received, "미기록")],
        ["보완 기한", deadline_ko(deadline)],
    ])
    body = Section("보완 요청", paragraphs=[
        f"귀 기관이 제출한 {title_} 신청 서류를 검토한 결과, 아래 {len(items)}개 사항의 보완이 필요하여 알려 드립니다.",
        f"{deadline_ko(deadline)}까지 보완 서류를 제출하여 주시기 바랍니다. 제출 방법은 최초 접수와 같습니다"
        " (전자우편, 우편 또는 방문).",
    ])
    listing = Section("보완 요구 사항", table=letter_rows(items, record))
    agency = report_words().get(record.get("programme"), {}).get("operating_agency", "운영기관")
    closing = Section("작성", paragraphs=[f"{datetime.now(KST):%Y-%m-%d} · {agency} {author}",
                                        "기한 내 보완이 어려운 경우 기한 전에 담당자에게 알려 주시기 바랍니다."])
    return "보완요구서", [overview, body, listing, closing]


def issue_letter(submission_id: int, deadline: date, author_name: str, author_label: str, url: str) -> LetterInfo:
    """Write and keep the letter for the submission's items now marked supplement_requested (signed with the
    author's Korean role and display name from the account; ``author_label`` is kept for the callers)."""
    from web.overview import submission_row

    found = submission_row(url, submission_id)
    if found is None:
        raise LetterError("그런 제출 건이 없습니다")
    row, record = found
    if deadline < datetime.now(KST).date():
        raise LetterError("보완 기한은 오늘 이후 날짜여야 합니다")
    items = supplement_items(submission_id, url)
    if not items:
        raise LetterError("보완 요청 상태인 항목이 없습니다. 먼저 항목에 보완요구를 표시하십시오")
    submission = {"id": row.id, "version": row.version, "bundle_id": row.bundle_id, "received_at": row.received_at}
    title, sections = outline(record, submission, items, deadline, signer(author_name, url))
    with tempfile.TemporaryDirectory(prefix="intake-letter-") as tmp:
        pdf = write_pdf(title, sections, Path(tmp) / "letter.pdf").read_bytes()
        docx = write_docx(title, sections, Path(tmp) / "letter.docx").read_bytes()
    with Session(engine_for(url)) as session, session.begin():
        letter = SupplementLetter(submission_id=submission_id, deadline=deadline, item_ids=[i.id for i in items],
                                  created_by=author_name, created_at=now_utc(), docx=docx, pdf=pdf)
        session.add(letter)
        session.flush()
        return _info(letter)


def _info(row: SupplementLetter) -> LetterInfo:
    return LetterInfo(row.id, row.submission_id, row.deadline, list(row.item_ids), row.created_by, row.created_at)


def letters_of(submission_id: int, url: str) -> list[LetterInfo]:
    columns = (SupplementLetter.id, SupplementLetter.submission_id, SupplementLetter.deadline,
               SupplementLetter.item_ids, SupplementLetter.created_by, SupplementLetter.created_at)
    with Session(engine_for(url)) as session:
        return [LetterInfo(*row) for row in session.execute(
            select(*columns).where(SupplementLetter.submission_id == submission_id)
            .order_by(SupplementLetter.id.desc()))]


def letter_file(letter_id: int, kind: str, url: str) -> tuple[LetterInfo, bytes] | None:
    with Session(engine_for(url)) as session:
        row = session.get(SupplementLetter, letter_id)
        if row is None:
            return None
        return _info(row), row.docx if kind == "docx" else row.pdf
