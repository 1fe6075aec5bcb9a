"""Fill the seeds' forms with a sample spec's content (see samples/specs/*.yaml)."""

from __future__ import annotations

from datetime import datetime

from samples.details import detail_tables
from samples.render import SampleDocument, SampleTable
from schemas import load_programme
from schemas.programme import CityProgramme, ServiceProgramme


def _date_line(spec: dict) -> str:
    when = datetime.fromisoformat(spec["received_at"])
    return f"{when.year}년 {when.month}월 {when.day}일"


def city_application(spec: dict, _doc: dict) -> SampleDocument:
    a = spec["applicant"]
    rows = [
        ["접수번호", "", "접수일자", "", "처리기간"],
        ["인증 신청 기관", "기관명", a["name"], "사업자(법인)등록번호", a["registration_no"]],
        ["", "대표자", a["representative"], "전화번호", a["phone"]],
        ["", "주 소", a["address"], "", ""],
        ["인증 실적", a.get("track_record", ""), "", "", ""],
    ]
    table = SampleTable(rows, merges=[(1, 0, 3, 0), (3, 2, 3, 4), (4, 1, 4, 4)])
    return SampleDocument(
        title="스마트도시 인증 신청서",
        paragraphs=["■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제1호서식]"],
        tables=[table, SampleTable([[
            "「스마트도시 조성 및 산업진흥 등에 관한 법률」 제32조 및 같은 법 시행령 제31조에 따라 "
            f"위와 같이 스마트도시 인증을 신청합니다. {_date_line(spec)} 신청기관(대표자) {a['representative']} (인)"]])],
    )


def city_quantitative(spec: dict, doc: dict) -> SampleDocument:
    programme: CityProgramme = load_programme(spec["programme"])
    categories = {c.key: c.name for c in programme.categories}
    header = ["분류", "", "지표명", "", "작성 지표 요약", "증빙 페이지"]
    no_code = set(spec.get("rows_without_code", [])) if doc.get("with_codes") == "mixed" else set()
    en_dash = set(spec.get("rows_with_en_dash", []))
    body = []
    for ind in programme.indicators:
        if ind.code not in spec["summary"]:
            continue
        stated, _value, pages = spec["summary"][ind.code]
        code = "" if ind.code in no_code else ind.code.replace("-", "–") if ind.code in en_dash else ind.code
        body.append([categories[ind.category], ind.subcategory, code, ind.name, stated,
                     ", ".join(f"p.{p}" for p in pages)])
    cuts = [0, *doc.get("split_after", []), len(body)]  # the 요약표 continues over pages, header repeated
    tables = [_summary_table(header, body[a:b]) for a, b in zip(cuts, cuts[1:]) if body[a:b]]
    breaks = set(range(1, len(tables) + 1))  # each part of the 요약표, then the detail forms, on a new page
    tables += detail_tables(programme, spec)
    return SampleDocument(
        title=f"2025년 스마트도시 인증 정량지표 평가제안서 ({spec['applicant']['name']})",
        paragraphs=[f"신청 유형: {programme.size_class_ko(spec['applicant']['city_size'])}", "● 정량지표 요약표"],
        tables=tables,
        page_break_before=breaks,
    )


def _summary_table(header: list[str], body: list[list[str]]) -> SampleTable:
    rows = [header] + body
    merges = [(0, 0, 0, 1), (0, 2, 0, 3)]
    for col in (0, 1):  # category and sub-category cells merged down, as in the seed's 요약표
        start = 1
        for r in range(2, len(rows) + 1):
            if r == len(rows) or rows[r][col] != rows[start][col] or (col == 1 and rows[r][0] != rows[start][0]):
                if r - 1 > start:
                    merges.append((start, col, r - 1, col))
                    for k in range(start + 1, r):
                        rows[k][col] = ""
                start = r
    return SampleTable(rows, merges, widths=[11, 11, 8, 40, 22, 10])


def city_qualitative(spec: dict, _doc: dict) -> SampleDocument:
    programme: CityProgramme = load_programme(spec["programme"])
    stages = {s.number: s.name for s in programme.stages}
    tables = []
    for category in programme.categories:
        rows = [["구분", "단계", "자체 평가내용"]]
        merges = []
        for area in (a for a in programme.qualitative_areas if a.category == category.key):
            rows.append([f"{area.key[1:]}. {area.name}", "", ""])
            merges.append((len(rows) - 1, 0, len(rows) - 1, 2))
            for sub in area.sub_areas:
                stage, text = spec["qualitative"].get(sub.key, [None, ""])
                stage_text = stage if isinstance(stage, str) else stages.get(stage, "")  # a string: written as is
                rows.append([f"{sub.key[1:]} {sub.name}", stage_text, text])
        rows.append(["종합 자체평가 의견", "", "자체평가 결과를 종합하면 요건 충족 이상이다."])
        tables.append(SampleTable(rows, merges, caption=f"○ 대분류{len(tables) + 1} : {category.name}"))
    return SampleDocument(title="2025년 스마트도시 인증 정성지표 자체평가표", tables=tables)


