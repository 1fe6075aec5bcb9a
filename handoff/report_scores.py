"""The report's preliminary score (예비 점수): its breakdown and the applicant's place among the stored
submissions of its size class (handoff.scoring), as sections of the report outline."""

from __future__ import annotations

from handoff.layout import BarChart, Section
from handoff.scoring import LABEL, score_city_cohort, score_service
from schemas.programme import CityProgramme, ServiceProgramme
from schemas.vocabulary import NO_KO, YES_KO

TITLE = "4. 예비 점수"


def _points(value: float) -> str:
    return f"{value:,.1f}"


def _place(totals: list[tuple[str, float, bool]], noun: str) -> tuple[str, BarChart, int]:
    ranked = sorted(totals, key=lambda t: -t[1])
    mine = next(i for i, t in enumerate(ranked) if t[2])
    chart = BarChart(title=f"{noun} 예비 점수 (붉은 막대: 이 신청기관)", labels=[t[0] for t in ranked],
                     values=[t[1] for t in ranked], marked=mine)
    return f"{noun} 제출 {len(ranked)}건 중 {mine + 1}위입니다.", chart, mine


def _city(record: dict, programme: CityProgramme, records: dict) -> list[Section]:
    scores = score_city_cohort(records, programme.id)
    sid = record["submission_id"]
    mine = next(s for s in scores if s.submission_id == sid)
    categories = {c.key: c for c in programme.categories}
    category_of = {i.code: i.category for i in programme.indicators}
    area_of = {sub.key: area.category for area in programme.qualitative_areas for sub in area.sub_areas}
    rows = [["구분", "배점", "예비 점수"]]
    for key, category in categories.items():
        got = sum(p for code, p in mine.quantitative.items() if p is not None and category_of.get(code) == key)
        rows.append([f"정량 {key} {category.name}", f"{category.points:,}", _points(got)])
    for key, points in programme.qualitative_category_points.items():
        got = sum(p for sub, p in mine.qualitative.items() if area_of.get(sub) == key)
        rows.append([f"정성 {key} {categories[key].name if key in categories else ''}".strip(), f"{points:,}", _points(got)])
    rows += [["정량 소계", f"{programme.quantitative_points:,}", _points(mine.quantitative_total)],
             ["정성 소계", f"{programme.qualitative_points:,}", _points(mine.qualitative_total)],
             ["합계", f"{programme.quantitative_points + programme.qualitative_points:,}", _points(mine.total)],
             ["예비 등급", "", f"{mine.grade}등급" if mine.grade else "미확인"],
             [f"인증 기준({programme.certification_threshold:,}점) 충족", "", YES_KO if mine.certified else NO_KO]]
    size = programme.size_class_ko(mine.city_size)
    peers = [(s.applicant or f"제출 {s.submission_id}", s.total, s.submission_id == sid)
             for s in scores if s.city_size == mine.city_size]
    place, chart, _ = _place(peers, f"같은 규모({size})")
    chart.line, chart.line_label = programme.certification_threshold, f"인증 기준 {programme.certification_threshold:,}점"
    notes = [LABEL + ". 정량 점수는 같은 규모의 저장된 제출 건과 견주어 계산하므로 제출 건이 늘면 달라집니다.",
             f"합계 {_points(mine.total)}점. {place}", *mine.notes]
    return [Section(TITLE, paragraphs=notes, table=rows), Section("규모별 비교", chart=chart, level=2)]


def _service(record: dict, programme: ServiceProgramme, records: dict) -> list[Section]:
    sid = record["submission_id"]
    scores = [score_service(key, other, programme.id) for key, other in sorted(records.items(), key=lambda kv: str(kv[0]))]
    mine = next(s for s in scores if s.submission_id == sid)
    rule = programme.pass_rule
    rows = [["분야", "배점", "과락 기준", "예비 점수"]]
    for fld in programme.fields:
        minimum = rule.field_minimums.get(fld.key)
        rows.append([fld.name, f"{fld.points}", f"{minimum}" if minimum is not None else "-",
                     _points(mine.field_totals.get(fld.key, 0.0))])
    rows += [["합계", f"{sum(f.points for f in programme.fields)}", f"{rule.total_minimum}", _points(mine.total)],
             ["통과 여부", "", "", YES_KO if mine.passed else NO_KO]]
    place, chart, _ = _place([(s.applicant or f"제출 {s.submission_id}", s.total, s.submission_id == sid)
                              for s in scores], "같은 사업")
    chart.line, chart.line_label = rule.total_minimum, f"통과 기준 {rule.total_minimum}점"
    notes = [LABEL + ".", f"합계 {_points(mine.total)}점. {place}", *mine.reasons]
    if mine.capped:
        notes.append(f"배점을 넘게 적은 항목 {len(mine.capped)}개({', '.join(mine.capped)})는 배점까지만 셉니다.")
    return [Section(TITLE, paragraphs=notes, table=rows), Section("제출 건 비교", chart=chart, level=2)]


def score_sections(record: dict, programme, records: dict) -> list[Section]:
    if isinstance(programme, CityProgramme):
        return _city(record, programme, records)
    return _service(record, programme, records)
