"""Draw a city's submission: who, how big, which domains, every indicator's value and every stage."""

from __future__ import annotations

import random
from datetime import date

from samples.draw.city_values import draw_components, evaluate, list_items, new_ind, sum_items
from samples.draw.model import Ind
from samples.draw.places import CITIES, City
from schemas.programme import CityProgramme, Indicator

DEPARTMENTS = [("스마트도시정책관", "스마트도시기획팀"), ("스마트도시담당관", "스마트시티팀"), ("정보통신과", "스마트도시TF"),
               ("디지털혁신과", "스마트도시팀"), ("스마트시티과", "데이터정책팀")]
SYSTEMS = ["스마트도시 성과관리 시스템", "스마트시티 KPI 관리체계", "스마트서비스 성과지표 관리시스템", "스마트도시계획 성과지표"]
# The city's own indicator per domain (지자체 자체 설정 지표): a name and its unit (made up, one per bundle).
OWN_INDICATORS = {
    "C-1": [("AI 신호제어 교차로 수", "개소"), ("스마트 버스정류장 설치 수", "개소"), ("공유 킥보드 전용 주차구역 수", "개소")],
    "C-2": [("지능형 보안등 설치 수", "개"), ("침수 감지 센서 설치 수", "개"), ("스마트 비상벨 설치 대수", "대")],
    "C-3": [("모바일 전자민원 처리 건수", "건"), ("챗봇 민원 응대 건수", "건")],
    "C-4": [("스마트 경로당 운영 수", "개소"), ("IoT 가스차단기 보급 가구 수", "가구")],
    "C-5": [("디지털 배움터 운영 개소", "개소"), ("메타버스 교실 이용 학생 수", "명")],
    "C-6": [("스마트 관광안내 키오스크 수", "대"), ("관광 앱 이용자 수", "명")],
    "C-7": [("스마트 상점 지원 점포 수", "개"), ("지역화폐 앱 가맹점 수", "개")],
    "C-8": [("비대면 건강관리 참여자 수", "명"), ("스마트 돌봄 플러그 보급 가구 수", "가구")],
    "C-9": [("스마트 그늘막 설치 수", "개"), ("전기차 충전기 설치 수", "기")],
}
STAGE_WEIGHTS = [1, 3, 5, 4, 2]  # stages 1 … 5: most cities claim 요건 충족 or 발전


def city_facts(rng: random.Random, programme: CityProgramme) -> tuple[City, dict]:
    city = rng.choice(CITIES)
    pop24 = int(city.population * rng.uniform(0.97, 1.03))
    pop23 = int(pop24 * rng.uniform(0.985, 1.015))
    facts = {"name": city.name, "pop24": pop24, "pop23": pop23, "man24": round(pop24 / 1e4, 2),
             "man23": round(pop23 / 1e4, 2), "cheon24": round(pop24 / 1e3, 1),
             "area": round(city.area_km2 * rng.uniform(0.98, 1.02), 1), "window_start": date(2023, 1, 1)}
    facts["true_size"] = programme.size_class_of(city.name, pop24)
    return city, facts


def window(facts: dict, start_month: int) -> str:
    facts["window_start"] = date(2023, start_month, 1)
    end_month = start_month - 1 + 23
    return f"2023-{start_month:02d}..{2023 + end_month // 12}-{end_month % 12 + 1:02d}"


def choose_domains(rng: random.Random, programme: CityProgramme) -> list[str]:
    optional = [d.code for d in programme.domain_rules.domains if d.kind == "optional"]
    return sorted(rng.sample(optional, programme.domain_rules.choose_optional), key=_domain_order)


def _domain_order(code: str) -> int:
    return int(code.split("-")[1])


def draw_indicator(rng: random.Random, ind: Indicator, facts: dict, drawn: dict) -> Ind:
    code = ind.code
    if ind.self_defined:
        name, unit = rng.choice(OWN_INDICATORS[ind.domain])
        value = rng.randint(3, 60) if unit in ("개소", "대", "기") else rng.randint(40, 4000)
        return new_ind(code, "selfset", value, numbers=[value], extra={"name": name, "unit": unit})
    if ind.reading == "named" and "총원" in (ind.summary_template or ""):  # a department named (000국/과/팀)
        office, team = rng.choice(DEPARTMENTS)
        staff = rng.randint(5, 30)
        return new_ind(code, "dept", True, numbers=[staff], extra={"office": office, "team": team, "staff": staff})
    if ind.value_kind == "boolean":
        slots = (ind.summary_template or "O/X").count("O/X") or 1
        flags = [rng.random() < 0.9 for _ in range(slots)]
        if ind.reading == "named":
            return new_ind(code, "bool", flags[0], flags=flags[:1], extra={"system": rng.choice(SYSTEMS)})
        if len(flags) > 1 and ind.reading == "boolean":  # 계획 수립 O (승인 X): no approval without a plan
            flags[1] = flags[1] and flags[0]
        value = any(flags) if ind.reading == "boolean_any" else flags[0]
        return new_ind(code, "bool", value, flags=flags)
    if ind.formula:
        comps, rows = draw_components(rng, ind, facts, drawn)
        drawn[code] = comps
        value = round(evaluate(ind.formula, comps), 2)
        kind = "ratio2" if len(comps) == 4 else "breakdown" if code in ("C-1-4", "C-1-5", "C-5-2") else "ratio"
        return new_ind(code, kind, value, components=dict(comps), written=dict(comps), numbers=[value],
                       extra={"rows": rows})
    if ind.listed_items:
        if ind.item_groups:
            groups = [rng.randint(2, 10), rng.choice([0, 1, 1, 2, 3])]
            header, items = list_items(rng, ind, sum(groups), facts, groups)
            return new_ind(code, "list", sum(groups), numbers=groups, items=items, header=header, listed=sum(groups))
        n = rng.randint(2, 9)
        header, items = list_items(rng, ind, n, facts)
        return new_ind(code, "list", n, numbers=[n], items=items, header=header, listed=n)
    header, items, total = sum_items(rng, ind, facts)
    numbers = [len(items), total] if ind.reading == "count_before_unit" else [total]
    return new_ind(code, "sum", total, numbers=numbers, items=items, header=header)


def draw_indicators(rng: random.Random, programme: CityProgramme, facts: dict, selected: list[str]) -> dict[str, Ind]:
    drawn: dict = {}
    out = {}
    for code in programme.reported_codes(selected):
        out[code] = draw_indicator(rng, programme.indicator(code), facts, drawn)
    return out


def draw_stages(rng: random.Random, programme: CityProgramme, selected: list[str]) -> dict[str, int]:
    kinds = {d.code: d.kind for d in programme.domain_rules.domains}
    stages = {}
    for area in programme.qualitative_areas:
        for sub in area.sub_areas:
            if sub.domain and kinds[sub.domain] == "optional" and sub.domain not in selected:
                continue
            stages[sub.key] = rng.choices(programme.stage_numbers(), weights=STAGE_WEIGHTS)[0]
    return stages


def assign_pages(rng: random.Random, codes: list[str], indicators: dict[str, Ind]) -> int:
    """Cite evidence pages in order through the indicators (page 1 is the evidence's cover); the count of pages."""
    page = 2
    for code in codes:
        ind = indicators[code]
        ind.pages = [page, page + 1] if rng.random() < 0.3 else [page]
        if rng.random() < 0.22:
            page += 1
    return page + 1
