"""The service programme: level, domain, self-scores and their totals, the joint-applicant confirmation."""

from __future__ import annotations

from typing import Iterator

from checks.catalogue import finding, where_ko
from mapping.submission import MappedBundle
from mapping.values import compact
from schemas.programme import ServiceProgramme
from schemas.submission import Finding


def _service(m: MappedBundle) -> ServiceProgramme | None:
    ok = isinstance(m.programme, ServiceProgramme) and m.submission.service is not None and m.by_role("application")
    return m.programme if ok else None


def check_level_and_domain(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None:
        return
    service = m.submission.service
    if service.level is None:
        yield finding("service.level_invalid", why="신청서에서 신청 서비스 수준(단위 / 네트워크 연계 / 데이터허브 기반)을 확인할 수 없음")
    else:
        level_ko = {level.key: level.name for level in programme.levels}
        scored_levels = {i.level for f in programme.fields for i in f.items
                         if i.level and any(s.key in service.self_scores for s in i.sub_items)}
        if scored_levels and scored_levels != {service.level}:
            others = ", ".join(level_ko[lv] for lv in sorted(scored_levels - {service.level}))
            yield finding("service.level_invalid",
                          why=f"신청 수준은 {level_ko[service.level]}이나 자체평가표는 {others} 항목에 점수를 매김")
    eligible = [d.name for d in programme.domains if d.eligible]
    if service.domain is not None and service.domain not in eligible:
        yield finding("service.domain_ineligible", domain=service.domain, eligible=", ".join(eligible))


def check_self_scores(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None:
        return
    service = m.submission.service
    points = {s.key: s.points for s in programme.sub_items()}
    for key, score in service.self_scores.items():
        if key in points and score > points[key]:
            yield finding("service.self_score_exceeds_max", indicator=key, key=key, score=f"{score:g}", points=points[key])
    total = service.stated_total
    if total is not None:
        computed = sum(service.self_scores.values())
        if abs(total - computed) > 1e-6:
            yield finding("service.total_mismatch", what="전체", stated=f"{total:g}", computed=f"{computed:g}",
                          where=where_ko(service.stated_total_source, unknown="자체평가표"))


def check_joint_confirmation(m: MappedBundle) -> Iterator[Finding]:
    programme = _service(m)
    if programme is None or "joint_applicant_confirmation" in m.roles.values():
        return
    for role in ("application", "service_proposal"):
        for doc in m.by_role(role):
            text = compact(doc.full_text() + " ".join(b.text for b in doc.blocks) +
                           " ".join(c.text for t in doc.tables for c in t.cells))
            hit = next((t for t in programme.joint_application_terms if compact(t) in text), None)
            if hit:
                yield finding("service.joint_confirmation_missing", evidence=f"'{doc.file}'에 '{hit}' 기재")
                return
