"""The committee workbook for a programme's cohort: one sheet per category, one row per applicant.

Headers carry each indicator's code, name, points and unit; each value cell carries a comment with
the document and page it came from (and the extracted value where a reviewer corrected it); cells
with an open blocker are highlighted; headers are frozen and filterable. A sheet lists every open
finding, and one gives the preliminary scores, labelled as such.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from checks.catalogue import catalogue, where_ko
from checks.particles import with_particles
from handoff.export import export_record
from handoff.scoring import LABEL, score_city_cohort, score_service
from review_queue.store import list_submissions
from schemas import load_programme, vocabulary
from schemas.programme import CityProgramme
from schemas.vocabulary import NO_KO, SEVERITY_KO, YES_KO

HEADER_ROWS = 4  # code, name, points, unit
BLOCKER_FILL = PatternFill("solid", fgColor="F8CBAD")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CORRECTED_FONT = Font(color="1F4E79", bold=True)


def cohort(programme_id: str, url: str | None = None) -> dict[int, dict]:
    """The current (not superseded) submissions of a programme, as export records."""
    return {row["id"]: export_record(row["id"], url) for row in list_submissions(url)
            if row["programme"] == programme_id and row["superseded_by"] is None}


def _cell_value(value):
    if isinstance(value, bool):
        return "O" if value else "X"
    return value


def _open_blockers(record: dict) -> set[str]:
    return {i["indicator"] for i in record["review_items"]
            if i["severity"] == "blocker" and i["state"] in vocabulary.OPEN_STATES and i.get("indicator")}


def _header(ws, columns: list[tuple[str, str, str, str]], fixed: list[str]) -> None:
    for c, label in enumerate(fixed, start=1):
        ws.cell(1, c, label)
        ws.merge_cells(start_row=1, start_column=c, end_row=HEADER_ROWS, end_column=c)
    for c, (code, name, points, unit) in enumerate(columns, start=len(fixed) + 1):
        for r, text in enumerate((code, name, points, unit), start=1):
            ws.cell(r, c, text)
    for row in ws.iter_rows(min_row=1, max_row=HEADER_ROWS):
        for cell in row:
            cell.fill, cell.font = HEADER_FILL, Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, len(fixed) + 1)
    ws.row_dimensions[2].height = 60


def _city_sheets(wb: Workbook, programme: CityProgramme, records: dict[int, dict]) -> None:
    names = {c.key: c.name for c in programme.categories}
    for category in programme.categories:
        ws = wb.create_sheet(f"{category.key} {names[category.key]}"[:31])
        indicators = [i for i in programme.indicators if i.category == category.key]
        _header(ws, [(i.code, i.name, f"배점 {i.points}", f"단위: {i.unit or '-'}") for i in indicators],
                ["신청기관", "규모", "제출 번호(판)"])
        for r, (sid, record) in enumerate(sorted(records.items()), start=HEADER_ROWS + 1):
            blockers = _open_blockers(record)
            ws.cell(r, 1, record["applicant"].get("name"))
            ws.cell(r, 2, programme.size_class_ko(record["applicant"].get("city_size")))
            ws.cell(r, 3, f"{sid} (제{record['version']}판)")
            for c, ind in enumerate(indicators, start=4):
                entry = record["indicators"].get(ind.code)
                cell = ws.cell(r, c)
                if entry is None:
                    if ind.code in blockers:
                        cell.value, cell.fill = "누락", BLOCKER_FILL
                    continue
                cell.value = _cell_value(entry.get("value"))
                note = [where_ko(entry.get("source"), unknown="출처 미상")]
                if entry.get("evidence_pages"):
                    note.append("증빙: " + ", ".join(f"p.{p}" for p in entry["evidence_pages"]))
                if entry.get("recomputed") is not None:
                    note.append(f"재계산 값: {entry['recomputed']:.4g}")
                if entry.get("corrected_by"):
                    note.append(f"추출 값: {entry.get('original_value')} → 검토자 {entry['corrected_by']} 수정")
                    cell.font = CORRECTED_FONT
                cell.comment = Comment("\n".join(note), "예비검토")
                if ind.code in blockers:
                    cell.fill = BLOCKER_FILL
        ws.auto_filter.ref = f"A{HEADER_ROWS}:{get_column_letter(3 + len(indicators))}{HEADER_ROWS + len(records)}"
        ws.column_dimensions["A"].width = 14


def _service_sheet(wb: Workbook, programme_id: str, records: dict[int, dict]) -> None:
    programme = load_programme(programme_id)
    ws = wb.create_sheet("자체평가")
    subs = programme.sub_items()
    _header(ws, [(s.key, s.text, f"배점 {s.points}", "점") for s in subs], ["신청기관", "수준", "분야"])
    for r, (sid, record) in enumerate(sorted(records.items()), start=HEADER_ROWS + 1):
        service = record.get("service") or {}
        ws.cell(r, 1, record["applicant"].get("name"))
        ws.cell(r, 2, service.get("level"))
        ws.cell(r, 3, service.get("domain"))
        for c, sub in enumerate(subs, start=4):
            if sub.key in service.get("self_scores", {}):
                ws.cell(r, c, service["self_scores"][sub.key])
    ws.auto_filter.ref = f"A{HEADER_ROWS}:{get_column_letter(3 + len(subs))}{HEADER_ROWS + len(records)}"


def _findings_sheet(wb: Workbook, records: dict[int, dict]) -> None:
    ws = wb.create_sheet("미처리 검토사항")
    header = ["신청기관", "제출 번호", "심각도", "검토 사항 종류", "지표", "내용", "위치", "상태", "담당자"]
    rules = catalogue()
    ws.append(header)
    for sid, record in sorted(records.items()):
        for item in record["review_items"]:  # rule ids stay out: the committee reads the rule's title
            if item["state"] in vocabulary.OPEN_STATES:
                rule = rules.get(item["rule"])
                ws.append([record["applicant"].get("name"), sid, SEVERITY_KO[item["severity"]],
                           rule.title if rule else "기타", item.get("indicator"), with_particles(item["message_ko"]),
                           where_ko(item.get("source"), unknown=""),
                           vocabulary.STATE_KO.get(item["state"], item["state"]), item.get("assignee")])
                if item["severity"] == "blocker":
                    for cell in ws[ws.max_row]:
                        cell.fill = BLOCKER_FILL
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    ws.column_dimensions["F"].width = 80


def _scores_sheet(wb: Workbook, programme_id: str, records: dict[int, dict]) -> None:
    ws = wb.create_sheet("예비 점수")
    ws.append([LABEL])
    ws["A1"].font = Font(bold=True, color="C00000")
    programme = load_programme(programme_id)
    if isinstance(programme, CityProgramme):
        ws.append(["신청기관", "규모", "정량 점수", "정성 점수", "합계", "예비 등급",
                   f"인증 기준({programme.certification_threshold:,}점) 충족", "비고"])
        for s in score_city_cohort(records, programme_id):
            ws.append([s.applicant, programme.size_class_ko(s.city_size), s.quantitative_total, s.qualitative_total, s.total,
                       s.grade, YES_KO if s.certified else NO_KO, "; ".join(s.notes)])
    else:
        fields = programme.fields
        ws.append(["신청기관", "수준", *[f.short_name or f.name for f in fields], "합계",
                   f"통과({programme.pass_rule.total_minimum}점·과락)", "사유"])
        for sid, record in sorted(records.items()):
            s = score_service(sid, record, programme_id)
            ws.append([s.applicant, s.level, *[s.field_totals.get(f.key) for f in fields], s.total,
                       YES_KO if s.passed else NO_KO, "; ".join(s.reasons)])
    ws.freeze_panes = "A3"


def write_workbook(programme_id: str, out: Path, url: str | None = None) -> Path:
    records = cohort(programme_id, url)
    programme = load_programme(programme_id)
    wb = Workbook()
    wb.remove(wb.active)
    if isinstance(programme, CityProgramme):
        _city_sheets(wb, programme, records)
    else:
        _service_sheet(wb, programme_id, records)
    _findings_sheet(wb, records)
    _scores_sheet(wb, programme_id, records)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
