"""The service programme: level, domain, self-scores and their totals, the joint-applicant confirmation."""

from __future__ import annotations

import re
from typing import Iterator

from checks.catalogue import catalogue, finding, where_ko
from mapping.submission import MappedBundle
from mapping.values import compact, normalise
from schemas.programme import ServiceProgramme
from schemas.submission import Finding
from schemas.vocabulary import NO_WORDS


def _service(m: MappedBundle) -> ServiceProgramme | None:
    ok = isinstance(m.programme, ServiceProgramme) and m.submission.service is not None and m.by_role("application")
    return m.programme if ok else None


def check_level_and_domain(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None:
        return
    service = m.submission.service
    rule = catalogue()["service.level_invalid"]
    if service.level is None:
        levels = " / ".join(level.short_name or level.name for level in programme.levels)
        yield finding(rule.id, why=rule.word("level_unread", levels=levels))
    else:
        level_ko = {level.key: level.name for level in programme.levels}
        scored_levels = {i.level for f in programme.fields for i in f.items
                         if i.level and any(s.key in service.self_scores for s in i.sub_items)}
        if scored_levels and scored_levels != {service.level}:
            others = ", ".join(level_ko[lv] for lv in sorted(scored_levels - {service.level}))
            yield finding(rule.id, why=rule.word("other_level_scored", level=level_ko[service.level], others=others))
    eligible = [d.name for d in programme.domains if d.eligible]
    if service.domain is not None and service.domain not in eligible:
        yield finding("service.domain_ineligible", domain=service.domain, eligible=", ".join(eligible))


def check_self_scores(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None:
        return
    service = m.submission.service
    points = {s.slot: s.points for s in programme.sub_items()} | {s.key: s.points for s in programme.sub_items()}
    for key, score in service.self_scores.items():
        if key in points and score > points[key]:
            yield finding("service.self_score_exceeds_max", indicator=key, key=key, score=f"{score:g}", points=points[key])
    rule = catalogue()["service.total_mismatch"]
    totals = [(rule.word("grand_total"), service.stated_total, service.self_scores.values(), service.stated_total_source)]
    for f in programme.fields:  # each field's 계, against its own rows
        if f.key in service.stated_field_totals:
            scores = [v for k, v in service.self_scores.items() if k.split(".")[0] == f.key]
            totals.append((f.name, service.stated_field_totals[f.key], scores, service.stated_field_total_sources.get(f.key)))
    for what, stated, scores, source in totals:
        computed = sum(scores)
        if stated is not None and abs(stated - computed) > 1e-6:
            yield finding(rule.id, what=what, stated=f"{stated:g}", computed=f"{computed:g}",
                          where=where_ko(source, unknown=rule.word("where_unknown")))


def check_joint_confirmation(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None or "joint_applicant_confirmation" in m.roles.values():
        return
    for role in ("application", "service_proposal"):
        for doc in m.by_role(role):
            text = normalise(doc.full_text() + " " + " ".join(b.text for b in doc.blocks) + " " +
                             " ".join(c.text for t in doc.tables for c in t.cells))
            hit = next((t for t in programme.joint_application_terms if _named_with_a_partner(t, text)), None)
            if hit:
                rule = catalogue()["service.joint_confirmation_missing"]
                yield finding(rule.id, evidence=rule.word("evidence", file=doc.file, term=hit))
                return


def _named_with_a_partner(term: str, text: str) -> bool:
    """``term`` occurs in ``text`` and is not answered with a no (`공동참여기관: 없음`, `공동참여기관 -`)."""
    spaced = r"\s*".join(re.escape(ch) for ch in compact(term))
    for match in re.finditer(spaced + r"\s*[:：]?\s*(\S*)", text):
        answer = match.group(1).strip("()[],.").lower()
        if answer not in NO_WORDS and compact(answer) not in {compact(w) for w in NO_WORDS}:
            return True
    return False
