"""Draw one bundle from a seed: its plan (truth, variants, defects) and, written out, its files.

    from samples.draw import draw_bundle
    folder = draw_bundle(7, Path("samples/build/drawn"))            # a city or service bundle, maybe defective
    folder = draw_bundle(8, out, programme="service-2023", defect=None)  # a clean service bundle

Everything comes from ``random.Random(seed)``, drawn in a fixed order, and every timestamp a library
would take from the clock is pinned, so a seed gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import unicodedata
from datetime import timedelta
from pathlib import Path

from samples.draw.choices import draw_variants
from samples.draw.city_plan import plan_city
from samples.draw.containers import forwarded_email, nested_members, original_sent_at, write_7z, zip_bytes
from samples.draw.defects import late_arrival, pick_rules
from samples.draw.documents import MISSING_ROLES, document_list, pdf_pages, render
from samples.draw.formats import draw_formats, format_rng
from samples.draw.mail import email_bytes
from samples.draw.model import Plan
from samples.draw.names import archive_name, member_path, top_folder
from samples.draw.scans import choose as choose_scans
from samples.draw.service_plan import plan_service
from samples.draw.truth import expected
from samples.draw.usb import junk_files, write_folder, write_zip
from schemas import load_programme

PROGRAMMES = ["city-2025", "service-2023"]
# A document left out cannot also carry another defect the truth expects to be found in it.
NEEDS = {"application": {"applicant.registration_no_invalid", "applicant.city_size_mismatch", "service.domain_ineligible"},
         "qualitative_self_assessment": {"qualitative.missing"},
         "self_evaluation": {"service.self_score_exceeds_max", "service.total_mismatch"},
         "evidence": {"indicator.evidence_page_missing"},
         "service_proposal": {"service.joint_confirmation_missing"}}  # the proposal is where 공동 신청 is written
CITY_SHARE = 0.65


def draw_plan(seed: int, *, programme: str | None = None, defect: str | None = "random") -> Plan:
    """The bundle's content and choices, without rendering a file (fast: tests draw many)."""
    rng = random.Random(seed)
    drawn = PROGRAMMES[0] if rng.random() < CITY_SHARE else PROGRAMMES[1]
    spec = load_programme(programme or drawn)
    variants = draw_variants(rng, spec.kind)
    draw_formats(format_rng(seed), spec.kind, variants)
    rules = pick_rules(rng, spec.kind, defect)
    if "submission.late" in rules and variants["channel"] != "email":
        if defect == "random":
            rules.remove("submission.late")
        else:  # only an e-mail's Date tells when a bundle arrived
            variants.update(channel="email", name_style="utf8", zip_names=None, nfd_names=False, junk=False,
                            zip_tree="flat")
    window = spec.submission_window
    days = (window.end - window.start).days
    sent = window.start.replace(hour=8, minute=0) + timedelta(days=rng.randint(0, days), minutes=rng.randint(30, 660),
                                                             seconds=rng.randint(0, 59))
    sent = min(max(sent, window.start), window.end - timedelta(minutes=rng.randint(3, 90)))  # office hours, in the window
    plan = Plan(seed=seed, programme=spec.id, kind=spec.kind, variants=variants, applicant={}, written_applicant={},
                received_at=sent if variants["channel"] == "email" else None,
                sent_at=sent - timedelta(hours=rng.randint(0, 60)))
    (plan_city if spec.kind == "city" else plan_service)(rng, plan, spec, rules)
    if "submission.late" in rules:
        plan.received_at, record = late_arrival(rng, window.end)
        plan.defects.append(record)
    missing = None
    if "document.missing" in rules:
        others = {d["rule"] for d in plan.defects}
        roles = [r for r in MISSING_ROLES[spec.kind] if not others & NEEDS.get(r, set())]
        missing = rng.choice(roles)
        plan.defects.append({"rule": "document.missing", "indicator": None, "document": missing})
    plan.documents = document_list(rng, plan, missing, "document.unreadable" in rules)
    choose_scans(plan)  # scanned proposals, photographed applications: a stream of their own
    if "document.unreadable" in rules:
        plan.defects.append({"rule": "document.unreadable", "indicator": None, "document": plan.documents[-1]["name"]})
    plan.bundle_id = f"v{seed}-{spec.kind}-{plan.roman}"
    return plan


