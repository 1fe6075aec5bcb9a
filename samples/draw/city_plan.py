"""Put a city bundle's plan together: applicant, domains, indicators (with the population unit, the
workbook annex and the defects applied), stages, evidence pages and the stated texts."""

from __future__ import annotations

import random

from samples.draw.city_draw import assign_pages, choose_domains, city_facts, draw_indicators, draw_stages, window
from samples.draw.city_stated import stated
from samples.draw.city_values import evaluate, population_term
from samples.draw.defects import VALUE_APPLIERS, invalid_registration
from samples.draw.model import Plan
from samples.draw.places import area_code, person, registration_no
from samples.draw.wording import phone_text, regno_text
from schemas.programme import CityProgramme

TITLE_ENDINGS = {"구": "청장", "군": "수"}  # 수원시장, 강남구청장, 완주군수


def applicant(rng: random.Random, city, facts: dict, v: dict, rules: list[str], plan: Plan, programme) -> None:
    regno = registration_no(rng, "83")
    if "applicant.registration_no_invalid" in rules:
        regno, record = invalid_registration(rng, "83")
        plan.defects.append(record)
    declared = facts["true_size"]
    if "applicant.city_size_mismatch" in rules:
        declared = "small" if declared == "large" else "large"
        plan.defects.append({"rule": "applicant.city_size_mismatch", "indicator": None})
    rep = person(rng)
    line = rng.choice(["2114", "2000", "3114", f"{rng.randint(1000, 9999)}"])
    phone = f"{area_code(city.address)}-{rng.randint(200, 999)}-{line}"
    plan.applicant = {"name": city.name, "registration_no": regno, "representative": rep, "phone": phone,
                      "address": city.address, "city_size": declared}
    title = city.name + TITLE_ENDINGS.get(city.kind, "장")
    plan.written_applicant = {"name": city.name, "registration_no": regno_text(regno, v),
                              "representative": f"{title} {rep}" if v["rep_title"] else rep,
                              "phone": phone_text(phone, v), "address": city.address, "city_size": declared}


def population_units(plan: Plan, programme: CityProgramme) -> None:
    """Where the form writes the population in 명 too (both) or only (persons), note the persons; when
    only in 명, the truth holds the form's unit from the exact count and the value follows from it."""
    if plan.variants["pop_unit"] == "form":
        return
    for code, ind in plan.indicators.items():
        spec = programme.indicator(code)
        for comp in spec.components:
            term = population_term(comp)
            if not term or comp.letter not in ind.written:
                continue
            persons = plan.context["pop24"] if term[0] == "2024-12" else plan.context["pop23"]
            ind.extra.setdefault("persons", {})[comp.letter] = persons
            if plan.variants["pop_unit"] == "persons":
                ind.components[comp.letter] = round(persons / term[1], 4)
        if ind.extra.get("persons") and plan.variants["pop_unit"] == "persons":
            ind.value = ind.numbers[0] = round(evaluate(spec.formula, ind.components), 2)


def annex_sheets(rng: random.Random, plan: Plan) -> None:
    if not plan.variants["xlsx_annex"]:
        return
    candidates = [c for c, ind in plan.indicators.items() if ind.kind in ("ratio", "ratio2", "breakdown", "sum")]
    chosen = [c for c in candidates if rng.random() < 0.35] or candidates[:1]
    style = rng.choice(["{code}", "{code} 산출내역", "지표 {code}"])
    for code in chosen:
        ind = plan.indicators[code]
        ind.xlsx_sheet = style.format(code=code)
        ind.xlsx_only = rng.random() < 0.4


def plan_city(rng: random.Random, plan: Plan, programme: CityProgramme, rules: list[str]) -> None:
    v = plan.variants
    city, facts = city_facts(rng, programme)
    period = window(facts, v["window_start"])
    plan.context, plan.roman = facts, city.roman
    selected = choose_domains(rng, programme)
    if "domains.selection_invalid" in rules:
        optional = [d.code for d in programme.domain_rules.domains if d.kind == "optional"]
        extra = rng.choice([c for c in optional if c not in selected])
        selected = selected[:2] if rng.random() < 0.5 else selected + [extra]
        selected.sort(key=lambda c: int(c.split("-")[1]))
        plan.defects.append({"rule": "domains.selection_invalid", "indicator": None})
    plan.selected_domains = selected
    applicant(rng, city, facts, v, rules, plan, programme)
    plan.indicators = draw_indicators(rng, programme, facts, selected)
    kinds = {d.code: d.kind for d in programme.domain_rules.domains}
    plan.summary_codes = [i.code for i in programme.indicators if i.code in plan.indicators
                          or (v["unselected"] == "dash" and kinds.get(i.domain) == "optional")]
    population_units(plan, programme)
    plan.qualitative = draw_stages(rng, programme, selected)
    plan.evidence_pages = assign_pages(rng, list(plan.indicators), plan.indicators)
    annex_sheets(rng, plan)
    for rule in rules:
        if rule in VALUE_APPLIERS:
            record = VALUE_APPLIERS[rule](rng, plan, programme)
            if record:
                plan.defects.append(record)
    for code, ind in plan.indicators.items():
        spec = programme.indicator(code)
        ind.stated_text = stated(ind, spec, v, v["stated"])
        if "detail_numbers" in ind.extra:  # the form disagrees with the 요약표
            ind.numbers, kept = list(ind.extra["detail_numbers"]), ind.numbers
            ind.detail_text = stated(ind, spec, v, "detail")
            ind.numbers = kept
        else:
            ind.detail_text = stated(ind, spec, v, "detail")
    plan.facts = {"population_2024_12": facts["pop24"], "population_2023_12": facts["pop23"], "city_type": city.kind,
                  "true_city_size": facts["true_size"], "period_window": period,
                  "evidence_pages_total": plan.evidence_pages}
