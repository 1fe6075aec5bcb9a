"""Pydantic models for the programme schemas in ``schemas/programmes/*.yaml``.

Programme knowledge (codes, points, formulas, periods, required documents)
lives in those YAML files; these models only give it a validated shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.vocabulary import DocumentRole

ValueKind = Literal["count", "ratio", "per_capita", "percent", "boolean", "amount", "custom"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequiredDocument(_Strict):
    """One entry of a call's 제출서류 list."""

    key: str  # "①" … "⑤" as printed in the call
    role: DocumentRole
    title: str
    title_variants: list[str] = []
    required: bool = True
    condition: Literal["always", "joint_application", "on_request"] = "always"
    note: str | None = None


class FormField(_Strict):
    """A field of the application form (신청서) and the labels it is printed with."""

    key: Literal["name", "registration_no", "representative", "phone", "address", "track_record", "service_name", "level", "domain"]
    label: str
    label_variants: list[str] = []


class SubmissionWindow(_Strict):
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered_and_aware(self) -> "SubmissionWindow":
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("submission window times need a UTC offset (KST is +09:00)")
        if self.start >= self.end:
            raise ValueError("submission window start must precede its end")
        return self


class Period(_Strict):
    """Which time an indicator's value or listed items must fall in."""

    kind: Literal["two_year", "reference_year", "as_of", "forward_two_year", "none"]
    # Earliest and latest months an item may fall in (YYYY-MM), and the span of months a two-year window covers.
    window_start: str | None = None
    window_end: str | None = None
    span_months: int | None = None
    reference: str | None = None  # e.g. "2024-12" for the population count
    note: str | None = None


class Component(_Strict):
    """A lettered component ((A), (B) …) of an indicator's detail form."""

    letter: str
    label: str
    label_variants: list[str] = []
    unit: str | None = None
    reference: str | None = None  # reference month or year, e.g. "2024-12"


class Indicator(_Strict):
    code: str
    name: str
    name_variants: list[str] = []
    category: Literal["A", "B", "C"]
    subcategory: str
    domain: str | None = None  # C-1 … C-11 for category C
    points: int
    value_kind: ValueKind
    unit: str | None = None
    summary_template: str | None = None  # the 작성 지표 요약 cell of the seed
    components: list[Component] = []
    formula: str | None = None  # in component letters, e.g. "(A + B) / C"
    period: Period = Period(kind="none")
    listed_items: bool = False  # a count checked against the rows listed in its form
    self_defined: bool = False  # 지자체 자체 설정 지표
    # How the summary table's 작성 지표 요약 text is read (shared/indicator-readings.md):
    # number: the first number, or the one after 당; sum: all numbers added (국내 + 국외);
    # count_before_unit: the number before reading_unit (the 건 of `12종, 340건`);
    # boolean / boolean_any (any O among several marks) / named (a department named is yes).
    reading: Literal["number", "sum", "count_before_unit", "boolean", "boolean_any", "named"] = "number"
    reading_unit: str | None = None
    # Indicators whose listed items must not repeat this one's (the call forbids counting an event twice).
    no_overlap_with: list[str] = []
    note: str | None = None

    @model_validator(mode="after")
    def _formula_uses_components(self) -> "Indicator":
        if self.formula:
            letters = {c.letter for c in self.components}
            used = {ch for ch in self.formula if ch.isalpha() and ch.isupper()}
            if not used <= letters:
                raise ValueError(f"{self.code}: formula uses {sorted(used - letters)} without components")
        return self


class Category(_Strict):
    key: Literal["A", "B", "C"]
    name: str
    points: int


class Domain(_Strict):
    code: str  # C-1 …
    name: str
    kind: Literal["mandatory", "optional", "always"]
    points: int


class DomainRules(_Strict):
    choose_optional: int
    domains: list[Domain]


class Stage(_Strict):
    number: int = Field(ge=1, le=5)
    name: str
    name_variants: list[str] = []


class QualitativeSubArea(_Strict):
    key: str  # "A1.1"
    name: str
    name_variants: list[str] = []
    domain: str | None = None  # C1.x sub-areas follow the city's domains (C-1 …)


class QualitativeArea(_Strict):
    key: str  # "A1"
    category: Literal["A", "B", "C"]
    name: str
    stage_descriptions: list[str] = Field(min_length=5, max_length=5)
    sub_areas: list[QualitativeSubArea]


class Constraint(_Strict):
    """A consistency rule across indicators' components, checked as indicator.cross_inconsistent.

    Terms are ``CODE.LETTER`` (a component) or ``CODE`` (the stated value).
    same_value: the terms agree within ``tolerance`` (relative) after converting by ``scale``
                (e.g. a population in 만명 ×10000 and in 천명 ×1000 are compared in persons);
    not_greater: the first term does not exceed the second; at_most: each term is at most ``limit``.
    """

    id: str
    kind: Literal["same_value", "not_greater", "at_most"]
    terms: list[str]
    scale: dict[str, float] = {}
    tolerance: float = 0.0
    limit: float | None = None
    description: str


