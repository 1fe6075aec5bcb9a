"""Pydantic models for the programme schemas in ``schemas/programmes/*.yaml``.

Programme knowledge (codes, points, formulas, periods, required documents)
lives in those YAML files; these models only give it a validated shape.
"""

from __future__ import annotations

import re
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
    # titles of a part filed beside it (the proposal's 산출내역 workbook): the document's role, read as its annex
    part_titles: list[str] = []
    required: bool = True
    condition: Literal["always", "joint_application", "on_request"] = "always"
    note: str | None = None


class FormField(_Strict):
    """A field of the application form (신청서) and the labels it is printed with."""

    key: Literal["name", "registration_no", "representative", "phone", "address", "track_record", "service_name", "level", "domain"]
    label: str
    label_variants: list[str] = []
    required: bool = False  # an application without a value for it gets applicant.field_missing


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

    def years(self) -> list[str]:
        """The calendar years (YYYY) the period is stated by: those of a two-year window's first
        ``span_months`` from its start (2023-01 + 24 → 2023, 2024), or a reference year's year."""
        if self.kind in ("two_year", "forward_two_year") and self.window_start and self.span_months:
            start = int(self.window_start[:4])
            last_month = int(self.window_start[5:7]) - 1 + self.span_months - 1
            return [str(start + n) for n in range(last_month // 12 + 1)]
        if self.kind == "reference_year" and self.reference:
            return [self.reference[:4]]
        return []


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
    # The groups its listed items are written under (구분 국내 / 국외), in the order the stated value names them.
    item_groups: list[str] = []
    note: str | None = None

    @model_validator(mode="after")
    def _formula_uses_components(self) -> "Indicator":
        if self.formula:
            letters = {c.letter for c in self.components}
            used = {ch for ch in self.formula if ch.isalpha() and ch.isupper()}
            if not used <= letters:
                raise ValueError(f"{self.code}: formula uses {sorted(used - letters)} without components")
        if self.item_groups and not self.listed_items:
            raise ValueError(f"{self.code}: item_groups without listed_items")
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
    number: int = Field(ge=1)  # 1 … the number of stages (CityProgramme checks they run on without gaps)
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
    stage_descriptions: list[str] = Field(min_length=1)  # one per stage (CityProgramme checks the count)
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


class QualitativeFormLabels(_Strict):
    """Header cells of the 정성지표 자체평가표 (compared without spaces, digits and signs: `단계(1~5)` is 단계)
    that name its stage column and its text column. A header of one column per stage is told by the stage
    names or numbers it writes (착수 | 일부요건 충족 | …, 1단계 | 2단계 | …)."""

    stage_headers: list[str] = []
    text_headers: list[str] = []


class DetailFormLabels(_Strict):
    """Cells of an indicator's detail form (자료구축양식), compared without spaces: the first cell of the row
    that heads a form (`지표 | code name | stated value`), the first cell of a total row, and the word a
    total's heading starts with (총계, 총 예산: a component label inside such a cell is not that component)."""

    header_label: str
    total_labels: list[str]
    total_prefix: str = Field(min_length=1)
    meta_labels: list[str] = []  # the form's own rows (분석자료, 자료출처 …): never data, never a listed item
    data_label: str = ""  # the row label of the form's data cell (자료구축양식), where a data table may be nested
    unit_scales: dict[str, float] = {}  # units of one kind by size (명 1, 천명 1000, 만명 10000), to convert between


class CodeFormat(_Strict):
    """How an indicator code is written: its parts (regular expressions) joined by the separator (A-2-1)."""

    parts: list[str] = Field(min_length=1)
    separator: str

    def pattern(self) -> str:
        """The whole code as a regular expression, one group per part."""
        return re.escape(self.separator).join(f"({part})" for part in self.parts)


class Grade(_Strict):
    grade: int
    min_points: int | None = None
    max_points: int | None = None
    certified: bool


class CitySize(_Strict):
    large_kinds: list[str]  # 특별시, 광역시, 특별자치시, 특별자치도
    city_kind: str  # 시
    city_large_population: int  # a 시 of this many people or more is 대도시
    # Kinds that are 중소도시 whatever their population (군, 구); when given, a name of no declared kind
    # (a misread name, `○○시청`) implies no size class.
    small_kinds: list[str] = []
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
    detail_form: DetailFormLabels
    code_format: CodeFormat
    # How a stage is written besides its name: its number with one of these words before or after (레벨3, 3단계);
    # a suffix is also dropped from a stage's name (착수단계 → 착수).
    stage_number_prefixes: list[str] = []
    stage_number_suffixes: list[str] = []
    qualitative_form: QualitativeFormLabels = QualitativeFormLabels()
    size_class_words: dict[str, Literal["large", "small"]]  # how an application names its size class
    size_class_labels: list[str] = Field(min_length=1)  # the labels an application writes its size class after (신청유형 대도시)

    def indicator(self, code: str) -> Indicator:
        return self._by_code()[code]

    def _by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def size_class_ko(self, size: str | None) -> str:
        """The call's word for a size class (대도시 / 중소도시), from ``size_class_words``."""
        return next((word for word, value in self.size_class_words.items() if value == size), "미확인")

    def size_class_of(self, name: str, population: float | None = None) -> str | None:
        """The size class (large / small) a city of this name is in, by ``city_size``: a large kind
        (특별시, 광역시 …) is large; a 시 by its population (None when it is not known); a small kind (군, 구;
        anything else when none is declared) is small. None for an empty name or one of no declared kind."""
        rule = self.city_size
        name = (name or "").strip()
        if any(name.endswith(kind) for kind in rule.large_kinds):
            return "large"
        if not name:
            return None
        if name.endswith(rule.city_kind):
            return None if population is None else ("large" if population >= rule.city_large_population else "small")
        if rule.small_kinds and not any(name.endswith(kind) for kind in rule.small_kinds):
            return None
        return "small"

    def component_letters(self) -> list[str]:
        """Every letter a component of an indicator has ((A) … (D)), in order."""
        return sorted({c.letter for i in self.indicators for c in i.components})

    def stage_numbers(self) -> list[int]:
        return sorted(s.number for s in self.stages)

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
        pattern = re.compile(self.code_format.pattern())
        unlike = [c for c in codes if not pattern.fullmatch(c)]
        if unlike:
            raise ValueError(f"indicator codes not written as code_format: {unlike}")
        return self

    @model_validator(mode="after")
    def _stages_consecutive(self) -> "CityProgramme":
        numbers = self.stage_numbers()
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"stages must be numbered 1 … n without gaps: {numbers}")
        wrong = [a.key for a in self.qualitative_areas if len(a.stage_descriptions) != len(numbers)]
        if wrong:
            raise ValueError(f"qualitative areas without one description per stage: {wrong}")
        return self


class ServiceSubItem(_Strict):
    key: str  # "1.1.1.1"
    group: str  # the 세부 평가항목 heading, e.g. 시민체감도 향상
    text: str
    points: int
    domain: str | None = None  # 특화지표 for one application domain only
    form_code: str | None = None  # S-111 … as used in the criteria pages
    form_key: str | None = None  # the number the 자체평가표 prints for it, where that differs from ``key``

    @property
    def slot(self) -> str:
        """The point slot: a 특화지표 alternative (a domain's, ``2.1.1.4-1``) shares its slot (``2.1.1.4``) with
        the other domains' alternative, and forms print the slot's number (see the service data's notes)."""
        return self.key.rsplit("-", 1)[0] if self.domain else self.key
    note: str | None = None


class FormOnlyRow(_Strict):
    """A row the self-evaluation form prints that the criteria do not have (it scores nothing)."""

    key: str  # the number the form prints for it
    text: str  # its statement (compared without spaces)


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
    short_name: str | None = None  # a column heading for it (부합성); its name when not given
    points: int
    minimum: int
    items: list[ServiceItem]


class ServiceLevel(_Strict):
    key: Literal["L1", "L2", "L3"]
    name: str
    name_variants: list[str] = []
    short_name: str | None = None  # how a message names it briefly (단위 for 단위 서비스); its name when not given
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
    subtotal_labels: list[str] = []  # a field's total row that does not name the field
    total_points: int
    fields: list[ServiceField]
    levels: list[ServiceLevel]
    level_blocks: dict[str, str] = {}  # how the 50-point blocks of 구성 및 기능 depend on the level, as the call words it
    domains: list[ServiceDomain]
    pass_rule: PassRule
    form_extra_rows: list[FormOnlyRow] = []  # rows only the 자체평가표 has
    form_disagreements: list[str] = []

    def sub_items(self) -> list[ServiceSubItem]:
        return [s for f in self.fields for i in f.items for s in i.sub_items]

    def field_named(self, text: str) -> ServiceField | None:
        """The field a heading names, by its number (`(1. 스마트도시 부합성) 계`, `2. 구성 및 기능 소계`) or its name."""
        number = re.match(r"^\W*(\d+)\s*\.(?!\d)", text)
        squeeze = "".join(text.split())
        return next((f for f in self.fields if (number and number.group(1) == f.key) or (not number and any(
            "".join(n.split()) in squeeze for n in (f.name, *f.name_variants)))), None)

    def criteria_key(self, printed: str, text: str = "") -> str | None:
        """The criteria's key of a self-evaluation row printed with number ``printed`` and statement ``text``;
        ``None`` for a row only the form has (told by its statement: the form reuses a criteria number for it)."""
        squeeze = "".join(text.split())
        if any(extra.key == printed and "".join(extra.text.split()) in squeeze for extra in self.form_extra_rows):
            return None
        criteria = {s.key for s in self.sub_items()}
        if printed in criteria:
            return printed
        return next((s.key for s in self.sub_items() if s.form_key == printed), printed)


Programme = Annotated[Union[CityProgramme, ServiceProgramme], Field(discriminator="kind")]
