"""Checks on the bundle as a whole: programme, documents, deadline, application form, qualitative areas."""

from __future__ import annotations

import logging
from typing import Callable, Iterator

from checks.catalogue import catalogue, finding, where_ko
from extractors.sniff import TEXT
from mapping.submission import MappedBundle
from schemas.programme import CityProgramme
from schemas.provenance import Provenance
from schemas.submission import Finding

Check = Callable[[MappedBundle], Iterator[Finding]]
KST_FORMAT = "%Y-%m-%d %H:%M"
log = logging.getLogger(__name__)


NOT_SUBMISSION_RULES = ("bundle.empty", "bundle.not_submission")  # a bundle with one of these is no submission


def check_programme(m: MappedBundle) -> Iterator[Finding]:
    if not m.documents:  # nothing came at all: that one finding, not a programme that cannot be told
        yield finding("bundle.empty")
    elif m.programme is None and not any(d.readable and d.media_type != TEXT for d in m.documents):
        # only plain text, unreadable or unknown bytes (a memo, random data): nothing a submission is made of
        yield finding("bundle.not_submission", detail=", ".join(d.file for d in m.documents[:5])
                      + (f" 외 {len(m.documents) - 5}개" if len(m.documents) > 5 else ""))
    elif m.programme is None:
        yield finding("programme.unknown")


def check_document_flags(m: MappedBundle) -> Iterator[Finding]:
    """What the extractors noticed about how a document was read (uncached formulas, hidden sheets, OCR)."""
    for doc in m.documents:
        yield from document_findings(doc)


def document_findings(doc) -> Iterator[Finding]:
    """Findings for a document's problems (extractors.model.DocumentProblem): the first fatal one is
    ``document.unreadable`` with the catalogue's Korean reason for its code; one whose code is a rule id
    is that rule's finding, its Korean detail worded by the rule; a ``note.*`` one is only logged."""
    fatal = next((p for p in doc.problems if p.fatal), None)
    if fatal is not None:
        yield finding("document.unreadable", file=doc.file, reason=unreadable_reason_ko(fatal),
                      source=Provenance(file=doc.file))
    rules = catalogue()
    for problem in doc.problems:
        if problem.fatal:
            continue
        if problem.code in rules:
            yield finding(problem.code, file=doc.file, sheet=problem.sheet or "",
                          detail=_detail_ko(rules[problem.code], problem),
                          source=Provenance(file=doc.file, page=problem.page, sheet=problem.sheet))
        else:  # note.*: for the operator, in English
            level = logging.INFO if problem.code.startswith("note.") else logging.WARNING
            log.log(level, "%s%s: %s [%s]", doc.file, f" page {problem.page}" if problem.page else "", problem.detail,
                    problem.code)


def unreadable_reason_ko(problem) -> str:
    """The clerk's Korean sentence for a fatal problem's reason code (rules.yaml, document.unreadable: words)."""
    return catalogue()["document.unreadable"].word(problem.code, **problem.params)


def _detail_ko(rule, problem) -> str:
    """A problem's {detail} for the clerk: the rule's ``detail_parts`` for the params the problem has."""
    if not rule.detail_parts:
        return ", ".join(str(v) for v in problem.params.values())
    return rule.detail_join.join(template.format(**problem.params)
                                 for key, template in rule.detail_parts.items() if key in problem.params)


def check_required_documents(m: MappedBundle) -> Iterator[Finding]:
    if m.programme is None:
        return
    present = set(m.roles.values())
    joint = "joint_applicant_confirmation" in present
    for required in m.programme.required_documents:
        needed = required.required and (required.condition == "always" or (required.condition == "joint_application" and joint))
        if needed and required.role not in present:
            yield finding("document.missing", key=required.key, title=required.title, role=required.role)


def check_deadline(m: MappedBundle) -> Iterator[Finding]:
    received = m.submission.bundle.received_at
    if received is None and m.submission.bundle.channel != "email":
        yield finding("submission.receipt_time_missing")
    if m.programme is None or received is None:
        return
    window = m.programme.submission_window
    if received > window.end:
        tz = window.end.tzinfo
        yield finding("submission.late", received=received.astimezone(tz).strftime(KST_FORMAT),
                      deadline=window.end.strftime(KST_FORMAT))


def check_application_fields(m: MappedBundle) -> Iterator[Finding]:
    if m.programme is None:
        return
    for doc in m.by_role("application"):
        applicant = m.submission.applicant.model_dump()
        for form_field in m.programme.application_fields:
            if form_field.required and not applicant.get(form_field.key):
                yield finding("applicant.field_missing", file=doc.file, label=form_field.label, source=Provenance(file=doc.file))


def check_qualitative(m: MappedBundle) -> Iterator[Finding]:
    """Stages read outside the programme's (one per sub-area), parts whose stages could not be read at all
    (one per table or document, not one per sub-area), and sub-areas without a stage where the form was read."""
    programme = m.programme
    if not isinstance(programme, CityProgramme) or not m.by_role("qualitative_self_assessment"):
        return
    names = {s.key: s.name for a in programme.qualitative_areas for s in a.sub_areas}
    parts = [p for p in m.stage_unreadable if p.key is None]
    rule = catalogue()["qualitative.stages_unreadable"]
    for part in parts:
        source = part.source
        what = rule.word("areas", count=part.areas) if part.areas else rule.word("document")
        yield finding(rule.id, file=source.file, what=what, source=source, **_confidence(source),
                      where=where_ko(source, file=False, unknown=rule.word("whole")))
    for problem in (p for p in m.stage_unreadable if p.key is not None):
        key, source = problem.key, problem.source
        yield finding("qualitative.stage_invalid", indicator=key, key=key, name=names[key], text=problem.text,
                      where=where_ko(source), source=source, **_confidence(source))
    if not any(d.readable for d in m.by_role("qualitative_self_assessment")):
        return  # document.unreadable says so
    invalid = {p.key for p in m.stage_unreadable if p.key is not None}
    selected = set(m.submission.selected_domains)
    always = {d.code for d in programme.domain_rules.domains if d.kind != "optional"}
    for area in programme.qualitative_areas:
        for sub in area.sub_areas:
            if sub.domain and sub.domain not in selected | always:
                continue
            value = m.submission.qualitative.get(sub.key)
            if sub.key in invalid or value is not None and value.stage is not None:
                continue
            if parts and (value is None or _in_part(value.source, parts)):
                continue  # its part could not be read: said once above
            yield finding("qualitative.missing", indicator=sub.key, key=sub.key, name=sub.name)


def _in_part(source: Provenance | None, parts: list) -> bool:
    """Whether a value read from ``source`` lies in one of the unreadable ``parts`` (a table, or a whole file)."""
    if source is None:
        return True
    return any(p.source.file == source.file and (p.source.table is None or p.source.table == source.table) for p in parts)


def _confidence(source: Provenance | None) -> dict[str, float]:
    """How sure the reading was, for a finding's params, where it is known (OCR)."""
    return {"confidence": source.confidence} if source is not None and source.confidence is not None else {}
