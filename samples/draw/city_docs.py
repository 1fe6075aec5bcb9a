"""A city's documents: the application (별지 제1호서식), the quantitative proposal (cover, 요약표,
detail forms), its workbook annex, the qualitative self-assessment and the evidence."""

from __future__ import annotations

import random

from samples.draw.blocks import FlowDocument, Grid, PageBreak, Para
from samples.draw.city_forms import form_blocks
from samples.draw.city_summary import summary_blocks
from samples.draw.model import Plan
from samples.draw.wording import box, options_line
from schemas.programme import CityProgramme


def field_label(rng: random.Random, programme, key: str) -> str:
    f = next(f for f in programme.application_fields if f.key == key)
    return rng.choice([f.label, f.label, *f.label_variants[:2]])


def application(rng: random.Random, plan: Plan, programme: CityProgramme) -> FlowDocument:
    a, v = plan.written_applicant, plan.variants
    size_words = list(programme.size_class_words)
    declared = programme.size_class_ko(a["city_size"])
    size_cell = options_line(size_words, declared, v) if v["size_words"] == "checkbox" else declared
    size_label = rng.choice(["신청 유형", "신청유형", "유형 구분"])
    rows = [
        ["접수번호", "", "접수일자", "", "처리기간", ""],
        ["인증 신청 기관", field_label(rng, programme, "name"), a["name"], field_label(rng, programme, "registration_no"),
         a["registration_no"], ""],
        ["", field_label(rng, programme, "representative"), a["representative"], field_label(rng, programme, "phone"),
         a["phone"], ""],
        ["", field_label(rng, programme, "address"), a["address"], "", "", ""],
        ["", size_label, size_cell, "", "", ""],
        ["인증 실적", rng.choice(["해당 없음", "-", "2021년 스마트도시 인증 (3등급)"]), "", "", "", ""],
    ]
    merges = [(1, 0, 4, 0), (1, 4, 1, 5), (2, 4, 2, 5), (3, 2, 3, 5), (4, 2, 4, 5), (5, 1, 5, 5)]
    when = plan.sent_at
    doc = FlowDocument("스마트도시 인증 신청서", subject="별지 제1호서식")
    doc.add(Para("■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제1호서식]", "note"),
            Grid(rows, merges, widths=[14, 14, 26, 18, 20, 8]),
            Para("「스마트도시 조성 및 산업진흥 등에 관한 법률」 제32조 및 같은 법 시행령 제31조에 따라 위와 같이 스마트도시 인증을 신청합니다."),
            Para(f"{when.year}년 {when.month}월 {when.day}일"),
            Para(f"신청기관(대표자)  {a['representative']}  (서명 또는 인)"), Para("운영기관의 장 귀하"))
    return doc


def proposal(rng: random.Random, plan: Plan, programme: CityProgramme) -> tuple[FlowDocument, FlowDocument | None]:
    a, v = plan.written_applicant, plan.variants
    doc = FlowDocument("2025년 스마트도시 인증 정량지표 평가제안서", subject="정량지표 평가제안서")
    doc.add(Para(f"신청기관: {a['name']}"))
    if rng.random() < 0.5:
        doc.add(Para(f"신청 유형: {programme.size_class_ko(a['city_size'])}"))
    doc.add(Para(f"{plan.sent_at.year}. {plan.sent_at.month}."), PageBreak())
    doc.add(*summary_blocks(rng, plan, programme), PageBreak())
    forms, sheets = form_blocks(rng, plan, programme)
    doc.add(*forms)
    annex = None
    if v["xlsx_annex"]:
        annex = FlowDocument(f"{a['name']} 정량지표 산출내역", subject="정량지표 평가제안서 붙임")
        annex.add(Para("붙임. 지표별 산출내역 (시트별)"), *[Para(f"- {g.sheet}: {g.caption}") for g in sheets], *sheets)
    return doc, annex


