"""Scoring hand-off: the JSON record, the committee workbook, the report, and the preliminary scores."""

from __future__ import annotations

import json
from datetime import datetime

import jsonschema
import openpyxl
import pdfplumber
import pytest

from handoff.export import export_record
from handoff.report import write_report
from handoff.scoring import score_city_cohort, score_service
from handoff.workbook import write_workbook
from review_queue import worklist
from samples.make_samples import load_specs, write_bundle
from samples.variants import apply_defect
from schemas import vocabulary
from schemas.export import EXPORT_SCHEMA_PATH, export_schema
from tests.pipeline import process_plain

SPECS = {s["id"]: s for s in load_specs()}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """Three 대도시 (한빛시 and two variants with other values), a 중소도시, and the service provider."""
    work = tmp_path_factory.mktemp("handoff")
    url = f"sqlite:///{work / 'h.db'}"
    hanbit = SPECS["city-hanbit"]
    variants = [
        apply_defect(hanbit, {"id": "gaon", "set": {"applicant/name": "가온시", "applicant/registration_no": "105-83-00013",
                                                    "summary/A-1-2": ["8건", 8, [4, 5]], "summary/B-2-2": ["관련 조례 X", False, [22]]}}),
        apply_defect(hanbit, {"id": "nuri", "set": {"applicant/name": "누리시", "applicant/registration_no": "107-83-00016",
                                                    "summary/A-1-2": ["2건", 2, [4, 5]]}}),
    ]
    ids = {}
    for spec in [hanbit, *variants, SPECS["city-pureun"], SPECS["service-mobility"]]:
        path = write_bundle(spec, work / "bundles")
        when = None if spec["channel"] == "email" else datetime.fromisoformat(spec["received_at"])
        _, ids[spec["applicant"]["name"]] = process_plain(path, when, url)
    return url, ids, work


def test_export_record_is_valid_and_complete(cohort):
    url, ids, _ = cohort
    committed = json.loads(EXPORT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == export_schema(), "run `intake schema` and commit schemas/export.schema.json"
    record = export_record(ids["푸른군"], url)
    jsonschema.Draft202012Validator(committed).validate(record)
    assert record["submission_id"] == ids["푸른군"] and record["version"] == 1
    assert all(len(f["sha256"]) == 64 for f in record["bundle"]["files"])
    assert record["indicators"]["A-2-1"]["components"] == {"A": 9, "B": 6, "C": 4.82}
    assert {i["rule"] for i in record["review_items"]} >= {"document.missing", "indicator.missing", "document.unreadable"}


def test_correction_reaches_json_workbook_and_report(cohort, tmp_path):
    url, ids, _ = cohort
    sid = ids["한빛시"]
    worklist.correct_value(sid, "A-1-2", 5, actor="lee", note="증빙 재확인", url=url)
    record = export_record(sid, url)
    entry = record["indicators"]["A-1-2"]
    assert (entry["value"], entry["original_value"], entry["corrected_by"]) == (5, 4, "lee")

    book = openpyxl.load_workbook(write_workbook("city-2025", tmp_path / "city.xlsx", url))
    ws = book["A 혁신성"]
    col = next(c.column for c in ws[1] if c.value == "A-1-2")
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "한빛시")
    assert ws.cell(r := row, col).value == 5 and "추출 값: 4" in ws.cell(r, col).comment.text
    assert ws.cell(3, col).value == "배점 10" and ws.cell(4, col).value == "단위: 건"

    pdf, docx_path = write_report(record, tmp_path, url)
    assert docx_path.exists()
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "한빛시" in text and "서류 완비" in text
    assert "검토자 수정 값" in text and "A-1-2 4 5 lee 증빙 재확인" in text  # extracted 4 kept beside the corrected 5


