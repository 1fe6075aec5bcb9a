"""The preliminary check report (예비검토 결과) per submission, as a Korean A4 PDF and DOCX.

Both formats are written from one outline (``outline``: sections of paragraphs, tables and a chart), so
what the committee reads in the PDF and the agency edits in the DOCX is the same: the agency, the
applicant and the version; the documents; every indicator with its value, unit, evidence pages and status;
the stages per area; the preliminary score with its breakdown and the applicant's place among the
stored submissions of its size class; the open findings by severity; the decision.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


from checks.catalogue import where_ko
from checks.particles import with_particles
from handoff.delivery import delivery_ko, entered_deliveries
from handoff.layout import BarChart, Section
from handoff.render_docx import write_docx
from handoff.render_pdf import write_pdf
from handoff.report_scores import score_sections
from handoff.timefmt import kst_label, now_kst_label
from schemas import load_programme
from schemas.programme import CityProgramme
from schemas.yaml_data import read_yaml
from schemas.vocabulary import NO_KO, OPEN_STATES, SEVERITIES, SEVERITY_KO, STATE_KO, YES_KO

__all__ = ["BarChart", "Section", "decision", "outline", "write_docx", "write_pdf", "write_report"]
REPORT_WORDS = Path(__file__).with_name("report.yaml")


@lru_cache(maxsize=1)
def report_words() -> dict:
    return read_yaml(REPORT_WORDS)


def shown(value) -> str:
    """A value as the committee reads it: 예/아니오, numbers with thousands separators."""
    if isinstance(value, bool):
        return YES_KO if value else NO_KO
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def decision(items: list[dict]) -> tuple[bool, str]:
    """(complete, wording): complete when no blocker is still open."""
    open_blockers = [i for i in items if i["severity"] == "blocker" and i.get("state", "open") in OPEN_STATES]
    if open_blockers:
        return False, f"보완 필요 — 보완 필수 항목 {len(open_blockers)}건이 해결되지 않았습니다."
    return True, "서류 완비 — 서면평가로 넘길 수 있습니다."


def _open(items: list[dict]) -> list[dict]:
    return [i for i in items if i.get("state", "open") in OPEN_STATES]


def _overview(record: dict, programme, verdict: str, delivery: str) -> Section:
    applicant, bundle = record.get("applicant", {}), record.get("bundle", {})
    rows = [["항목", "내용"],
            ["신청기관", applicant.get("name") or "미확인"],
            ["사업자(법인)등록번호", applicant.get("registration_no") or "미확인"]]
    if isinstance(programme, CityProgramme):
        rows.append(["신청 유형(규모)", programme.size_class_ko(applicant.get("city_size"))])
    rows += [["제출 번호", f"{record['submission_id']} (제{record['version']}판)"],
             ["접수 경로", delivery],
             ["접수 시각", kst_label(bundle.get("received_at"), "미기록")],
             ["번들", bundle.get("id", "")],
             ["판정", verdict]]
    return Section("개요", table=rows)


def _documents(record: dict, programme) -> Section:
    files = record.get("bundle", {}).get("files", [])
    rows = [["번호", "제출서류", "제출 여부", "파일"]]
    for required in programme.required_documents:
        names = [f["name"] for f in files if f.get("role") == required.role]
        mark = "○" if names else ("×" if required.required and required.condition == "always" else "-")
        rows.append([required.key, required.title, mark, "\n".join(names)])
    return Section("1. 제출서류", table=rows)


def _status(code: str, entry: dict | None, items: list[dict]) -> str:
    on_it = {i["severity"] for i in _open(items) if i.get("indicator") == code}
    for severity in SEVERITIES[:2]:
        if severity in on_it:
            return SEVERITY_KO[severity]
    if entry is None:
        return "누락"
    return "확인(보정)" if entry.get("corrected_by") else "확인"


def _indicators(record: dict, programme: CityProgramme, items: list[dict]) -> Section:
    indicators = record.get("indicators", {})
    selected = record.get("selected_domains", [])
    reported = programme.reported_codes(selected)
    missing = [c for c in reported if c not in indicators]
    rows = [["코드", "지표명", "값", "단위", "증빙 쪽", "상태"]]
    for indicator in programme.indicators:
        entry = indicators.get(indicator.code)
        if indicator.code not in reported and entry is None:
            continue
        pages = ", ".join(str(p) for p in (entry or {}).get("evidence_pages", []))
        rows.append([indicator.code, indicator.name, shown((entry or {}).get("value")) or "-",
                     (entry or {}).get("unit") or indicator.unit or "", pages or "-", _status(indicator.code, entry, items)])
    domains = {d.code: d.name for d in programme.domain_rules.domains}
    return Section("2. 정량지표", paragraphs=[
        f"작성 대상 {len(reported)}개 중 {len(reported) - len(missing)}개를 확인했습니다"
        + (f" (누락: {', '.join(missing)})." if missing else "."),
        f"선택영역: {', '.join(f'{c} {domains.get(c, c)}' for c in selected) or '없음'}"], table=rows)


def _stages(record: dict, programme: CityProgramme) -> list[Section]:
    qualitative = record.get("qualitative", {})
    selected = set(record.get("selected_domains", []))
    always = {d.code for d in programme.domain_rules.domains if d.kind != "optional"}
    names = {s.number: s.name for s in programme.stages}
    written = sum(1 for v in qualitative.values() if v.get("stage"))
    sections = [Section("3. 정성지표 자체평가 단계", paragraphs=[
        f"자체평가 단계가 기재된 세부 항목 {written}개. 단계: "
        + ", ".join(f"{n} {name}" for n, name in sorted(names.items())) + "."])]
    for area in programme.qualitative_areas:
        rows = [["세부 항목", "내용", "단계"]]
        for sub in area.sub_areas:
            if sub.domain and sub.domain not in selected | always:
                continue
            stage = (qualitative.get(sub.key) or {}).get("stage")
            rows.append([sub.key, sub.name, f"{stage}단계 {names.get(stage, '')}".strip() if stage else "미기재"])
        if len(rows) > 1:
            sections.append(Section(f"{area.key} {area.name}", table=rows, level=2))
    return sections


def _service(record: dict, programme) -> Section:
    service = record.get("service") or {}
    scores = service.get("self_scores", {})
    rows = [["세부 항목", "내용", "배점", "자체평가"]]
    for sub in programme.sub_items():
        if sub.key in scores:
            rows.append([sub.key, sub.text, shown(sub.points), shown(scores[sub.key])])
    return Section("2. 신청 서비스", paragraphs=[
        f"신청 수준: {service.get('level') or '미확인'}, 신청 분야: {service.get('domain') or '미확인'}, "
        f"자체평가 점수 기재 항목 {len(scores)}개."], table=rows if len(rows) > 1 else None)


def _corrections(record: dict) -> Section | None:
    corrections = record.get("corrections") or []
    if not corrections:
        return None
    rows = [["지표", "추출 값", "수정 값", "수정자", "메모"]] + [
        [c["indicator"] + (f" ({c['component']})" if c.get("component") else ""), shown(c.get("original_value")),
         shown(c.get("value")), c.get("corrected_by") or "", c.get("note") or ""] for c in corrections]
    return Section("검토자 수정 값", paragraphs=["심사에는 수정 값이 쓰이며, 추출 값은 함께 보관됩니다."], table=rows)


def _findings(items: list[dict]) -> list[Section]:
    open_items = _open(items)
    sections = [Section("5. 검토 사항", paragraphs=[
        f"미처리 {len(open_items)}건 (보완 필수 {sum(i['severity'] == 'blocker' for i in open_items)}건), "
        f"처리 완료 {len(items) - len(open_items)}건."])]
    for severity in SEVERITIES:
        mine = [i for i in open_items if i["severity"] == severity]
        if mine:
            rows = [["상태", "지표", "내용", "위치"]] + [
                [STATE_KO.get(i.get("state", "open"), "미처리"), i.get("indicator") or "-",
                 with_particles(i["message_ko"]), where_ko(i.get("source"), unknown="-")] for i in mine]
            sections.append(Section(f"{SEVERITY_KO[severity]} {len(mine)}건", table=rows, level=2))
    return sections


def outline(record: dict, cohort_records: dict | None = None,
            delivery: str | None = None) -> tuple[str, list[str], list[Section]]:
    """(title, header lines, sections) of the report on ``record`` (an export record); ``cohort_records``
    (submission id → export record, this one included) place its preliminary score among its size class;
    ``delivery`` is how the bundle came as the clerk entered it (handoff.delivery), else its channel's label."""
    programme = load_programme(record["programme"]) if record.get("programme") else None
    words = report_words().get(record.get("programme"), {})
    items = record.get("review_items", [])
    _, verdict = decision(items)
    title = f"{programme.title if programme else '인증'} 예비검토 결과"
    header = [f"운영기관: {words.get('operating_agency', '운영기관')}"
              + (f" · {words['announcement']}" if words.get("announcement") else ""),
              f"신청기관: {record.get('applicant', {}).get('name') or '미확인'} · "
              f"제출 번호 {record['submission_id']} (제{record['version']}판) · 작성 {now_kst_label()}"]
    bundle = record.get("bundle", {})
    delivery = delivery or delivery_ko(bundle.get("id"), bundle.get("channel"), {})
    sections = [_overview(record, programme, verdict, delivery)]
    if programme is not None:
        sections.append(_documents(record, programme))
    if isinstance(programme, CityProgramme):
        sections.append(_indicators(record, programme, items))
        sections += _stages(record, programme)
    elif programme is not None:
        sections.append(_service(record, programme))
    if programme is not None:
        sections += score_sections(record, programme, cohort_records or {record["submission_id"]: record})
    correction = _corrections(record)
    if correction:
        sections.append(correction)
    sections += _findings(items)
    sections.append(Section("6. 결정", paragraphs=[verdict, f"작성: {now_kst_label()} (예비검토 자동 작성본, "
                                                             "점수는 위원회 평가 전 참고용)"]))
    return title, header, sections


def write_report(record: dict, out_dir: Path, url: str | None = None,
                 cohort_records: dict | None = None) -> tuple[Path, Path]:
    """The PDF and the DOCX of ``record`` in ``out_dir``; the size class's cohort is read from the store
    (``url``) unless given."""
    if cohort_records is None and record.get("programme"):
        from handoff.workbook import cohort

        cohort_records = cohort(record["programme"], url)
        cohort_records[record["submission_id"]] = record
    bundle = record.get("bundle", {})
    delivery = delivery_ko(bundle.get("id"), bundle.get("channel"), entered_deliveries(url))
    title, header, sections = outline(record, cohort_records, delivery)
    stem = f"예비검토_{record['submission_id']}"
    running = f"예비검토 결과 · {record.get('applicant', {}).get('name') or ''} · 제{record['version']}판"
    return (write_pdf(title, sections, out_dir / f"{stem}.pdf", header, running),
            write_docx(title, sections, out_dir / f"{stem}.docx", header))