def draw_bundle(seed: int, out_dir: Path, *, programme: str | None = None, defect: str | None = "random") -> Path:
    """Write the bundle (message.eml, a USB zip or a usb/ folder) and its expected.json under
    ``out_dir/<bundle_id>/``; returns that folder."""
    plan = draw_plan(seed, programme=programme, defect=defect)
    rng = random.Random(seed * 7919 + 1)  # rendering's own stream: the plan stays the same whatever is rendered
    spec = load_programme(plan.programme)
    folder = Path(out_dir) / plan.bundle_id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rendered = [(entry, render(rng, plan, spec, entry)) for entry in plan.documents]
    bundle_path, paths = _pack(rng, plan, folder, [(e["name"], data, e["slot"]) for e, data in rendered])
    files = []
    for (entry, data), path in zip(rendered, paths):
        record = {"name": unicodedata.normalize("NFC", entry["name"]), "path": unicodedata.normalize("NFC", path),
                  "sha256": hashlib.sha256(data).hexdigest(), "role": entry["role"]}
        if "role_alt" in entry:
            record["role_alt"] = entry["role_alt"]
        record["pages"] = pdf_pages(data) if entry["format"] == "pdf" and not entry.get("corrupt") else None
        if entry.get("corrupt"):
            record["corrupt"] = True
        if entry.get("scan"):
            record["scanned"] = True
        record["format"] = entry["format"]
        files.append(record)
    truth = expected(plan, bundle_path, files)
    (folder / "expected.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, default=str),
                                          encoding="utf-8")
    return folder


def _pack(rng: random.Random, plan: Plan, folder: Path, files: list[tuple[str, bytes, str]]) -> tuple[str, list[str]]:
    v = plan.variants
    org = plan.written_applicant["name"]
    if v["channel"] == "email":
        return _email(rng, plan, folder, files)
    scheme = v["file_names"]
    top = top_folder(org, scheme)
    members = [(member_path(slot, name, top, v["zip_tree"]), data) for name, data, slot in files]
    extra = junk_files(rng, [p for p, _ in members], top) if v["junk"] else []
    if v["channel"] == "usb_zip":
        name = archive_name(org, scheme)
        paths = {p: p for p, _ in members}
        if v.get("usb_nested") not in (None, "none"):
            packed, paths = nested_members(members, top, v["usb_nested"], v["zip_names"])
            members = packed
        if v.get("usb_archive") == "7z":
            name = name[: -len(".zip")] + ".7z"
            write_7z(folder / name, members + extra)
        else:
            write_zip(folder / name, members + extra, v["zip_names"])
        return name, [paths[member_path(slot, n, top, v["zip_tree"])] for n, _, slot in files]
    write_folder(folder / "usb", members + extra, v["nfd_names"])
    return "usb", [p for p, _ in members]


def _email(rng: random.Random, plan: Plan, folder: Path, files: list[tuple[str, bytes, str]]) -> tuple[str, list[str]]:
    """message.eml: sent plainly, forwarded by the department that collected the files, or carrying one zip."""
    v = plan.variants
    org = plan.written_applicant["name"]
    sender = f"{org} {'스마트도시과' if plan.kind == 'city' else '사업담당'}"
    domain = f"{plan.roman}.go.kr" if plan.kind == "city" else f"corp{rng.randint(100, 999)}.co.kr"
    subject = f"[{org}] {plan.programme[-4:]}년 {'스마트도시' if plan.kind == 'city' else '스마트도시서비스'} 인증 신청서류 제출"
    attached = [(n, d) for n, d, _ in files]
    paths = [name for name, _, _ in files]
    if v.get("email_variant") == "zip":
        top = top_folder(org, v["file_names"])
        members = [(member_path(slot, name, top, v["zip_tree"]), data) for name, data, slot in files]
        archive = f"{org} 인증 신청서류 일체.zip"
        attached = [(archive, zip_bytes(members, v["zip_names"]))]
        paths = [f"{archive}/{p}" for p, _ in members]
    listing = "\n".join(f" {n}. {name}" for n, (name, _) in enumerate(attached, 1))
    message = dict(sender_name=sender, sender_addr=f"smartcity@{domain}", subject=subject, date=plan.received_at,
                   body=f"{org} 담당자입니다.\n인증 신청서류를 제출합니다.\n\n{listing}", files=attached,
                   style=v["name_style"])
    if v.get("email_variant") == "forward":
        message["date"] = original_sent_at(rng, plan.received_at)
        forwarder = (f"{org} 기획예산과" if plan.kind == "city" else f"{org} 대표메일", f"office@{domain}")
        data = forwarded_email(rng, original=message, forwarder=forwarder, date=plan.received_at,
                               as_attachment=v["forward_as_attachment"], style=v["name_style"])
    else:
        data = email_bytes(rng, **message)
    (folder / "message.eml").write_bytes(data)
    return "message.eml", paths
