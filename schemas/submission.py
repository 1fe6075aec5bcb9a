"""The output contract: ``submission.json``, one per processed bundle.

``schemas/submission.schema.json`` is generated from these models
(``intake schema``) and committed; a test keeps the two in step.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.provenance import Provenance
from schemas.vocabulary import Channel, DocumentRole, Severity

SCHEMA_VERSION = "1.3.0"  # 1.1: closed (no undeclared fields); components' sources, listed items, params declared;
# 1.2: the service self-evaluation's field totals (stated_field_totals); 1.3: each listed item with its source
# (listed), each self-score's source (self_score_sources)
SCHEMA_PATH = Path(__file__).parent / "submission.schema.json"

Scalar = float | int | bool | str | None


class BundleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    sha256: str
    role: DocumentRole
    media_type: str
    pages: int | None = None
    size: int | None = None
    readable: bool = True


class Bundle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    channel: Channel
    received_at: datetime | None = None
    sender: str | None = None
    files: list[BundleFile] = []
    extraction_cached: int = 0  # documents whose extraction came from the cache (same bytes seen before)


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    registration_no: str | None = None
    representative: str | None = None
    phone: str | None = None
    address: str | None = None
    service_name: str | None = None  # service programme: the service applied for
    track_record: str | None = None  # 인증 실적, as written
    city_size: Literal["large", "small"] | None = None


class ListedEntry(BaseModel):
    """One item the detail form lists behind a count indicator, with the row it was read from."""

    model_config = ConfigDict(extra="forbid")

    text: str
    month: str | None = None  # YYYY-MM of the first date in the row
    source: Provenance | None = None


class IndicatorValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Scalar = None
    unit: str | None = None
    stated_text: str | None = None
    components: dict[str, Scalar] = {}
    recomputed: float | None = None
    evidence_pages: list[int] = []
    source: Provenance | None = None
    component_sources: dict[str, Provenance] = {}  # where each lettered component was read (detail form)
    listed_items: int | None = None  # how many items the detail form lists, for a count indicator
    listed: list[ListedEntry] = []  # those items, each with its row


class QualitativeValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: int | None = Field(default=None, ge=1, le=5)
    text: str | None = None
    source: Provenance | None = None


class ServiceData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["L1", "L2", "L3"] | None = None
    domain: str | None = None
    self_scores: dict[str, float] = {}
    self_score_sources: dict[str, Provenance] = {}  # where each sub-item's score was read (its cell)
    stated_total: float | None = None  # the self-evaluation's own 합계, as written
    stated_total_source: Provenance | None = None
    stated_field_totals: dict[str, float] = {}  # field key -> its 계 row, as written
    stated_field_total_sources: dict[str, Provenance] = {}


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str
    severity: Severity
    indicator: str | None = None
    message_ko: str
    source: Provenance | None = None
    params: dict[str, Any] = {}  # the rule's parameters, as filled into its message (rules.yaml)


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    programme: Literal["city-2025", "service-2023"] | None
    bundle: Bundle
    applicant: Applicant = Applicant()
    indicators: dict[str, IndicatorValue] = {}
    selected_domains: list[str] = []
    qualitative: dict[str, QualitativeValue] = {}
    service: ServiceData | None = None
    findings: list[Finding] = []


def json_schema() -> dict[str, Any]:
    schema = Submission.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:smartcity-intake:submission:{SCHEMA_VERSION}"
    return schema


def write_json_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
