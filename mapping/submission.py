"""Build the mapped submission from a bundle's extracted documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.model import Document
from mapping.application import declared_choice, read_fields, read_head_fields
from mapping.details import Detail, read_details
from mapping.formula import evaluate
from mapping.ocr_reconcile import reconcile_ocr_values
from mapping.qualitative import StageProblem, map_qualitative
from mapping.roles import classify_role, detect_programme
from mapping.service import map_service
from mapping.summary import SummaryResult, map_summary
from schemas import load_programme
from schemas.programme import CityProgramme, ServiceProgramme
from schemas.provenance import Provenance
from schemas.submission import Applicant, Bundle, BundleFile, ListedEntry, Submission


@dataclass
class MappedBundle:
    """A submission plus what the checks need to know about how it was read."""

    submission: Submission
    programme: CityProgramme | ServiceProgramme | None
    documents: list[Document]
    roles: dict[str, str]
    parts: set[str] = field(default_factory=set)  # files that are a part filed beside their role's document
    field_sources: dict[str, Provenance] = field(default_factory=dict)
    summary: SummaryResult | None = None
    stage_unreadable: list[StageProblem] = field(default_factory=list)
    details: dict[str, Detail] = field(default_factory=dict)

    def by_role(self, role: str) -> list[Document]:
        return [d for d in self.documents if self.roles.get(d.file) == role]

    def forms_of(self, role: str) -> list[Document]:
        """The documents of ``role`` themselves, without the parts filed beside them (the proposal's workbook)."""
        return [d for d in self.by_role(role) if d.file not in self.parts]

    def part_documents(self) -> list[Document]:
        return [d for d in self.documents if d.file in self.parts]


def map_bundle(bundle: Bundle, documents: list[Document], sizes: dict[str, int] | None = None) -> MappedBundle:
    programme_id = detect_programme(documents)
    programme = load_programme(programme_id) if programme_id else None
    classified = {d.file: classify_role(d, programme) for d in documents}
    roles = {file: role for file, (role, _) in classified.items()}
    bundle.files = [BundleFile(name=d.file, sha256=d.sha256, role=roles[d.file], media_type=d.media_type,
                               pages=d.page_count, readable=d.readable, size=(sizes or {}).get(d.file))
                    for d in documents]
    mapped = MappedBundle(Submission(programme=programme_id, bundle=bundle), programme, documents, roles,
                          parts={file for file, (_, part) in classified.items() if part})
    if programme is None:
        return mapped
    _map_applicant(mapped)
    if isinstance(programme, CityProgramme):
        _map_city(mapped, programme)
    else:
        _map_service(mapped, programme)
    return mapped


def _map_applicant(mapped: MappedBundle) -> None:
    fields = {}
    for doc in mapped.by_role("application"):
        for key, (value, provenance) in read_fields(doc, mapped.programme.application_fields).items():
            fields.setdefault(key, value)
            mapped.field_sources.setdefault(key, provenance)
    # an application missing or unread (a poor scan): what the other forms head themselves with (신청기관: 나주시)
    for doc in mapped.documents:
        if mapped.roles.get(doc.file) in ("application", "evidence", "other"):
            continue
        for key, (value, provenance) in read_head_fields(doc, mapped.programme.application_fields).items():
            if key not in fields:
                fields[key] = value
                mapped.field_sources[key] = provenance
    # fields that are not the applicant's (a service's level and domain) are read as ticked options, into `service`
    mapped.submission.applicant = Applicant(**{k: v for k, v in fields.items() if k in Applicant.model_fields})


def _map_city(mapped: MappedBundle, programme: CityProgramme) -> None:
    submission = mapped.submission
    proposals = mapped.forms_of("quantitative_proposal")
    summary = map_summary(proposals, programme)
    mapped.summary = summary
    submission.indicators = summary.values
    # a form points to its workbook (`붙임 엑셀 'B-3-2 산출내역' 시트 참조`): a part of the proposal, or filed as evidence
    annexes = mapped.part_documents() + mapped.by_role("evidence")
    mapped.details = read_details(proposals, programme, annexes=annexes)
    _attach_components(submission, mapped.details)
    reconcile_ocr_values(submission.indicators, programme, _stated_on_detail_forms(submission, mapped.details))
    optional = [d.code for d in programme.domain_rules.domains if d.kind == "optional"]
    present = {programme.indicator(code).domain for code in summary.values}
    submission.selected_domains = [d for d in optional if d in present]
    submission.qualitative, mapped.stage_unreadable = map_qualitative(mapped.by_role("qualitative_self_assessment"), programme)
    submission.applicant.city_size = _city_size(mapped, programme)


def _attach_components(submission: Submission, details: dict[str, Detail]) -> None:
    """Each indicator's components from its detail form, and its value recomputed from them."""
    for code, detail in details.items():
        entry = submission.indicators.get(code)
        if entry is None:
            continue
        entry.components = {letter: _plain(value) for letter, (value, _) in sorted(detail.components.items())}
        entry.component_sources = {letter: prov for letter, (_, prov) in detail.components.items()}
        if detail.indicator.formula and len(detail.components) == len(detail.indicator.components):
            recomputed = evaluate(detail.indicator.formula, {k: v for k, (v, _) in detail.components.items()})
            entry.recomputed = round(recomputed, 6) if recomputed is not None else None
        if detail.items:
            entry.listed_items = len(detail.items)
            entry.listed = [ListedEntry(text=i.text, month=i.month, source=i.provenance) for i in detail.items]


def _stated_on_detail_forms(submission: Submission, details: dict[str, Detail]) -> dict[str, str]:
    """Each indicator's value as its detail form states it, where that is another cell than its 요약표 row's."""
    out = {}
    for code, detail in details.items():
        entry = submission.indicators.get(code)
        if entry is not None and detail.stated_text and detail.stated_provenance != entry.source:
            out[code] = detail.stated_text
    return out


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _city_size(mapped: MappedBundle, programme: CityProgramme) -> str | None:
    """The size class the city declared: the box it ticked (or the word it wrote) after one of the programme's
    labels (신청 유형 ■ 대도시 □ 중소도시), on its application, else its proposal. None when nothing is ticked:
    never guessed from the city's name (checks.applicant compares the declaration with the facts)."""
    for doc in mapped.by_role("application") + mapped.by_role("quantitative_proposal"):
        declared = declared_choice(doc, programme.size_class_labels, list(programme.size_class_words))
        if declared is not None and declared.option is not None:
            mapped.field_sources.setdefault("city_size", declared.source)
            return programme.size_class_words[declared.option]
    return None


def _map_service(mapped: MappedBundle, programme: ServiceProgramme) -> None:
    applications = mapped.by_role("application")
    mapped.submission.service = map_service(applications[0] if applications else None,
                                            mapped.by_role("self_evaluation"), programme)
