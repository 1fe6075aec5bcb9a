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

from schemas.vocabulary import Channel, DocumentRole, Severity

SCHEMA_VERSION = "1.0.0"
SCHEMA_PATH = Path(__file__).parent / "submission.schema.json"

Scalar = float | int | bool | str | None


class Source(BaseModel):
    """Where a value or finding came from."""

    model_config = ConfigDict(extra="allow")

    file: str | None = None
    page: int | None = None
    sheet: str | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    method: str | None = None


class BundleFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    sha256: str
    role: DocumentRole
    media_type: str
    pages: int | None = None
    size: int | None = None
    readable: bool = True


class Bundle(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    channel: Channel
    received_at: datetime | None = None
    sender: str | None = None
    files: list[BundleFile] = []


class Applicant(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | None = None
    registration_no: str | None = None
    representative: str | None = None
    phone: str | None = None
    address: str | None = None
    city_size: Literal["large", "small"] | None = None


class IndicatorValue(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: Scalar = None
    unit: str | None = None
    stated_text: str | None = None
    components: dict[str, Scalar] = {}
    recomputed: float | None = None
    evidence_pages: list[int] = []
    source: Source | None = None


class QualitativeValue(BaseModel):
    model_config = ConfigDict(extra="allow")

    stage: int | None = Field(default=None, ge=1, le=5)
    text: str | None = None
    source: Source | None = None


class ServiceData(BaseModel):
    model_config = ConfigDict(extra="allow")

    level: Literal["L1", "L2", "L3"] | None = None
    domain: str | None = None
    self_scores: dict[str, float] = {}


class Finding(BaseModel):
    model_config = ConfigDict(extra="allow")

    rule: str
    severity: Severity
    indicator: str | None = None
    message_ko: str
    source: Source | None = None


class Submission(BaseModel):
    model_config = ConfigDict(extra="allow")

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
