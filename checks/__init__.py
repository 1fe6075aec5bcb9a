"""The rule catalogue's checks over a mapped submission; each yields findings (checks/rules.yaml)."""

from __future__ import annotations

from typing import Callable, Iterator

from checks import applicant, consistency, indicators, service, submission
from checks.catalogue import finding
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


def run_checks(m: MappedBundle) -> list[Finding]:
    return [f for check in CHECKS for f in check(m)]


def problem_findings(problems) -> list[Finding]:
    """Findings for what went wrong in how a bundle arrived (intake.model.Problem)."""
    return [finding(p.rule, detail=p.detail, source=Provenance(file=p.file) if p.file else None) for p in problems]


__all__ = ["CHECKS", "document_findings", "problem_findings", "run_checks"]
