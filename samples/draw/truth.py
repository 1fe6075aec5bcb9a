"""expected.json in the development set's ground-truth format (what /work/shared/devset/score.py reads)."""

from __future__ import annotations

from samples.draw.model import Ind, Plan

GENERATOR = "samples.draw/1"  # bump when a seed no longer draws what it drew (recorded under variants)
SERVICE_KEYS = ("level", "domain", "service_name", "joint", "self_scores", "stated_totals", "numbering")


def indicator_truth(ind: Ind) -> dict:
    out = {"value": ind.value, "components": dict(ind.components)}
    if ind.alt_values:
        out["alt_values"] = list(ind.alt_values)
    out.update(stated_text=ind.stated_text, kind=ind.kind)
    if ind.kind == "list":
        out["listed_items"] = len(ind.items)
    out["evidence_pages"] = list(ind.pages)
    if ind.xlsx_sheet:
        out.update(xlsx_sheet=ind.xlsx_sheet, xlsx_only=ind.xlsx_only)
    return out


def expected(plan: Plan, bundle_path: str, files: list[dict]) -> dict:
    v = plan.variants
    missing_application = not any(f["role"] == "application" for f in files)
    applicant = {k: None for k in plan.applicant} if missing_application else dict(plan.applicant)
    roles = {f["role"] for f in files}
    service = {k: plan.service[k] for k in SERVICE_KEYS} if plan.service else None
    if service:  # nothing to read the scores from when the self-evaluation is left out
        service["self_scores"] = dict(service["self_scores"]) if "self_evaluation" in roles else {}
        service["stated_totals"] = dict(service["stated_totals"])
    qualitative = {k: s for k, s in plan.qualitative.items() if s is not None}
    if plan.kind == "city" and "qualitative_self_assessment" not in roles:
        qualitative = {}
    return {
        "bundle_id": plan.bundle_id, "seed": plan.seed, "index": 0, "programme": plan.programme,
        "channel": "email" if v["channel"] == "email" else "usb", "bundle_path": bundle_path,
        "received_at": plan.received_at.isoformat() if plan.received_at else None,
        "applicant": applicant,
        "indicators": {code: indicator_truth(ind) for code, ind in plan.indicators.items()},
        "selected_domains": list(plan.selected_domains),
        "qualitative": qualitative,
        "service": service,
        "defects": list(plan.defects),
        "facts": dict(plan.facts),
        "files": files,
        "variants": {**v, "xlsx_only_any": any(i.xlsx_only for i in plan.indicators.values()), "generator": GENERATOR},
    }
