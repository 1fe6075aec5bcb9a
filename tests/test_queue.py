"""The review queue on SQLite and on a real PostgreSQL (INTAKE_TEST_POSTGRES_URL, started by .ci/run).

Submissions come from the real pipeline functions run on the generated sample bundles (open_bundle →
extract → map_bundle → run_checks → record_submission), without Prefect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, insert, text

from checks import problem_findings, run_checks
from extractors.registry import extract
from intake.bundles import open_bundle
from mapping.submission import map_bundle
from review_queue import worklist
from review_queue.database import MIGRATIONS, engine_for
from review_queue.records import SubmissionRecord
from review_queue.store import list_submissions, record_submission
from review_queue.worklist import InvalidInput, InvalidTransition, NotFound
from review_queue.worklist.identity import identities
from schemas import vocabulary
from schemas.export import ReviewedSubmission
from schemas.loader import load_programme
from schemas.submission import Bundle, Submission

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = load_programme("city-2025").submission_window.end
LATE = DEADLINE + timedelta(hours=2)



@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    from samples.make_samples import load_specs, write_bundle

    out = tmp_path_factory.mktemp("queue-bundles")
    return {spec["id"]: write_bundle(spec, out) for spec in load_specs()}


_documents: dict[Path, list] = {}


def process(path: Path, received_at: datetime | None = None) -> Submission:
    """The pipeline without Prefect; each file is extracted once per test session (extraction is cached in
    production too), mapping and checks run every time."""
    bundle = open_bundle(path, received_at)
    if path not in _documents:
        _documents[path] = [extract(f.name, f.data) for f in bundle.files if not f.expanded]
    header = Bundle(id=bundle.id, channel=bundle.channel, received_at=bundle.received_at, sender=bundle.sender)
    mapped = map_bundle(header, [d.model_copy(deep=True) for d in _documents[path]],
                        sizes={f.name: len(f.data) for f in bundle.files})
    mapped.submission.findings = problem_findings(bundle.problems) + run_checks(mapped)
    return mapped.submission


def only(url: str, submission: int, rule: str, indicator: str | None = None) -> worklist.Item:
    items = worklist.list_items(submission=submission, rule=rule, indicator=indicator, url=url)
    assert len(items) == 1, [(i.rule, i.indicator) for i in items]
    return items[0]


def trail(url: str, item_id: int) -> list[tuple]:
    return [(a.actor, a.field, a.before, a.after, a.note) for a in worklist.get_item(item_id, url=url).audit]


def test_first_processing_opens_an_item_per_finding(database_url, bundles):
    submission = process(bundles["city-pureun"])
    sid = record_submission(submission, database_url)
    items = worklist.list_items(submission=sid, url=database_url)
    assert len(items) == len(submission.findings) > 0
    assert {i.state for i in items} == {"open"} and all(i.detected for i in items)
    assert sorted((i.rule, i.indicator, i.message_ko) for i in items) == sorted(
        (f.rule, f.indicator, f.message_ko) for f in submission.findings)
    assert list_submissions(database_url)[0]["open_findings"] == len(items)
    for item in items:
        assert trail(database_url, item.id) == [("pipeline", "state", None, "open", None)]


def test_reviewer_decisions_survive_reprocessing(database_url, bundles):
    path = bundles["city-pureun"]
    sid = record_submission(process(path), database_url)
    resolved = only(database_url, sid, "indicator.missing", "C-9-2")
    waived = only(database_url, sid, "document.unreadable")
    reviewing = only(database_url, sid, "document.missing")
    worklist.resolve(resolved.id, actor="kim", note="근거자료 12쪽에서 값 확인, 보정함", url=database_url)
    worklist.waive(waived.id, actor="lee", reason="동일 내용의 통계표(xlsx)가 제출되어 대체 인정", url=database_url)
    worklist.assign(reviewing.id, actor="lee", assignee="park", url=database_url)
    worklist.start_review(reviewing.id, actor="park", url=database_url)
    worklist.comment(reviewing.id, actor="park", text="신청기관에 자체평가표 제출 여부 확인 중", url=database_url)
    worklist.correct_value(sid, "A-1-2", "2", actor="kim", note="근거자료 3쪽: 2건", url=database_url)
    before = {i.id: i for i in worklist.list_items(submission=sid, url=database_url)}
    trails = {item_id: trail(database_url, item_id) for item_id in before}

    again = process(path)  # the same bundle processed again: the same problems are found
    assert record_submission(again, database_url) == sid
    after = {i.id: i for i in worklist.list_items(submission=sid, url=database_url)}
    assert after.keys() == before.keys()
    assert after[resolved.id].state == "resolved" and after[resolved.id].closed_by == "kim"
    assert after[resolved.id].resolution_note == "근거자료 12쪽에서 값 확인, 보정함" and after[resolved.id].detected
    assert after[waived.id].state == "waived" and after[waived.id].closed_by == "lee"
    assert (after[reviewing.id].state, after[reviewing.id].assignee) == ("in_review", "park")
    assert {item_id: trail(database_url, item_id) for item_id in after} == trails  # nothing changed, nothing audited
    assert [c.text for c in worklist.get_item(reviewing.id, url=database_url).comments] == ["신청기관에 자체평가표 제출 여부 확인 중"]
    a12 = worklist.effective_record(sid, url=database_url)["indicators"]["A-1-2"]
    assert (a12["value"], a12["original_value"], a12["corrected_by"]) == (2, 1, "kim")
    counts = worklist.count_items(submission=sid, url=database_url)
    assert (counts.by_state["resolved"], counts.by_state["waived"], counts.by_state["in_review"]) == (1, 1, 1)
    assert list_submissions(database_url)[0]["open_findings"] == len(after) - 2


def test_fixed_problem_closes_new_problem_opens(database_url, bundles):
    path = bundles["city-pureun"]
    sid = record_submission(process(path), database_url)  # USB without the clerk's receipt time
    missing_time = only(database_url, sid, "submission.receipt_time_missing")
    assert not worklist.list_items(submission=sid, rule="submission.late", url=database_url)

    record_submission(process(path, LATE), database_url)  # the clerk enters it: after the deadline
    closed = worklist.get_item(missing_time.id, url=database_url)
    assert (closed.state, closed.closed_by, closed.detected) == ("resolved", "pipeline", False)
    assert closed.resolution_note == worklist.NOTE_GONE == "재처리 결과 더 이상 발견되지 않음"
    assert ("pipeline", "state", "open", "resolved", worklist.NOTE_GONE) in trail(database_url, closed.id)
    late = only(database_url, sid, "submission.late")
    assert late.state == "open" and "2025-09-23 20:00" in late.message_ko

    record_submission(process(path, LATE + timedelta(hours=1)), database_url)  # a corrected receipt time
    refreshed = only(database_url, sid, "submission.late")
    assert refreshed.id == late.id and "2025-09-23 21:00" in refreshed.message_ko  # the same item, re-worded
    assert ("pipeline", "message_ko", late.message_ko, refreshed.message_ko, None) in trail(database_url, late.id)
    worklist.resolve(late.id, actor="kim", note="우체국 소인 확인: 기한 내 발송", url=database_url)

    record_submission(process(path), database_url)  # the receipt time is gone again
    back = worklist.get_item(missing_time.id, url=database_url)  # closed by the pipeline, so it reopens
    assert (back.state, back.detected, back.closed_by, back.resolution_note) == ("open", True, None, None)
    assert ("pipeline", "state", "resolved", "open", worklist.NOTE_BACK) in trail(database_url, back.id)
    kept = worklist.get_item(late.id, url=database_url)  # a reviewer's decision stays, only marked not detected
    assert (kept.state, kept.closed_by, kept.resolution_note, kept.detected) == (
        "resolved", "kim", "우체국 소인 확인: 기한 내 발송", False)


def test_audit_trail_records_who_when_before_after(database_url, bundles):
    sid = record_submission(process(bundles["city-pureun"]), database_url)
    item = only(database_url, sid, "indicator.missing", "C-9-3")
    start = datetime.now(timezone.utc)
    worklist.assign(item.id, actor="lee", assignee="kim", url=database_url)
    worklist.start_review(item.id, actor="kim", url=database_url)
    worklist.request_supplement(item.id, actor="kim", note="C-9-3 자체 설정 지표 산식과 값을 제출하십시오.", url=database_url)
    worklist.start_review(item.id, actor="kim", url=database_url)
    worklist.resolve(item.id, actor="kim", note="보완자료 확인", url=database_url)
    worklist.reopen(item.id, actor="lee", note="산식 재확인 필요", url=database_url)
    worklist.assign(item.id, actor="lee", assignee=None, url=database_url)
    detail = worklist.get_item(item.id, url=database_url)
    assert [(a.actor, a.field, a.before, a.after, a.note) for a in detail.audit[1:]] == [
        ("lee", "assignee", None, "kim", None),
        ("kim", "state", "open", "in_review", None),
        ("kim", "state", "in_review", "supplement_requested", "C-9-3 자체 설정 지표 산식과 값을 제출하십시오."),
        ("kim", "supplement_note", None, "C-9-3 자체 설정 지표 산식과 값을 제출하십시오.", None),
        ("kim", "state", "supplement_requested", "in_review", None),
        ("kim", "state", "in_review", "resolved", "보완자료 확인"),
        ("kim", "resolution_note", None, "보완자료 확인", None),
        ("lee", "state", "resolved", "open", "산식 재확인 필요"),
        ("lee", "resolution_note", "보완자료 확인", None, None),
        ("lee", "assignee", "kim", None, None),
    ]
    assert all(start <= a.at <= datetime.now(timezone.utc) for a in detail.audit[1:])
    assert detail.state == "open" and detail.supplement_note.startswith("C-9-3")
    worklist.correct_value(sid, "C-9-3", "4.5", actor="kim", note="보완자료 2쪽", url=database_url)
    value_changes = [a for a in worklist.audit_trail(sid, url=database_url) if a.item_id is None]
    assert [(a.actor, a.field, a.before, a.after, a.note) for a in value_changes] == [
        ("kim", "value:C-9-3", None, 4.5, "보완자료 2쪽")]
    assert [(c.actor, c.value, c.original_value) for c in worklist.get_item(item.id, url=database_url).corrections] == [
        ("kim", 4.5, None)]


def test_effective_record_applies_corrections_and_keeps_originals(database_url, bundles):
    sid = record_submission(process(bundles["city-pureun"]), database_url)
    stored = worklist.effective_record(sid, url=database_url)
    worklist.correct_value(sid, "A-1-2", 3, actor="kim", url=database_url)
    worklist.correct_value(sid, "A-1-2", "2", actor="lee", note="근거자료 3쪽 재확인", url=database_url)  # the latest counts
    worklist.correct_value(sid, "A-1-3", "예", actor="kim", url=database_url)
    worklist.correct_value(sid, "A-2-1", "48,210", component="a", actor="kim", url=database_url)
    worklist.correct_value(sid, "B-3-2", "99.5%", actor="kim", url=database_url)
    worklist.correct_value(sid, "C-9-2", 12.5, actor="kim", note="요약표 누락분, 제안서 본문에서", url=database_url)
    record = worklist.effective_record(sid, url=database_url)
    ind = record["indicators"]
    assert {k: ind["A-1-2"][k] for k in ("value", "original_value", "corrected_by", "correction_note")} == {
        "value": 2, "original_value": 1, "corrected_by": "lee", "correction_note": "근거자료 3쪽 재확인"}
    assert datetime.fromisoformat(ind["A-1-2"]["corrected_at"]).tzinfo is not None
    assert (ind["A-1-3"]["value"], ind["A-1-3"]["original_value"]) == (True, False)
    extracted_a = stored["indicators"]["A-2-1"]["components"].get("A")
    assert ind["A-2-1"]["components"]["A"] == 48210 and ind["A-2-1"]["original_components"] == {"A": extracted_a}
    assert ind["A-2-1"]["value"] == stored["indicators"]["A-2-1"]["value"]  # the stated value is untouched
    assert (ind["B-3-2"]["value"], ind["B-3-2"]["original_value"]) == (99.5, 124.22)
    assert (ind["C-9-2"]["value"], ind["C-9-2"]["original_value"]) == (12.5, None)
    assert [c["indicator"] for c in record["corrections"]] == ["A-1-2", "A-1-3", "A-2-1", "B-3-2", "C-9-2"]
    assert all(f["review"]["state"] == "open" for f in record["findings"])
    ReviewedSubmission.model_validate({k: v for k, v in record.items() if k != "review"})  # the contract holds

    worklist.withdraw_correction(sid, "A-1-3", actor="kim", note="원래 값이 맞음", url=database_url)
    record = worklist.effective_record(sid, url=database_url)
    assert record["indicators"]["A-1-3"] == stored["indicators"]["A-1-3"]
    with pytest.raises(InvalidInput):
        worklist.withdraw_correction(sid, "A-1-3", actor="kim", url=database_url)
    # the stored submission itself never changes
    with engine_for(database_url).connect() as conn:
        raw = conn.execute(SubmissionRecord.__table__.select().where(SubmissionRecord.id == sid)).one().record
    assert raw["indicators"]["A-1-2"]["value"] == 1 and "corrections" not in raw

    refusals = []
    for indicator, value, component in (("Z-9-9", 1, None), ("A-1-3", "아마도", None), ("A-1-2", -1, None),
                                        ("A-1-2", 1.5, None), ("A-2-1", 1, "Z"), ("A-1-2", "", None)):
        with pytest.raises(InvalidInput) as refused:
            worklist.correct_value(sid, indicator, value, component=component, actor="kim", url=database_url)
        refusals.append(refused.value.ko)
    # the reviewer reads each refusal in Korean, with the particle that fits the word before it
    letters = ", ".join(c.letter for c in load_programme(stored["programme"]).indicator("A-2-1").components)
    assert refusals == ["'Z-9-9'는 이 프로그램의 지표나 정성지표가 아닙니다",
                        "예/아니오 값이 아닙니다: 아마도 (예, 아니오, O, X 중 하나)",
                        "건수는 0 이상의 정수여야 합니다: -1", "건수는 0 이상의 정수여야 합니다: 1.5",
                        f"A-2-1에는 구성 요소 'Z'가 없습니다 (있는 구성 요소: {letters})", "숫자가 아닙니다: "]
    with pytest.raises(NotFound) as refused:
        worklist.correct_value(99999, "A-1-2", 1, actor="kim", url=database_url)
    assert refused.value.ko == "제출 번호 99999에 해당하는 제출 건이 없습니다"


def test_corrections_of_stages_and_self_scores(database_url, bundles):
    city = record_submission(process(bundles["city-hanbit"]), database_url)
    service = record_submission(process(bundles["service-mobility"]), database_url)
    worklist.correct_value(city, "A1.1", "발전 단계", actor="kim", url=database_url)
    stage = worklist.effective_record(city, url=database_url)["qualitative"]["A1.1"]
    assert (stage["stage"], stage["original_value"], stage["corrected_by"]) == (4, 3, "kim")
    with pytest.raises(InvalidInput):
        worklist.correct_value(city, "A1.1", 6, actor="kim", url=database_url)
    item = only(database_url, service, "service.self_score_exceeds_max", "2.2.4.2")
    with pytest.raises(InvalidInput):  # above the sub-item's 4 points
        worklist.correct_value(service, "2.2.4.2", 5, actor="kim", url=database_url)
    worklist.correct_value(service, "2.2.4.2", "4", actor="kim", note="배점 초과분 조정", url=database_url)
    worklist.resolve(item.id, actor="kim", note="자체평가 점수를 배점으로 보정", url=database_url)
    record = worklist.effective_record(service, url=database_url)
    assert record["service"]["self_scores"]["2.2.4.2"] == 4
    assert record["service"]["corrected"]["2.2.4.2"]["original_value"] == 5
    assert [f["review"]["state"] for f in record["findings"] if f["rule"] == "service.self_score_exceeds_max"] == ["resolved"]


def test_filters_counts_and_versions(database_url, bundles):
    pureun = process(bundles["city-pureun"])
    sid = record_submission(pureun, database_url)
    service = record_submission(process(bundles["service-mobility"]), database_url)
    total = len(pureun.findings) + len(worklist.list_items(submission=service, url=database_url))
    assert worklist.count_items(url=database_url).total == total == len(worklist.list_items(url=database_url))
    counts = worklist.count_items(submission=sid, url=database_url)
    assert counts.by_severity["blocker"] == sum(f.severity == "blocker" for f in pureun.findings)
    assert counts.by_state == {"open": len(pureun.findings), "in_review": 0, "supplement_requested": 0,
                               "resolved": 0, "waived": 0}
    assert worklist.list_items(submission=pureun.bundle.id, url=database_url) == worklist.list_items(submission=sid,
                                                                                              url=database_url)
    missing = worklist.list_items(rule="indicator.missing", url=database_url)
    assert {i.indicator for i in missing} >= {"C-9-2", "C-9-3"} and {i.submission_id for i in missing} == {sid}
    documents = worklist.list_items(rule="document.*", url=database_url)
    assert documents and all(i.rule.startswith("document.") for i in documents)
    blockers = worklist.list_items(severity="blocker", url=database_url)
    assert blockers and {i.severity for i in blockers} == {"blocker"}
    ordered = worklist.list_items(url=database_url)
    assert [i.severity for i in ordered] == sorted((i.severity for i in ordered), key=vocabulary.SEVERITIES.index)
    assert [i.indicator for i in worklist.list_items(indicator="2.2.4.2", url=database_url)] == ["2.2.4.2"]
    first, second = blockers[0], blockers[1]
    worklist.assign(first.id, actor="lee", assignee="kim", url=database_url)
    worklist.assign(second.id, actor="lee", assignee="park", url=database_url)
    worklist.start_review(second.id, actor="park", url=database_url)
    assert [i.id for i in worklist.list_items(assignee="kim", url=database_url)] == [first.id]
    assert [i.id for i in worklist.list_items(assignee=["kim", "park"], url=database_url)] == sorted([first.id, second.id])
    assert len(worklist.list_items(unassigned=True, url=database_url)) == total - 2
    assert [i.id for i in worklist.list_items(state="in_review", url=database_url)] == [second.id]
    assert worklist.count_items(state=["open", "in_review"], severity="blocker", url=database_url).total == len(blockers)
    assert len(worklist.list_items(limit=2, offset=1, url=database_url)) == 2
    with pytest.raises(InvalidInput):
        worklist.list_items(state="closed", url=database_url)

    # a resubmission from the same applicant: the next version, with its own items
    resubmitted = pureun.model_copy(deep=True)
    resubmitted.bundle.id = "usb-resubmitted-pureun"
    v2 = record_submission(resubmitted, database_url)
    rows = {r["id"]: r for r in list_submissions(database_url)}
    assert (rows[sid]["superseded_by"], rows[v2]["version"]) == (v2, 2)
    v2_items = worklist.list_items(submission=v2, url=database_url)
    assert len(v2_items) == len(pureun.findings) and {i.state for i in v2_items} == {"open"}
    assert not {i.id for i in v2_items} & {i.id for i in worklist.list_items(submission=sid, url=database_url)}
    current = worklist.list_items(url=database_url)  # superseded versions are left out unless asked for
    assert sid not in {i.submission_id for i in current} and v2 in {i.submission_id for i in current}
    assert len(worklist.list_items(include_superseded=True, url=database_url)) == total + len(v2_items)
    assert all(i.superseded for i in worklist.list_items(submission=sid, url=database_url))


def test_invalid_transitions_are_refused(database_url, bundles):
    sid = record_submission(process(bundles["city-pureun"]), database_url)
    item = only(database_url, sid, "document.missing")
    worklist.waive(item.id, actor="kim", reason="공문으로 제출 면제 확인", url=database_url)
    audited = trail(database_url, item.id)
    for action, kwargs in ((worklist.resolve, {}), (worklist.start_review, {}), (worklist.request_supplement, {}),
                           (worklist.waive, {"reason": "다시"})):
        with pytest.raises(InvalidTransition, match=f"item {item.id} is waived") as refused:
            action(item.id, actor="kim", url=database_url, **kwargs)
        assert refused.value.ko.startswith(f"#{item.id} 항목은 지금 '예외 인정' 상태라 ")
    assert worklist.allowed_actions("waived") == ["reopen"]
    other = only(database_url, sid, "indicator.missing", "C-9-2")
    for kwargs in ({"actor": "kim", "reason": "  "}, {"actor": "", "reason": "사유"}, {"actor": "pipeline", "reason": "사유"}):
        with pytest.raises(InvalidInput):
            worklist.waive(other.id, url=database_url, **kwargs)
    with pytest.raises(InvalidInput):
        worklist.comment(other.id, actor="kim", text=" ", url=database_url)
    with pytest.raises(NotFound):
        worklist.resolve(99999, actor="kim", url=database_url)
    with pytest.raises(NotFound):
        worklist.get_item(99999, url=database_url)
    assert trail(database_url, item.id) == audited and trail(database_url, other.id) == [
        ("pipeline", "state", None, "open", None)]


def test_findings_table_is_migrated_into_items(database_url):
    """A store at revision 0002 (findings as plain rows) keeps every finding as an open item at 0003."""
    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    findings = [{"rule": "indicator.missing", "severity": "blocker", "indicator": "C-9-2", "message_ko": "C-9-2 누락",
                 "source": None, "params": {"code": "C-9-2", "name": "온실가스"}},
                {"rule": "document.missing", "severity": "blocker", "indicator": None, "message_ko": "자체평가표 누락",
                 "source": None, "params": {"key": "③", "title": "자체평가표", "role": "qualitative_self_assessment"}}]
    record = Submission(programme="city-2025", bundle=Bundle(id="usb-old", channel="usb"), findings=findings)
    with engine.begin() as conn:
        conn.execute(insert(SubmissionRecord.__table__).values(
            id=1, bundle_id="usb-old", programme="city-2025", version=1, channel="usb",
            processed_at=datetime.now(timezone.utc), record=record.model_dump(mode="json")))
        conn.execute(text("INSERT INTO findings (submission_id, rule, severity, indicator, message_ko, state) "
                          "VALUES (1, :rule, 'blocker', :indicator, :message, 'open')"),
                     [{"rule": f["rule"], "indicator": f["indicator"], "message": f["message_ko"]} for f in findings])
    engine.dispose()
    engine_for(database_url)  # migrates to the newest revision
    items = worklist.list_items(submission=1, url=database_url)
    assert sorted((i.rule, i.state, i.identity) for i in items) == sorted(
        zip([f["rule"] for f in findings], ["open", "open"], identities(findings)))
    assert record_submission(record, database_url) == 1  # processed again: the same items, nothing new
    assert sorted(i.id for i in worklist.list_items(submission=1, url=database_url)) == sorted(i.id for i in items)
    with engine_for(database_url).connect() as conn:
        assert "findings" not in conn.dialect.get_table_names(conn)


def test_identity_ignores_wording_and_rows(bundles):
    submission = process(bundles["city-pureun"])
    original = submission.findings
    reworded = [f.model_copy(update={"message_ko": f.message_ko + " (문구 수정)"}) for f in original]
    assert identities(reworded) == identities(original)
    moved = [f.model_copy(update={"source": f.source.model_copy(update={"row": 7, "table": 2})}) if f.source else f
             for f in original]
    assert identities(moved) == identities(original)
    unreadable = next(f for f in original if f.rule == "document.unreadable")
    other_file = unreadable.model_copy(update={"source": unreadable.source.model_copy(update={"file": "다른.pdf"}),
                                               "params": {**unreadable.params, "file": "다른.pdf"}})
    assert identities([other_file]) != identities([unreadable])
    twice = identities([unreadable, unreadable])
    assert len(set(twice)) == 2 and twice[0] == identities([unreadable])[0]


def _intake(*args: str, url: str, user: str = "kim") -> subprocess.CompletedProcess:
    intake = Path(sys.executable).with_name("intake")
    env = {**os.environ, "USER": user, "COLUMNS": "200"}
    return subprocess.run([str(intake), "queue", *args, "--database-url", url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_round_trip(database_url, bundles):
    sid = record_submission(process(bundles["city-pureun"]), database_url)
    listed = _intake("list", "--json", "--submission", str(sid), "--severity", "blocker", "--rule", "indicator.*",
                     url=database_url)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["counts"]["total"] == len(data["items"]) > 0 and {i["rule"] for i in data["items"]} == {"indicator.missing"}
    item_id = data["items"][0]["id"]

    resolved = _intake("resolve", str(item_id), "--note", "제안서 본문에서 값 확인", "--as", "kim", url=database_url)
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    shown = _intake("show", str(item_id), "--json", url=database_url)
    detail = json.loads(shown.stdout)
    assert (detail["state"], detail["closed_by"], detail["resolution_note"]) == ("resolved", "kim", "제안서 본문에서 값 확인")
    assert ["pipeline", "kim", "kim"] == [a["actor"] for a in detail["audit"]] and detail["allowed_actions"] == ["reopen"]

    again = _intake("resolve", str(item_id), url=database_url)
    assert again.returncode == 1 and "해결할 수 없습니다" in again.stderr and "Traceback" not in again.stderr
    no_reason = _intake("waive", str(item_id), url=database_url)
    assert no_reason.returncode != 0

    other = data["items"][1]["id"]
    assert _intake("assign", str(other), "park", url=database_url, user="lee").returncode == 0
    assert _intake("waive", str(other), "--reason", "선택영역 외 지표", url=database_url, user="lee").returncode == 0
    waived = worklist.get_item(other, url=database_url)
    assert (waived.state, waived.closed_by, waived.assignee) == ("waived", "lee", "park")  # --as defaults to $USER

    corrected = _intake("correct", str(sid), "A-1-2", "2", "--note", "근거자료 3쪽", url=database_url)
    assert corrected.returncode == 0, corrected.stdout + corrected.stderr
    effective = json.loads(_intake("effective", str(sid), url=database_url).stdout)
    assert (effective["indicators"]["A-1-2"]["value"], effective["indicators"]["A-1-2"]["original_value"]) == (2, 1)

    table = _intake("list", "--state", "resolved", "--state", "waived", url=database_url)
    assert table.returncode == 0 and "해결" in table.stdout and "예외 인정" in table.stdout and "2건" in table.stdout
    text_view = _intake("show", str(item_id), url=database_url)
    assert text_view.returncode == 0 and "변경 이력" in text_view.stdout and "kim" in text_view.stdout


def test_every_refusal_raised_has_both_sentences_in_the_catalogue():
    """Each `InvalidInput("code", field=…)` in the review queue names a catalogue entry whose English and
    Korean sentences use only the fields the raise site gives (read from the source, so a new refusal
    without its Korean sentence fails here)."""
    import ast

    import review_queue
    from review_queue.worklist.errors import refusals

    catalogue = refusals()
    raised = 0
    for path in Path(review_queue.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("InvalidInput", "NotFound")):
                continue
            assert node.args and isinstance(node.args[0], ast.Constant), f"{path.name}:{node.lineno}: a code first"
            code, given = node.args[0].value, {k.arg: "x" for k in node.keywords}
            assert code in catalogue, f"{path.name}:{node.lineno}: {code} not in refusals.yaml"
            for language in ("en", "ko"):
                catalogue[code][language].format(**given)  # KeyError: the sentence names a field not given
            raised += 1
    assert raised >= 20
