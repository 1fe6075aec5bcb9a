"""What a drawn bundle holds before it is written: the truth, the variants, the defects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Item:
    """A row behind a count or a total (a listed item, a breakdown row): its cells before formatting."""
    cells: list  # strings, ints or floats; a date (datetime.date) is written in the bundle's date format
    group: str = ""  # the grouping cell (구분 국내/국외, 카테고리 …), merged / repeated / blank per variant
    when: date | None = None  # the date the period check reads, when the row has one


@dataclass
class Ind:
    code: str
    kind: str  # dept | bool | list | sum | ratio | ratio2 | breakdown | selfset (expected.json's kinds)
    value: float | int | bool
    components: dict[str, float] = field(default_factory=dict)  # the truth's components (as read)
    written: dict[str, float] = field(default_factory=dict)  # the components as the form writes them
    numbers: list = field(default_factory=list)  # what the stated text shows, in template order
    flags: list[bool] = field(default_factory=list)  # marks the stated text shows
    items: list[Item] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the detail table's header for ``items``
    extra: dict = field(default_factory=dict)  # dept names, a system's name, a self-set indicator's name …
    pages: list[int] = field(default_factory=list)
    stated_text: str = ""  # as the 요약표 writes it
    detail_text: str = ""  # as the detail form's 지표 row writes it
    alt_values: list = field(default_factory=list)
    xlsx_sheet: str | None = None
    xlsx_only: bool = False
    listed: int | None = None  # rows the form lists (a count defect makes it differ from the value)


@dataclass
class Plan:
    seed: int
    programme: str  # programme id
    kind: str  # city | service
    variants: dict
    applicant: dict  # as the truth records it (None fields for a missing application)
    written_applicant: dict  # as the application writes it
    received_at: datetime | None  # the e-mail's Date (None for a USB delivery)
    sent_at: datetime  # when the documents were made (their metadata)
    indicators: dict[str, Ind] = field(default_factory=dict)
    summary_codes: list[str] = field(default_factory=list)  # rows of the 요약표 (unselected domains too)
    selected_domains: list[str] = field(default_factory=list)
    qualitative: dict[str, int | None] = field(default_factory=dict)  # None: the stage left blank
    service: dict | None = None
    facts: dict = field(default_factory=dict)
    defects: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # role, format, file name, folder … (names.py)
    evidence_pages: int = 0
    bundle_id: str = ""
    roman: str = ""
    context: dict = field(default_factory=dict)  # what the drawing needs again (the city's name, window …)