def test_workbook_matches_the_submissions(cohort, tmp_path):
    url, ids, _ = cohort
    book = openpyxl.load_workbook(write_workbook("city-2025", tmp_path / "c.xlsx", url))
    assert book.sheetnames == ["A 혁신성", "B 거버넌스·제도", "C 서비스 기술·인프라", "미처리 검토사항", "예비 점수"]
    ws = book["C 서비스 기술·인프라"]
    assert ws.freeze_panes == "D5" and ws.auto_filter.ref
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    codes = {ws.cell(1, c).value: c for c in range(4, ws.max_column + 1)}
    pureun = export_record(ids["푸른군"], url)
    for code, entry in pureun["indicators"].items():
        if code.startswith("C-"):
            cell = ws.cell(rows["푸른군"], codes[code])
            want = entry["value"] if not isinstance(entry["value"], bool) else ("O" if entry["value"] else "X")
            assert cell.value == want, code
            assert entry["source"]["file"] in cell.comment.text
    missing = ws.cell(rows["푸른군"], codes["C-9-2"])
    assert missing.value == "누락" and missing.fill.fgColor.rgb.endswith("F8CBAD")  # an open blocker, highlighted
    findings = book["미처리 검토사항"]
    open_items = sum(1 for sid in ids.values() for i in export_record(sid, url)["review_items"]
                     if i["state"] in vocabulary.OPEN_STATES and export_record(sid, url)["programme"] == "city-2025")
    assert findings.max_row - 1 == open_items
    assert "예비 점수" in book["예비 점수"]["A1"].value


def test_report_lists_missing_documents_and_decides(cohort, tmp_path):
    url, ids, _ = cohort
    record = export_record(ids["푸른군"], url)
    pdf, _ = write_report(record, tmp_path, url)
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "푸른군" in text and "보완 필요" in text and "정성지표" in text and "C-9-2" in text


def test_city_preliminary_scores_standardise_within_size_class(cohort):
    url, ids, _ = cohort
    records = {sid: export_record(sid, url) for name, sid in ids.items() if name != "(주)도시이음모빌리티"}
    scores = {s.applicant: s for s in score_city_cohort(records)}
    # A-1-2 (10 points, ratio to the best): 가온시 8건 is the best of the 대도시; 한빛시 5건 (corrected), 누리시 2건
    assert scores["가온시"].quantitative["A-1-2"] == 10
    assert scores["한빛시"].quantitative["A-1-2"] == pytest.approx(10 * 5 / 8, abs=0.01)
    assert scores["누리시"].quantitative["A-1-2"] == pytest.approx(10 * 2 / 8, abs=0.01)
    assert scores["가온시"].quantitative["B-2-2"] == 0  # 조례 X
    assert scores["푸른군"].quantitative["A-1-2"] == 10  # alone among the 중소도시
    assert scores["한빛시"].quantitative["C-1-8"] is None  # self-defined: left to the committee
    for s in scores.values():
        assert s.total == pytest.approx(s.quantitative_total + s.qualitative_total)
        assert s.certified == (s.total >= 1400)


def test_service_pass_rule_edges(cohort):
    url, ids, _ = cohort
    record = export_record(ids["(주)도시이음모빌리티"], url)
    base = score_service(1, record)
    assert base.passed and base.total == 88 and base.capped == ["2.2.4.2"]
    scores = dict(record["service"]["self_scores"])

    def scored(changes):
        return score_service(1, {**record, "service": {**record["service"], "self_scores": {**scores, **changes}}})

    # exactly 70, with 부합성 exactly at its minimum of 15: passes
    exact = {"1.2.1.1": 0, "1.3.1.1": 0, "1.3.3.1": 0, "2.2.1.1": 12}
    s70 = scored(exact)
    assert (s70.total, s70.field_totals["1"], s70.passed) == (70, 15, True)
    s69 = scored({**exact, "3.3.2.1": 1.5})  # half a point less
    assert s69.total == 69.5 and not s69.passed and "총점" in s69.reasons[0]
    # a field below its minimum fails even above 70 in total: 운영 9 < 10
    s_low = scored({k: 0 for k in ("3.1.1.1", "3.1.1.2", "3.1.2.1", "3.2.1.1")})
    assert s_low.total >= 70 and not s_low.passed and any("운영" in r for r in s_low.reasons)
    assert s_low.field_totals["3"] == 9
