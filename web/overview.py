"""The submissions overview: completeness per submission and open findings by severity; the cohort per programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_queue.database import engine_for
from review_queue.records import BundleRecord, SubmissionRecord
from review_queue.worklist.models import QueueItem
from schemas.loader import load_programme
from schemas.programme import CityProgramme
from review_queue.web_tables import WebUpload
from schemas.vocabulary import CHANNEL_KO, DELIVERY_KO, OPEN_STATES, SEVERITIES


@dataclass
class Completeness:
    documents_present: int = 0
    documents_required: int = 0
    missing_documents: list[str] = field(default_factory=list)
    values_mapped: int = 0
    values_expected: int = 0
    values_label: str = "지표"  # 정량지표 (city) or 자체평가 항목 (service)

    @property
    def complete(self) -> bool:
        return self.documents_present == self.documents_required and self.values_mapped >= self.values_expected


def programme_title(programme_id: str | None) -> str:
    if not programme_id:
        return "판별 불가"
    try:
        return load_programme(programme_id).title
    except (KeyError, ValueError):
        return programme_id


def completeness(record: dict) -> Completeness:
    """Required documents present (by role) and indicators (city) or self-scores (service) mapped vs expected."""
    result = Completeness()
    if not record.get("programme"):
        return result
    programme = load_programme(record["programme"])
    roles = {f.get("role") for f in (record.get("bundle") or {}).get("files") or []}
    for required in programme.required_documents:
        if required.required and required.condition == "always":
            result.documents_required += 1
            if required.role in roles:
                result.documents_present += 1
            else:
                result.missing_documents.append(f"{required.key} {required.title}")
    if isinstance(programme, CityProgramme):
        expected = programme.reported_codes(record.get("selected_domains") or [])
        indicators = record.get("indicators") or {}
        result.values_label = "정량지표"
        result.values_expected = len(expected)
        result.values_mapped = sum(1 for code in expected if code in indicators)
    else:
        service = record.get("service") or {}
        level, domain = service.get("level"), service.get("domain")
        expected = [s.key for f in programme.fields for i in f.items if i.level in (None, level)
                    for s in i.sub_items if s.domain is None or s.domain == domain]
        scores = service.get("self_scores") or {}
        result.values_label = "자체평가 항목"
        result.values_expected = len(expected)
        result.values_mapped = sum(1 for key in expected if key in scores)
    return result


@dataclass
class SubmissionRow:
    id: int
    bundle_id: str
    programme: str | None
    programme_title: str
    applicant: str | None
    applicant_key: str | None
    version: int
    superseded_by: int | None
    channel: str
    received_at: datetime | None
    processed_at: datetime | None
    completeness: Completeness
    open_by_severity: dict[str, int]
    files: int
    delivery: str | None = None  # as the clerk entered it at the intake desk (post, hand), when uploaded there

    @property
    def delivery_ko(self) -> str:
        """How it arrived: the delivery the clerk entered, else the channel the bundle came by."""
        if self.delivery and self.delivery != "email":
            return DELIVERY_KO.get(self.delivery, self.delivery)
        return CHANNEL_KO.get(self.channel, self.channel)

    @property
    def open_total(self) -> int:
        return sum(self.open_by_severity.values())


def _open_counts(session: Session) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for sub_id, severity, n in session.execute(
            select(QueueItem.submission_id, QueueItem.severity, func.count())
            .where(QueueItem.state.in_(OPEN_STATES)).group_by(QueueItem.submission_id, QueueItem.severity)):
        counts.setdefault(sub_id, dict.fromkeys(SEVERITIES, 0))[severity] = n
    return counts


def _deliveries(session: Session, bundle_ids: list[str]) -> dict[str, str]:
    """The delivery the clerk entered: in the receipt beside a USB copy, or at the intake desk (which wins)."""
    if not bundle_ids:
        return {}
    entered = dict(session.execute(select(BundleRecord.id, BundleRecord.delivery)
                                   .where(BundleRecord.id.in_(bundle_ids), BundleRecord.delivery.is_not(None))).all())
    entered.update(session.execute(select(WebUpload.bundle_id, WebUpload.delivery)
                                   .where(WebUpload.bundle_id.in_(bundle_ids))).all())
    return entered


def _row(record: SubmissionRecord, counts: dict[int, dict[str, int]], delivery: str | None = None) -> SubmissionRow:
    data = record.record or {}
    return SubmissionRow(
        id=record.id, bundle_id=record.bundle_id, programme=record.programme,
        programme_title=programme_title(record.programme), applicant=record.applicant_name,
        applicant_key=record.applicant_key, version=record.version, superseded_by=record.superseded_by,
        channel=record.channel, received_at=record.received_at, processed_at=record.processed_at,
        completeness=completeness(data), open_by_severity=counts.get(record.id, dict.fromkeys(SEVERITIES, 0)),
        files=len((data.get("bundle") or {}).get("files") or []), delivery=delivery)


def submission_rows(url: str, *, programme: str | None = None, current_only: bool = False) -> list[SubmissionRow]:
    query = select(SubmissionRecord).order_by(SubmissionRecord.id.desc())
    if programme:
        query = query.where(SubmissionRecord.programme == programme)
    if current_only:
        query = query.where(SubmissionRecord.superseded_by.is_(None))
    with Session(engine_for(url)) as session:
        counts = _open_counts(session)
        records = list(session.scalars(query))
        deliveries = _deliveries(session, [r.bundle_id for r in records])
        return [_row(r, counts, deliveries.get(r.bundle_id)) for r in records]


def submission_row(url: str, submission_id: int) -> tuple[SubmissionRow, dict] | None:
    with Session(engine_for(url)) as session:
        record = session.get(SubmissionRecord, submission_id)
        if record is None:
            return None
        delivery = _deliveries(session, [record.bundle_id]).get(record.bundle_id)
        return _row(record, _open_counts(session), delivery), record.record or {}


def versions_of(url: str, applicant_key: str | None, submission_id: int) -> list[tuple[int, int, datetime | None]]:
    """(id, version, received_at) of every submission from the same applicant, oldest first."""
    if not applicant_key:
        return []
    with Session(engine_for(url)) as session:
        return [(r.id, r.version, r.received_at) for r in session.scalars(
            select(SubmissionRecord).where(SubmissionRecord.applicant_key == applicant_key)
            .order_by(SubmissionRecord.version))]


@dataclass
class CohortRow:
    latest: SubmissionRow
    versions: int


def cohort(url: str, programme: str) -> list[CohortRow]:
    """One row per applicant of a programme: its latest version, and how many versions it sent."""
    rows = submission_rows(url, programme=programme)
    by_applicant: dict[str, list[SubmissionRow]] = {}
    for row in rows:
        by_applicant.setdefault(row.applicant_key or f"bundle:{row.bundle_id}", []).append(row)
    result = [CohortRow(max(group, key=lambda r: r.version), len(group)) for group in by_applicant.values()]
    return sorted(result, key=lambda c: (c.latest.applicant or "", c.latest.id))