def stage_cell(rng: random.Random, stage: int | None, programme: CityProgramme, style: str, prefix: str = "") -> str:
    if stage is None:
        return ""
    spec = next(s for s in programme.stages if s.number == stage)
    label = rng.choice([spec.name, spec.name, *spec.name_variants[:2]])
    if style == "label":
        return label
    if style == "labelnum":
        return f"{label}({stage}단계)"
    if style == "stagecol":
        return str(stage)
    return f"{prefix}{stage}" if prefix else f"{stage}단계"


def qualitative(rng: random.Random, plan: Plan, programme: CityProgramme) -> FlowDocument:
    v = plan.variants
    style = v["stage_style"]
    city = plan.written_applicant["name"]
    stages = programme.stages
    prefix = rng.choice(["", "", "레벨", "Lv."])  # 3단계, 레벨3 or Lv.3, the same through one document
    doc = FlowDocument("2025년 스마트도시 인증 정성지표 자체평가표", subject="정성지표 자체평가표")
    doc.add(Para(f"신청기관: {city}"))
    for n, category in enumerate(programme.categories, start=1):
        if style == "checkbox":
            head = ["구분", *[s.name for s in stages], "자체 평가내용"]
        else:
            head = ["구분", "단계" if style != "stagecol" else "자체평가 단계(1~5)", "자체 평가내용"]
        rows, merges = [head], []
        for k, area in enumerate((a for a in programme.qualitative_areas if a.category == category.key), start=1):
            rows.append([f"{k}. {area.name}"] + [""] * (len(head) - 1))
            merges.append((len(rows) - 1, 0, len(rows) - 1, len(head) - 1))
            for sub in area.sub_areas:
                number = f"{k}.{sub.key.split('.')[1]} {sub.name}"
                if sub.key not in plan.qualitative:
                    if sub.domain and v["unselected"] == "dash":
                        rows.append([number] + ["-"] * (len(head) - 1))
                    continue
                stage = plan.qualitative[sub.key]
                parts = area.stage_descriptions[(stage or 3) - 1].split(" / ")
                own = next((p for p in parts if p.startswith(sub.key[1:] + " ")), parts[0])  # C2: "2.2 무선통신망: …"
                text = f"■ {own}\n- {city} {sub.name} 분야 추진 현황 및 성과"
                if style == "checkbox":
                    marks = [box(stage == s.number, v) if stage else "" for s in stages]
                    rows.append([number, *marks, text])
                else:
                    rows.append([number, stage_cell(rng, stage, programme, style, prefix), text])
        rows.append(["종합 자체평가 의견"] + [""] * (len(head) - 2) + [f"{city}은(는) 해당 분야의 고도화를 지속 추진함"])
        grid = Grid(rows, merges, widths=[18] + [8] * (len(head) - 2) + [40] if style == "checkbox" else [20, 16, 64],
                    sheet=f"대분류{n}" if n > 1 else None)
        doc.add(Para(f"○ 대분류{n} : {category.name}", "subheading"), grid)
    return doc


def evidence(plan: Plan, programme: CityProgramme) -> FlowDocument:
    """One printed page per evidence page the 요약표 cites (page 1 is the cover)."""
    a = plan.written_applicant
    by_page: dict[int, list[str]] = {}
    for code, ind in plan.indicators.items():
        for page in ind.pages:
            by_page.setdefault(page, []).append(code)
    doc = FlowDocument(f"근거자료 — {a['name']}", subject="평가제안서 및 자체평가표의 사실을 증빙하는 근거자료")
    doc.add(Para("평가제안서 및 자체평가표의 사실을 증빙하는 근거자료입니다."))
    for page in range(2, plan.evidence_pages + 1):
        doc.add(PageBreak(), Para(f"[근거자료 {page}]", "subheading"))
        rows = [["지표", "증빙 내용"]]
        for code in by_page.get(page, []):
            rows.append([programme.indicator(code).name, "내부 문서 및 현황 자료 (발췌)"])
        if page == 2:
            rows.append(["주민등록 인구 (2024년 12월)", f"{plan.facts['population_2024_12']:,}명"])
        doc.add(Grid(rows, widths=[50, 50]))
    return doc
