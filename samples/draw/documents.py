"""Which files a bundle carries (role, format, name, folder) and their bytes."""

from __future__ import annotations

import random
import re

from samples.draw.blocks import FlowDocument
from samples.draw.city_docs import application as city_application
from samples.draw.city_docs import evidence as city_evidence
from samples.draw.city_docs import proposal as city_proposal
from samples.draw.city_docs import qualitative as city_qualitative
from samples.draw.model import Plan
from samples.draw.names import file_name
from samples.draw.render_hancom import HANCOM_WRITERS
from samples.draw.render_office import to_docx, to_xlsx
from samples.draw.render_pdf import to_pdf
from samples.draw.scans import render_entry as render_scan
from samples.draw.service_docs import application as service_application
from samples.draw.service_docs import evidence as service_evidence
from samples.draw.service_docs import joint_confirmation, privacy_consent, self_evaluation
from samples.draw.service_docs import proposal as service_proposal

# Documents a defect may leave out (a service's level is only on its application, so that one stays).
MISSING_ROLES = {"city": ["application", "qualitative_self_assessment", "evidence"],
                 "service": ["self_evaluation", "evidence", "service_proposal"]}


def document_list(rng: random.Random, plan: Plan, missing: str | None, unreadable: bool) -> list[dict]:
    """Files in the order the applicant attaches them; ``slot`` names the builder and the file name."""
    v = plan.variants
    if plan.kind == "city":
        docs = [("application", "application", v["app_format"]),
                ("quantitative_proposal", "quantitative_proposal", v["proposal_format"])]
        if v["xlsx_annex"]:
            docs.append(("annex", "quantitative_proposal", "xlsx"))
        docs += [("qualitative_self_assessment", "qualitative_self_assessment", v["qual_format"]),
                 ("evidence", "evidence", "pdf")]
    else:
        docs = [("application", "application", v["app_format"]),
                ("service_proposal", "service_proposal", v["proposal_format"]),
                ("self_evaluation", "self_evaluation", v["self_eval_format"])]
        if plan.service["joint"] and not any(d["rule"] == "service.joint_confirmation_missing" for d in plan.defects):
            docs.append(("joint_applicant_confirmation", "joint_applicant_confirmation", rng.choice(["docx", "pdf"])))
        if v["privacy_consent"]:
            docs.append(("privacy_consent", "privacy_consent", "docx"))
        docs.append(("evidence", "evidence", "pdf"))
    if unreadable:
        docs.append(("extra", "evidence", "pdf"))
    org = plan.written_applicant["name"]
    svc = re.sub(r"[\\/:*?\"<>|]", "", plan.service["service_name"]) if plan.service else ""
    out = []
    for slot, role, fmt in docs:
        if slot == missing:
            continue
        entry = {"slot": slot, "role": role, "format": fmt,
                 "name": file_name(plan.kind, slot, v["file_names"], fmt, org, svc)}
        if slot == "annex":
            entry["role_alt"] = ["evidence", "other"]
        if slot == "extra":
            entry["corrupt"] = True
        out.append(entry)
    return out


def build(rng: random.Random, plan: Plan, programme, slot: str) -> FlowDocument | None:
    if plan.kind == "city":
        if slot == "application":
            return city_application(rng, plan, programme)
        if slot in ("quantitative_proposal", "annex"):
            if "_proposal" not in plan.context:  # the proposal and its annex are drawn together
                plan.context["_proposal"] = city_proposal(rng, plan, programme)
            proposal, annex = plan.context["_proposal"]
            return proposal if slot == "quantitative_proposal" else annex
        if slot == "qualitative_self_assessment":
            return city_qualitative(rng, plan, programme)
        return city_evidence(plan, programme)
    builders = {"application": lambda: service_application(plan, programme),
                "service_proposal": lambda: service_proposal(rng, plan, programme),
                "self_evaluation": lambda: self_evaluation(rng, plan, programme),
                "joint_applicant_confirmation": lambda: joint_confirmation(plan),
                "privacy_consent": lambda: privacy_consent(plan)}
    return builders.get(slot, lambda: service_evidence(plan))()


def render(rng: random.Random, plan: Plan, programme, entry: dict) -> bytes:
    doc = build(rng, plan, programme, entry["slot"])
    fmt = entry["format"]
    if entry.get("scan"):  # a scanned or photographed paper copy (samples/draw/scans.py)
        return render_scan(entry, to_pdf(doc), plan.seed, plan.written_applicant["name"])
    if fmt == "pdf":
        data = to_pdf(doc)
        if entry.get("corrupt"):  # a scan that broke in transit: the first third of a PDF
            data = data[: len(data) // 3]
        return data
    if fmt == "xlsx":
        return to_xlsx(doc, plan.sent_at, first_sheet=_first_sheet(entry["slot"]))
    if fmt in HANCOM_WRITERS:
        return HANCOM_WRITERS[fmt](doc, plan.sent_at)
    return to_docx(doc, plan.sent_at, title_as_heading=plan.variants["title_style"] == "heading")


def _first_sheet(slot: str) -> str:
    firsts = {"annex": "목차", "self_evaluation": "1. 스마트 도시 부합성", "qualitative_self_assessment": "대분류1"}
    return firsts.get(slot, "Sheet1")


def pdf_pages(data: bytes) -> int | None:
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    return pages or None
