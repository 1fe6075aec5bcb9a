"""Draw a service submission: the provider, the service's level and domain, the self-scores.

Sub-items are keyed in the criteria's numbering (참고1) in the truth; the self-evaluation form may
number them its own way (``FORM_KEYS``), word some differently, give two rows other points, lack
3.2.4.1 and carry an extra 2.2.2.2 row — the seed's 1-3 자체평가표 as printed.
"""

from __future__ import annotations

import random

from samples.draw.places import CITIES, COMPANIES, SERVICE_NAMES, person, registration_no
from schemas.programme import ServiceProgramme

FORM_KEYS = {"1.3.3.1": "1.3.4.1", "2.2.2.2": "2.2.2.3", "2.2.4.1": "2.2.5.1", "2.2.4.2": "2.2.5.2",
             "2.3.5.1": "2.3.6.1", "2.3.5.2": "2.3.6.2", "2.3.5.3": "2.3.6.3", "2.3.5.4": "2.3.6.4"}
FORM_TEXTS = {"1.3.2.1": "해당 서비스는 사회적 약자(노인, 장애인 등)에 대해서 배려를 하고 있다.",
              "2.1.1.2": "서비스 이용시간을 관리한다.", "2.1.1.3": "이용실적에 따른 인센티브를 제공한다.",
              "2.1.2.1": "단위 서비스 전체 인프라 용량정보를 제공한다.", "2.1.2.2": "단위 서비스 인프라의 세부정보를 제공한다.",
              "2.1.2.3": "단위 서비스의 실시간 이용현황 정보를 제공한다.",
              "2.1.2.5": "인프라의 수요예측 또는 실시간 수요대응 기능을 제공한다.",  # printed twice in the form
              "2.1.3.1": "해당 단위서비스의 시간대별 서비스 활용률 통계를 제공한다.",
              "2.1.3.2": "해당 단위서비스의 요일별 활용률 통계를 제공한다.",
              "2.1.3.3": "해당 단위서비스의 금액대별 활용률 통계를 제공한다.",
              "2.3.2.1": "동일 프레임워크 또는 정보연계표준을 사용한다.",
              "2.3.2.2": "하나의 플랫폼에서 여러 서비스 제공자의 동일 서비스를 이용할 수 있다.",
              "2.3.3.1": "이용자가 여러 네트워크 연계 서비스 제공자의 동일 서비스 이용이력을 하나의 플랫폼에서 연동하는 것이 가능하다.",
              "2.3.4.1": "네트워크 연계 서비스 제공자별 식별코드를 부여하여 관리한다.",
              "3.2.3.1": "오픈소스 기반의 소프트웨어를 사용한다."}
FORM_GROUPS = {"사회적 영향": "사회적 격차 해소", "단위서비스 기능 구현 여부": "단위 서비스 기능 구현 여부"}
FORM_POINTS = {"3.1.1.1": 3, "3.2.2.1": 3}
FORM_MISSING = {"3.2.4.1"}
FORM_EXTRA = ("2.2.2.1", "2.2.2.2", "이용자 소유의 인프라를 제3자에게 공유할 수 있다.", 3)  # after, key, text, points
SPECIAL = "특화지표"


def slot_key(key: str) -> str:
    """2.1.1.4-1 → 2.1.1.4: the 교통 / 환경·에너지 alternatives share one scored slot."""
    return key.split("-")[0]


def domain_labels(programme: ServiceProgramme) -> list[str]:
    """The 12 신청 분야 as the application form prints them (환경·에너지·수자원)."""
    return [next((n for n in d.name_variants if "수자원" in n and "·" in n), d.name) for d in programme.domains]


def sub_item_rows(programme: ServiceProgramme, level: str, domain: str) -> list[tuple]:
    """(field, item, key, text, points) for each scored slot of the service's level, in order."""
    out = []
    for field in programme.fields:
        for item in field.items:
            if item.level and item.level != level:
                continue
            for sub in item.sub_items:
                if sub.domain:
                    wanted = sub.domain if domain.startswith(sub.domain[:2]) else "교통"
                    if sub.domain != wanted:
                        continue
                out.append((field, item, slot_key(sub.key), sub.text, sub.points, sub.group))
    return out


def draw_scores(rng: random.Random, rows: list[tuple], numbering: str) -> dict[str, int]:
    scores = {}
    for _field, _item, key, _text, points, _group in rows:
        if numbering == "form" and key in FORM_MISSING:
            continue
        low = 12 if points >= 20 else max(0, points - 2)
        scores[key] = rng.randint(low, points)
    return scores


def totals(scores: dict[str, int]) -> dict[str, int]:
    out = {f: sum(v for k, v in scores.items() if k.startswith(f + ".")) for f in ("1", "2", "3")}
    out["total"] = sum(out.values())
    return out


def draw_service(rng: random.Random, programme: ServiceProgramme, variants: dict) -> tuple[dict, dict]:
    """(applicant, service) of a clean submission."""
    company = rng.choice(COMPANIES)
    applicant = {"name": company.name, "registration_no": registration_no(rng, rng.choice(["81", "86", "87", "88"])),
                 "representative": person(rng), "phone": company.phone, "address": company.address, "city_size": None}
    eligible = [d.name for d in programme.domains if d.eligible]
    labels = dict(zip([d.name for d in programme.domains], domain_labels(programme)))
    domain = rng.choice(eligible)
    level = rng.choice([lv.key for lv in programme.levels])
    rows = sub_item_rows(programme, level, domain)
    scores = draw_scores(rng, rows, variants["numbering"])
    partners = []
    if variants["joint"]:
        partners = [rng.choice([c.name for c in CITIES if c.kind == "시"])]
        if rng.random() < 0.3:
            partners.append(rng.choice([c.name for c in COMPANIES if c.name != company.name]))
    service = {"level": level, "domain": labels[domain], "service_name": rng.choice(SERVICE_NAMES[domain]),
               "joint": bool(partners), "self_scores": scores, "stated_totals": totals(scores),
               "numbering": variants["numbering"], "partners": partners, "domain_key": domain}
    return applicant, service
