"""The rule catalogue's checks over a mapped submission; each yields findings (checks/rules.yaml)."""

from __future__ import annotations

from typing import Callable, Iterator

from checks import applicant, consistency, indicators, service, submission
from checks.catalogue import catalogue, finding
from checks.submission import document_findings
from mapping.submission import MappedBundle
from schemas.provenance import Provenance
from schemas.submission import Finding

Check = Callable[[MappedBundle], Iterator[Finding]]

CHECKS: list[Check] = [
    submission.check_programme, submission.check_document_flags, submission.check_required_documents,
    submission.check_deadline, submission.check_application_fields,
    applicant.check_registration_no, applicant.check_city_size,
    indicators.check_summary, indicators.check_recompute, indicators.check_detail_forms, indicators.check_periods,
    indicators.check_evidence_pages, indicators.check_duplicates, indicators.check_ocr_confidence,
    consistency.check_constraints,
    submission.check_qualitative,
    service.check_level_and_domain, service.check_self_scores, service.check_joint_confirmation,
]


REPEATS_SHOWN = 10  # file findings of one rule shown one by one; the rest become one findings.repeated


def run_checks(m: MappedBundle) -> list[Finding]:
    return collapse_repeats([f for check in CHECKS for f in check(m)])


def collapse_repeats(findings: list[Finding], shown: int = REPEATS_SHOWN) -> list[Finding]:
    """Findings about single files (a USB of 1,000 unreadable photos) past the first ``shown`` of a rule become one
    ``findings.repeated`` finding with the rule's severity, where that rule's repeats were: not a flood of blockers."""
    per_rule: dict[str, list[Finding]] = {}
    for f in findings:
        if f.indicator is None and f.source is not None and f.source.file:
            per_rule.setdefault(f.rule, []).append(f)
    extra = {rule: found[shown:] for rule, found in per_rule.items() if len(found) > shown}
    if not extra:
        return findings
    dropped = {id(f) for found in extra.values() for f in found}
    last_shown = {id(per_rule[rule][shown - 1]): rule for rule in extra}  # the summary follows it
    out = []
    for f in findings:
        if id(f) in dropped:
            continue
        out.append(f)
        if id(f) in last_shown:
            rest = extra[last_shown[id(f)]]
            summary = finding("findings.repeated", title=catalogue()[f.rule].title, count=len(rest), shown=shown,
                              examples=", ".join(r.source.file for r in rest[:3]))
            out.append(summary.model_copy(update={"severity": f.severity}))
    return out


def problem_findings(problems) -> list[Finding]:
    """Findings for what went wrong in how a bundle arrived (intake.model.Problem)."""
    return [finding(p.rule, detail=p.detail, source=Provenance(file=p.file) if p.file else None) for p in problems]


__all__ = ["CHECKS", "collapse_repeats", "document_findings", "problem_findings", "run_checks"]