def city_evidence(spec: dict, doc: dict) -> SampleDocument:
    a = spec["applicant"]
    org = SampleTable([["구분", "정책관", "담당관(실)", "담당과", "담당팀", "TF", "총 인원"],
                       ["현행", "-", "스마트도시담당관", "-", "스마트도시기획팀", "-", "15"]], caption="조직 현황")
    tables = [org]
    if "population" in a:
        tables.append(SampleTable([["기준연도", "인구수(명)", "인구수(만명)"],
                              ["2023년 12월", str(a["population"] - 1200), f"{(a['population'] - 1200) / 10000:.2f}"],
                              ["2024년 12월", str(a["population"]), f"{a['population'] / 10000:.2f}"]],
                             caption="주민등록 인구 (행정안전부 주민등록 인구통계)"))
    if doc.get("pages"):  # the evidence file runs to this many pages (the 요약표 cites pages in it)
        for n in range(len(tables) + 1, int(doc["pages"]) + 1):
            tables.append(SampleTable([["증빙 쪽", str(n)], ["내용", f"{a['name']} 근거자료 {n}쪽"]]))
    return SampleDocument(title=f"근거자료 — {a['name']}", paragraphs=[
        f"{a['name']}이 제출한 평가제안서 및 자체평가표의 사실을 증빙하는 근거자료입니다."], tables=tables,
        page_break_before=set(range(1, len(tables))))


def service_application(spec: dict, _doc: dict) -> SampleDocument:
    programme: ServiceProgramme = load_programme(spec["programme"])
    a = spec["applicant"]
    domains = "  ".join(("[V] " if d.name == spec["domain"] else "[  ] ") + d.name for d in programme.domains)
    level_names = {lv.key: lv.name for lv in programme.levels}
    levels = "  ".join(("[V] " if k == spec["level"] else "[  ] ") + n for k, n in level_names.items())
    rows = [
        ["접수번호", "", "접수일자", "", "처리기간"],
        ["신청 기관", "기관명", a["name"], "사업자(법인)등록번호", a["registration_no"]],
        ["", "대표자", a["representative"], "전화번호", a["phone"]],
        ["", "주 소", a["address"], "", ""],
        ["서비스 명칭", "한 글", spec["service_name"], "", ""],
        ["", "영 문", spec.get("service_name_en", ""), "", ""],
        ["신청 분야", domains, "", "", ""],
        ["신청 서비스 수준", levels, "", "", ""],
        ["인증 실적", a.get("track_record", ""), "", "", ""],
    ]
    merges = [(1, 0, 3, 0), (3, 2, 3, 4), (4, 0, 5, 0), (4, 2, 4, 4), (5, 2, 5, 4), (6, 1, 6, 4), (7, 1, 7, 4), (8, 1, 8, 4)]
    return SampleDocument(title="스마트도시서비스 인증 신청서",
                          paragraphs=["■ 스마트도시 및 스마트도시서비스 인증 운영지침 [별지 제3호서식]"],
                          tables=[SampleTable(rows, merges)])


def service_proposal(spec: dict, _doc: dict) -> SampleDocument:
    a = spec["applicant"]
    rows = [["기관명", a["name"], "대표자", a["representative"]],
            ["인증분야", spec["domain"], "서비스명", spec["service_name"]],
            ["서비스개요", spec.get("summary", ""), "", ""]]
    if spec.get("joint_with"):
        rows.append(["참여 형태", f"공동 신청 (대표 신청인 {a['name']}, 공동 신청인 {spec['joint_with']})", "", ""])
    return SampleDocument(title="스마트도시서비스 인증 평가제안서", tables=[SampleTable(rows, [(2, 1, 2, 3)])],
                          paragraphs=["본 기관은 제출한 제반서류의 내용이 사실과 다름이 없음을 확인합니다."])


def service_self_evaluation(spec: dict, _doc: dict) -> SampleDocument:
    programme: ServiceProgramme = load_programme(spec["programme"])
    scores = {str(k): v for k, v in spec["self_scores"].items()}
    rows = [["평가항목", "세부 평가항목", "", "배점", "평가 점수"]]
    for fld in programme.fields:
        for item in fld.items:
            for sub in item.sub_items:
                score = scores.get(sub.key)
                rows.append([f"{item.key} {item.name}", sub.key, sub.text, str(sub.points),
                             "" if score is None else f"{score:g}"])
    total = spec.get("stated_total", sum(scores.values()))
    rows.append(["합계", "", "", str(programme.total_points), f"{total:g}"])
    return SampleDocument(title="스마트 서비스 인증 자체평가표", tables=[SampleTable(rows, [(0, 1, 0, 2)], caption="자체평가표")])


BUILDERS = {
    ("city", "application"): city_application,
    ("city", "quantitative_proposal"): city_quantitative,
    ("city", "qualitative_self_assessment"): city_qualitative,
    ("city", "evidence"): city_evidence,
    ("service", "application"): service_application,
    ("service", "service_proposal"): service_proposal,
    ("service", "self_evaluation"): service_self_evaluation,
    ("service", "evidence"): city_evidence,
}
