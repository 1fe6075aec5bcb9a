"""A service provider's documents: the application (별지 제3호서식), the proposal, the self-evaluation
(1-3 자체평가표, in the criteria's numbering or its own), the joint confirmation (별지 제5호서식),
the privacy consent ([붙임1]) and the evidence."""

from __future__ import annotations

import random

from samples.draw.blocks import FlowDocument, Grid, PageBreak, Para, blank_repeats, merged_down
from samples.draw.model import Plan
from samples.draw.service_draw import (
    FORM_EXTRA,
    FORM_GROUPS,
    FORM_KEYS,
    FORM_MISSING,
    FORM_POINTS,
    FORM_TEXTS,
    SPECIAL,
    domain_labels,
    sub_item_rows,
)
from samples.draw.wording import box, number
from schemas.programme import ServiceProgramme


def _checks(options: list[str], chosen: str, v: dict, per_row: int) -> str:
    cells = [f"{box(o == chosen, v)} {o}" for o in options]
    return "\n".join("   ".join(cells[i:i + per_row]) for i in range(0, len(cells), per_row))


def application(plan: Plan, programme: ServiceProgramme) -> FlowDocument:
    a, s, v = plan.written_applicant, plan.service, plan.variants
    levels = [lv.name for lv in programme.levels]
    level_name = next(lv.name for lv in programme.levels if lv.key == s["level"])
    rows = [["접수번호", "", "접수일자", "", "처리기간"],
            ["신청 기관", "기관명", a["name"], "사업자(법인)등록번호", a["registration_no"]],
            ["", "대표자", a["representative"], "전화번호", a["phone"]],
            ["", "주 소", a["address"], "", ""],
            ["서비스 명칭", "한 글", s["service_name"], "", ""],
            ["", "영 문", "", "", ""],
            ["신청 분야", _checks(domain_labels(programme), s["domain"], v, 4), "", "", ""],
            ["신청 서비스 수준", _checks(levels, level_name, v, 3), "", "", ""],
            ["인증 실적", "해당 없음", "", "", ""]]
    merges = [(1, 0, 3, 0), (3, 2, 3, 4), (4, 0, 5, 0), (4, 2, 4, 4), (5, 2, 5, 4),
              (6, 1, 6, 4), (7, 1, 7, 4), (8, 1, 8, 4)]
    when = plan.sent_at
    return FlowDocument("스마트도시서비스 인증 신청서", subject="별지 제3호서식").add(
        Para("■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제3호서식]", "note"),
        Grid(rows, merges, widths=[14, 12, 30, 20, 24]),
        Para("「스마트도시 조성 및 산업진흥 등에 관한 법률」 제32조 및 같은 법 시행령 제31조에 따라 위와 같이 스마트도시서비스 인증을 신청합니다."),
        Para(f"{when.year}년 {when.month}월 {when.day}일"), Para(f"신청인(대표자)  {a['representative']}  (서명 또는 인)"),
        Para("운영기관의 장 귀하"))


def proposal(rng: random.Random, plan: Plan, programme: ServiceProgramme) -> FlowDocument:
    a, s, v = plan.written_applicant, plan.service, plan.variants
    kinds = ["지자체", "대기업", "중소기업", "개인사업자", "기타"]
    rows = [["기관명", a["name"], "대표자", a["representative"]],
            ["기관유형", "   ".join(f"{box(k == '중소기업', v)} {k}" for k in kinds), "", ""],
            ["인증분야", _checks(domain_labels(programme), s["domain"], v, 4), "", ""],
            ["서비스명", s["service_name"], "", ""],
            ["서비스개요", f"{s['service_name']}는 도시 문제 해결을 위해 실시간 데이터를 수집·분석하여 시민에게 제공하는 서비스임", "", ""]]
    merges = [(1, 1, 1, 3), (2, 1, 2, 3), (3, 1, 3, 3), (4, 1, 4, 3)]
    if s["partners"]:
        rows.append(["참여 형태", f"공동 신청 (대표 신청인 {a['name']}, 공동 신청인 {', '.join(s['partners'])})", "", ""])
        merges.append((5, 1, 5, 3))
    doc = FlowDocument("스마트도시서비스 인증 평가제안서", subject="평가제안서")
    doc.add(Grid(rows, merges, widths=[16, 40, 14, 30]),
            Para("본 기관은 제출한 제반서류의 내용이 사실과 다름이 없음을 확인하며, 스마트도시 서비스 인증을 신청합니다."),
            PageBreak(), Para("Ⅱ. 평가 항목별 내용", "heading"))
    for field in programme.fields:
        doc.add(Para(f"{field.key}. {field.name}", "subheading"))
        for item in field.items:
            if item.level and item.level != s["level"]:
                continue
            doc.add(Para(f"{item.key} {item.name}: 세부 평가항목별 추진 내용과 근거자료 "
                         f"{rng.randint(1, max(2, plan.evidence_pages))}쪽 참조"))
    return doc


