"""Injected defects, recorded the way expected.json's ``defects`` lists them (rule ids of checks/rules.yaml).

A defect is chosen before drawing (some change what is drawn: the domains chosen, the size class
declared) and applied at its stage: ``early`` before the indicators, ``values`` after them,
``bundle`` when the files are packed. An applier returns the record, or None when the bundle
gives it nothing to work on (then another is drawn).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from samples.draw.city_values import evaluate, list_items
from samples.draw.model import Plan
from samples.draw.places import registration_no

CITY_RULES = ["indicator.recompute_mismatch", "indicator.missing", "indicator.summary_detail_mismatch",
              "indicator.count_mismatch", "indicator.period_out_of_window", "indicator.evidence_page_missing",
              "indicator.cross_inconsistent", "applicant.registration_no_invalid", "applicant.city_size_mismatch",
              "domains.selection_invalid", "qualitative.missing", "document.missing", "document.unreadable",
              "submission.late"]
SERVICE_RULES = ["service.domain_ineligible", "service.self_score_exceeds_max", "service.total_mismatch",
                 "service.joint_confirmation_missing", "applicant.registration_no_invalid", "document.missing",
                 "document.unreadable", "submission.late"]
EARLY = {"applicant.city_size_mismatch", "domains.selection_invalid", "applicant.registration_no_invalid",
         "service.domain_ineligible", "service.joint_confirmation_missing"}
BUNDLE = {"document.missing", "document.unreadable", "submission.late"}


def rules_for(kind: str) -> list[str]:
    return CITY_RULES if kind == "city" else SERVICE_RULES


def pick_rules(rng: random.Random, kind: str, defect: str | None) -> list[str]:
    if defect is None:
        return []
    if defect != "random":
        if defect not in rules_for(kind):
            raise ValueError(f"{defect} is not drawn for a {kind} bundle (choose from {rules_for(kind)})")
        return [defect]
    if rng.random() < 0.5:
        return []
    rules = rng.sample(rules_for(kind), 3)  # a spare in case one does not apply
    return rules[:1] if rng.random() < 0.7 else rules[:2]


def _pick(rng: random.Random, plan: Plan, kinds: tuple[str, ...], taken: set[str], test=lambda ind: True):
    codes = [c for c, ind in plan.indicators.items() if ind.kind in kinds and c not in taken and test(ind)]
    return rng.choice(codes) if codes else None


def _taken(plan: Plan) -> set[str]:
    return {d["indicator"] for d in plan.defects if d.get("indicator")}


def recompute_mismatch(rng, plan, programme):
    code = _pick(rng, plan, ("ratio", "ratio2"), _taken(plan))
    if not code:
        return None
    ind = plan.indicators[code]
    population = set(ind.extra.get("persons", {})) | {c.letter for c in programme.indicator(code).components
                                                       if c.unit in ("만명", "천명") and c.reference}
    # the numerator (B) where it is not a population: a smaller part never exceeds its whole
    others = [k for k in ind.written if k not in population]
    letter = "B" if "B" in others else rng.choice(others)
    old = ind.written[letter]
    new = round(old * rng.uniform(0.7, 0.88), 1) if isinstance(old, float) else int(old * rng.uniform(0.7, 0.88))
    ind.written[letter] = ind.components[letter] = new
    return {"rule": "indicator.recompute_mismatch", "indicator": code}


def indicator_missing(rng, plan, programme):
    code = _pick(rng, plan, ("list", "sum", "ratio", "bool"), _taken(plan))
    if not code:
        return None
    del plan.indicators[code]
    plan.summary_codes.remove(code)
    return {"rule": "indicator.missing", "indicator": code}


def summary_detail_mismatch(rng, plan, programme):
    code = _pick(rng, plan, ("ratio", "ratio2"), _taken(plan))
    if not code:
        return None
    ind = plan.indicators[code]
    other = round(ind.value * rng.choice([rng.uniform(0.7, 0.9), rng.uniform(1.1, 1.4)]), 2)
    ind.extra["detail_numbers"] = [other]
    ind.alt_values = [other]
    return {"rule": "indicator.summary_detail_mismatch", "indicator": code}


def count_mismatch(rng, plan, programme):
    code = _pick(rng, plan, ("list",), _taken(plan), lambda ind: not programme.indicator(ind.code).item_groups)
    if not code:
        return None
    ind = plan.indicators[code]
    n = max(1, ind.value + rng.choice([-2, -1, 1, 2, 3]))
    if n == ind.value:
        n += 1
    ind.header, ind.items = list_items(rng, programme.indicator(code), n, plan.context)
    ind.listed = n
    return {"rule": "indicator.count_mismatch", "indicator": code}


def period_out_of_window(rng, plan, programme):
    code = _pick(rng, plan, ("list",), _taken(plan), lambda ind: any(it.when for it in ind.items))
    if not code:
        return None
    ind = plan.indicators[code]
    when = date(2022, rng.randint(3, 11), rng.randint(1, 28)) if rng.random() < 0.5 else \
        date(2025, rng.randint(8, 12), rng.randint(1, 28))
    item = ind.items[0] if when.year == 2022 else ind.items[-1]
    item.cells = [when if hasattr(c, "year") else c for c in item.cells]
    item.when = when
    return {"rule": "indicator.period_out_of_window", "indicator": code, "note": f"entry dated {when:%Y-%m}"}


def evidence_page_missing(rng, plan, programme):
    code = _pick(rng, plan, ("list", "sum", "ratio", "bool"), _taken(plan))
    if not code:
        return None
    plan.indicators[code].pages = [plan.evidence_pages + rng.randint(3, 40)]
    return {"rule": "indicator.evidence_page_missing", "indicator": code}


def cross_inconsistent(rng, plan, programme):
    constraint = next(c for c in programme.constraints if c.id == programme.city_size.population_from)
    terms = [t for t in constraint.terms if t.split(".")[0] in plan.indicators and t.split(".")[0] not in _taken(plan)]
    if len(terms) < 2:
        return None
    code, letter = rng.choice(terms).split(".")
    ind = plan.indicators[code]
    factor = rng.choice([rng.uniform(0.93, 0.97), rng.uniform(1.03, 1.07)])
    ind.written[letter] = ind.components[letter] = round(ind.written[letter] * factor, 2)
    ind.extra.pop("persons", None)  # written in the form's unit, so the changed figure is what is read
    ind.value = ind.numbers[0] = round(evaluate(programme.indicator(code).formula, ind.components), 2)
    others = sorted({t.split(".")[0] for t in terms} - {code})
    return {"rule": "indicator.cross_inconsistent", "indicator": code, "alt_indicators": others,
            "note": "population differs from the other 2024-12 figures"}


def qualitative_missing(rng, plan, programme):
    keys = [k for k, stage in plan.qualitative.items() if stage is not None]
    key = rng.choice(keys)
    plan.qualitative[key] = None
    return {"rule": "qualitative.missing", "indicator": key}


def self_score_exceeds_max(rng, plan, programme):
    points = {s.key.split("-")[0]: s.points for s in programme.sub_items()}
    keys = [k for k in plan.service["self_scores"] if points[k] < 20]
    key = rng.choice(keys)
    plan.service["self_scores"][key] = points[key] + rng.randint(1, 2)
    _retotal(plan)
    return {"rule": "service.self_score_exceeds_max", "indicator": key}


def total_mismatch(rng, plan, programme):
    which = rng.choice(["total", "total", "1", "2", "3"])  # the grand total, or one field's subtotal
    plan.service["stated_totals"][which] += rng.choice([-5, -3, -2, 2, 3, 4])
    return {"rule": "service.total_mismatch", "indicator": None}


def _retotal(plan: Plan) -> None:
    scores = plan.service["self_scores"]
    totals = {f: sum(v for k, v in scores.items() if k.startswith(f + ".")) for f in ("1", "2", "3")}
    totals["total"] = sum(totals.values())
    plan.service["stated_totals"] = totals


VALUE_APPLIERS = {
    "indicator.recompute_mismatch": recompute_mismatch, "indicator.missing": indicator_missing,
    "indicator.summary_detail_mismatch": summary_detail_mismatch, "indicator.count_mismatch": count_mismatch,
    "indicator.period_out_of_window": period_out_of_window, "indicator.evidence_page_missing": evidence_page_missing,
    "indicator.cross_inconsistent": cross_inconsistent, "qualitative.missing": qualitative_missing,
    "service.self_score_exceeds_max": self_score_exceeds_max, "service.total_mismatch": total_mismatch,
}


def late_arrival(rng: random.Random, window_end) -> tuple:
    return window_end + timedelta(minutes=rng.randint(5, 600)), {"rule": "submission.late", "indicator": None}


def invalid_registration(rng: random.Random, kind_code: str) -> tuple[str, dict]:
    record = {"rule": "applicant.registration_no_invalid", "indicator": None}
    return registration_no(rng, kind_code, valid=False), record
