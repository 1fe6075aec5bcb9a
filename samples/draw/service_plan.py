"""Put a service bundle's plan together: provider, service, self-scores, defects."""

from __future__ import annotations

import random

from samples.draw.defects import VALUE_APPLIERS, invalid_registration
from samples.draw.model import Plan
from samples.draw.places import SERVICE_NAMES
from samples.draw.service_draw import FORM_MISSING, domain_labels, draw_scores, draw_service, sub_item_rows, totals
from samples.draw.wording import phone_text, regno_text
from schemas.programme import ServiceProgramme


def plan_service(rng: random.Random, plan: Plan, programme: ServiceProgramme, rules: list[str]) -> None:
    v = plan.variants
    if "service.joint_confirmation_missing" in rules:
        v["joint"] = True  # a joint application whose 별지 제5호서식 is left out
    applicant, service = draw_service(rng, programme, v)
    if "applicant.registration_no_invalid" in rules:
        applicant["registration_no"], record = invalid_registration(rng, applicant["registration_no"][4:6])
        plan.defects.append(record)
    if "service.domain_ineligible" in rules:
        ineligible = [d.name for d in programme.domains if not d.eligible]
        labels = {d.name: label for d, label in zip(programme.domains, domain_labels(programme))}
        domain = rng.choice(ineligible)
        service.update(domain=labels[domain], domain_key=domain, service_name=rng.choice(SERVICE_NAMES["other"]))
        rows = sub_item_rows(programme, service["level"], domain)
        service["self_scores"] = draw_scores(rng, rows, v["numbering"])
        service["stated_totals"] = totals(service["self_scores"])
        plan.defects.append({"rule": "service.domain_ineligible", "indicator": None})
    if "service.joint_confirmation_missing" in rules:
        plan.defects.append({"rule": "service.joint_confirmation_missing", "indicator": None})
    plan.applicant = applicant
    plan.written_applicant = {**applicant, "registration_no": regno_text(applicant["registration_no"], v),
                              "phone": phone_text(applicant["phone"], v),
                              "representative": f"대표이사 {applicant['representative']}" if v["rep_title"]
                              else applicant["representative"]}
    plan.service = service
    plan.roman = "svc"
    plan.evidence_pages = rng.randint(4, 9)
    for rule in rules:
        if rule in VALUE_APPLIERS:
            record = VALUE_APPLIERS[rule](rng, plan, programme)
            if record:
                plan.defects.append(record)
    plan.facts = {"partners": list(service["partners"]), "evidence_pages_total": plan.evidence_pages,
                  "form_rows_missing": sorted(FORM_MISSING) if v["numbering"] == "form" else []}