def self_evaluation(rng: random.Random, plan: Plan, programme: ServiceProgramme) -> FlowDocument:
    s, v = plan.service, plan.variants
    form = s["numbering"] == "form"
    scores = s["self_scores"]
    doc = FlowDocument("스마트 서비스 인증 자체평가표", subject="자체평가표")
    doc.add(Para(f"□ 서비스명 : {s['service_name']}"), Para(f"□ 신청기관 : {plan.written_applicant['name']}"))
    rows_by_field: dict[str, list] = {}
    for field, item, key, text, points, group in sub_item_rows(programme, s["level"], s["domain_key"]):
        if form and key in FORM_MISSING:
            continue
        shown_key = FORM_KEYS.get(key, key) if form else key
        shown_text = (FORM_TEXTS.get(key, text) if form else text)
        if key.count(".") == 3 and text.startswith(SPECIAL) and form:
            shown_text = SPECIAL
        shown_points = FORM_POINTS.get(key, points) if form else points
        group_cell = f"{'.'.join(key.split('.')[:3])} {FORM_GROUPS.get(group, group) if form else group}"
        score = scores.get(key)
        rows_by_field.setdefault(field.key, []).append(
            [f"{item.key} {item.name}", group_cell, f"{shown_key} {shown_text}", str(shown_points),
             "" if score is None else number(score, v)])
        if form and key == FORM_EXTRA[0] and s["level"] == "L2":  # the form's own extra 이용자 row, not scored
            rows_by_field[field.key].append([f"{item.key} {item.name}", group_cell, f"{FORM_EXTRA[1]} {FORM_EXTRA[2]}",
                                             str(FORM_EXTRA[3]), "-"])
    stated = s["stated_totals"]
    for field in programme.fields:
        head = ["평가항목", "세부 평가항목", "", "배점", "평가 점수"]
        rows = [head] + rows_by_field.get(field.key, [])
        points = sum(int(r[3]) for r in rows[1:] if r[4] != "-")
        merges = [(0, 1, 0, 2)]
        if v["group_cells"] == "merge":
            merges += merged_down(rows, [0, 1])
        elif v["group_cells"] == "blank":
            blank_repeats(rows, [0, 1])
        rows.append([f"({field.key}. {field.name}) 계", "", "", str(points), number(stated[field.key], v)])
        if not v["points_col"]:
            rows = [r[:3] + r[4:] for r in rows]
            merges = [m for m in merges if m[1] != 3]
        doc.add(Para(f"{field.key}. {field.name} ({field.points}점)", "subheading"),
                Grid(rows, merges, sheet=f"{field.key}. {field.name}"[:31] if field.key != "1" else None))
    verdict = [["평가결과 판정", "자체평가점수"]] + [[f"{f.key}. {f.name}", number(stated[f.key], v)] for f in programme.fields]
    verdict.append(["합계", number(stated["total"], v)])
    doc.add(Para("□ 평가항목 및 배점", "subheading"), Grid(verdict))
    return doc


def joint_confirmation(plan: Plan) -> FlowDocument:
    a, s = plan.written_applicant, plan.service
    rows = [["서비스 명칭", "한 글", s["service_name"], "", ""],
            ["대표 신청인", "기관명", a["name"], "사업자(법인)등록번호", a["registration_no"]],
            ["", "대표자", a["representative"], "전화번호", a["phone"]]]
    for partner in s["partners"]:
        rows += [["공동 신청인", "기관명", partner, "사업자(법인)등록번호", ""], ["", "대표자", "", "전화번호", ""]]
    return FlowDocument("공동참여기관 확인서", subject="별지 제5호서식").add(
        Para("■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제5호서식]", "note"), Grid(rows),
        Para("위와 같이 스마트도시서비스 인증을 공동으로 신청합니다."), Para("대표 신청인 (서명 또는 인)  공동 신청인 (서명 또는 인)"))


def privacy_consent(plan: Plan) -> FlowDocument:
    return FlowDocument("신청자 개인정보 수집 및 이용 동의서", subject="붙임1").add(
        Para("[붙임1]"), Para("□ 개인정보의 수집 및 이용에 대한 동의"),
        Grid([["수집 항목", "성명, 연락처, 전자우편"], ["이용 목적", "스마트도시서비스 인증 심사"], ["동의 여부", "동의함"]]),
        Para(f"성명 : {plan.written_applicant['representative']} (인)"), Para("한국건설기술연구원장 귀하"))


def evidence(plan: Plan) -> FlowDocument:
    doc = FlowDocument(f"근거자료 — {plan.written_applicant['name']}", subject="근거자료")
    doc.add(Para(f"{plan.service['service_name']} 평가제안서 및 자체평가표의 근거자료"))
    for page in range(2, plan.evidence_pages + 1):
        doc.add(PageBreak(), Para(f"[근거자료 {page}]", "subheading"),
                Grid([["구분", "내용"], ["증빙", f"운영 실적 및 설문조사 결과 발췌 ({page})"]]))
    return doc