class SummaryTableLabels(_Strict):
    """Header cells of the 정량지표 요약표 (compared without spaces) that name its value and page columns."""

    stated_headers: list[str]
    pages_headers: list[str]


class Grade(_Strict):
    grade: int
    min_points: int | None = None
    max_points: int | None = None
    certified: bool


class CitySize(_Strict):
    large_kinds: list[str]  # 특별시, 광역시, 특별자치시, 특별자치도
    city_kind: str  # 시
    city_large_population: int  # a 시 of this many people or more is 대도시
    population_from: str | None = None  # id of the `same_value` constraint whose terms state the population


class _ProgrammeBase(_Strict):
    id: str
    version: str
    title: str
    source: str  # seed document it was read from
    required_documents: list[RequiredDocument]
    application_fields: list[FormField]
    submission_window: SubmissionWindow
    # Phrases (compared without spaces) that mark a document as belonging to this programme.
    detection_terms: list[str] = []
    notes: list[str] = []


class CityProgramme(_ProgrammeBase):
    kind: Literal["city"]
    categories: list[Category]
    quantitative_points: int
    qualitative_points: int
    qualitative_category_points: dict[str, int]
    indicators: list[Indicator]
    domain_rules: DomainRules
    stages: list[Stage]
    qualitative_areas: list[QualitativeArea]
    grades: list[Grade]
    certification_threshold: int
    city_size: CitySize
    constraints: list[Constraint] = []
    summary_table: SummaryTableLabels
    size_class_words: dict[str, Literal["large", "small"]]  # how an application names its size class

    def indicator(self, code: str) -> Indicator:
        return self._by_code()[code]

    def _by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def size_class_ko(self, size: str | None) -> str:
        """The call's word for a size class (대도시 / 중소도시), from ``size_class_words``."""
        return next((word for word, value in self.size_class_words.items() if value == size), "미확인")

    def reported_codes(self, selected_domains: list[str]) -> list[str]:
        """Indicator codes a city with these optional domains must report."""
        kinds = {d.code: d.kind for d in self.domain_rules.domains}
        keep = []
        for ind in self.indicators:
            if ind.domain is None or kinds[ind.domain] != "optional" or ind.domain in selected_domains:
                keep.append(ind.code)
        return keep

    @model_validator(mode="after")
    def _codes_unique(self) -> "CityProgramme":
        codes = [i.code for i in self.indicators]
        dupes = {c for c in codes if codes.count(c) > 1}
        if dupes:
            raise ValueError(f"duplicate indicator codes: {sorted(dupes)}")
        domains = {d.code for d in self.domain_rules.domains}
        stray = {i.code for i in self.indicators if i.domain and i.domain not in domains}
        if stray:
            raise ValueError(f"indicators in unknown domains: {sorted(stray)}")
        return self


class ServiceSubItem(_Strict):
    key: str  # "1.1.1.1"
    group: str  # the 세부 평가항목 heading, e.g. 시민체감도 향상
    text: str
    points: int
    domain: str | None = None  # 특화지표 for one application domain only
    form_code: str | None = None  # S-111 … as used in the criteria pages
    note: str | None = None


class ServiceItem(_Strict):
    key: str  # "1.1"
    name: str
    points: int
    level: Literal["L1", "L2", "L3"] | None = None
    sub_items: list[ServiceSubItem]


class ServiceField(_Strict):
    key: str  # "1"
    name: str
    name_variants: list[str] = []
    points: int
    minimum: int
    items: list[ServiceItem]


class ServiceLevel(_Strict):
    key: Literal["L1", "L2", "L3"]
    name: str
    name_variants: list[str] = []
    description: str


class ServiceDomain(_Strict):
    name: str
    name_variants: list[str] = []
    eligible: bool


class PassRule(_Strict):
    total_minimum: int
    field_minimums: dict[str, int]


class ServiceProgramme(_ProgrammeBase):
    kind: Literal["service"]
    joint_application_terms: list[str] = []  # wording that marks a joint application (공동 신청 …)
    score_headers: list[str]  # the self-evaluation form's score column (compared without spaces)
    total_labels: list[str]  # its total row
    total_points: int
    fields: list[ServiceField]
    levels: list[ServiceLevel]
    level_blocks: dict[str, str] = {}  # how the 50-point blocks of 구성 및 기능 depend on the level, as the call words it
    domains: list[ServiceDomain]
    pass_rule: PassRule
    form_disagreements: list[str] = []

    def sub_items(self) -> list[ServiceSubItem]:
        return [s for f in self.fields for i in f.items for s in i.sub_items]


Programme = Annotated[Union[CityProgramme, ServiceProgramme], Field(discriminator="kind")]
