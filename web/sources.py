"""Where an item's finding or value came from (``locate``); ``pictures`` and ``tables`` show it to the reviewer.

- PDF (and scanned images): the stored page rendered with pypdfium2 from the raw store by the file's
  SHA-256, with the source box (PDF points; pixels for images) highlighted, and a crop around it;
- DOCX/XLSX (no pages): the table re-extracted from the stored bytes (``extractors.registry.extract``,
  cached per SHA-256), shown as HTML with the source cell highlighted.

Only files listed in the submission's ``bundle.files`` are ever read.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.catalogue import where_ko
from review_queue.worklist import Item
from schemas.provenance import Provenance

PDF = "application/pdf"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")
TABLE_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "application/x-hwp", "application/hwp+zip")  # HWP/HWPX: tables without drawn pages
ORIGIN_KO = {"finding": "발견사항의 위치", "indicator": "지표 값의 출처", "qualitative": "자체평가 단계의 출처",
             "component": "구성 요소 값의 출처", "listed": "목록 항목의 출처", "self_score": "자체평가 점수의 출처",
             "total": "합계의 출처"}


class SourceUnavailable(Exception):
    """The source cannot be shown (file not in the store, page out of range, unreadable file)."""


@dataclass(frozen=True)
class SourceRef:
    """A location in a submission's file, with what the app needs to fetch that file from the raw store."""

    origin: str  # finding | indicator | qualitative
    location: Provenance
    file_index: int | None  # position in bundle.files, for the download link
    sha256: str | None
    media_type: str | None

    @property
    def kind(self) -> str:
        """pdf | image | table | none: how it can be shown."""
        if self.sha256 is None:
            return "none"
        if self.media_type == PDF:
            return "pdf"
        if self.media_type in IMAGE_TYPES:
            return "image"
        if self.media_type in TABLE_TYPES and (self.location.table is not None or self.location.sheet):
            return "table"
        return "none"

    @property
    def origin_ko(self) -> str:
        return ORIGIN_KO.get(self.origin, self.origin)

    def where_ko(self) -> str:
        return where_ko(self.location, col=True)


def _source_of(item: Item, record: dict) -> tuple[str, dict] | None:
    if item.source and item.source.get("file"):
        return "finding", item.source
    code = item.indicator
    if not code:
        return None
    for origin, section in (("indicator", "indicators"), ("qualitative", "qualitative")):
        entry = (record.get(section) or {}).get(code) or {}
        source = entry.get("source") or {}
        if source.get("file"):
            return origin, source
    return source_dict(record, f"s:{code}")  # a service sub-item: its score's cell


def locate(item: Item, record: dict) -> SourceRef | None:
    """The item's own source, else that of its indicator's (or sub-area's) extracted value."""
    found = _source_of(item, record)
    if found is None:
        return None
    return ref_for(record, *found)


def source_dict(record: dict, key: str) -> tuple[str, dict] | None:
    """The provenance a value's source key names (see ``source_key``), with its origin, if it has one.

    Keys: ``v:CODE`` an indicator's stated value, ``c:CODE:LETTER`` a component, ``l:CODE:N`` the N-th listed
    item, ``q:KEY`` a qualitative sub-area's stage, ``s:KEY`` a service self-score, ``t:FIELD`` a stated total."""
    kind, _, rest = key.partition(":")
    indicators = record.get("indicators") or {}
    service = record.get("service") or {}
    found: dict | None = None
    origin = {"v": "indicator", "c": "component", "l": "listed", "q": "qualitative", "s": "self_score",
              "t": "total"}.get(kind)
    if kind == "v":
        found = (indicators.get(rest) or {}).get("source")
    elif kind == "c":
        code, _, letter = rest.rpartition(":")
        found = ((indicators.get(code) or {}).get("component_sources") or {}).get(letter)
    elif kind == "l":
        code, _, number = rest.rpartition(":")
        listed = (indicators.get(code) or {}).get("listed") or []
        found = listed[int(number)].get("source") if number.isdigit() and int(number) < len(listed) else None
    elif kind == "q":
        found = ((record.get("qualitative") or {}).get(rest) or {}).get("source")
    elif kind == "s":
        found = (service.get("self_score_sources") or {}).get(rest)
    elif kind == "t":
        found = (service.get("stated_total_source") if rest == "total"
                 else (service.get("stated_field_total_sources") or {}).get(rest))
    if not found or not found.get("file") or origin is None:
        return None
    return origin, found


def ref_for(record: dict, origin: str, source: dict) -> SourceRef:
    """A location in one of the submission's files, with that file's hash and type from ``bundle.files``."""
    files = (record.get("bundle") or {}).get("files") or []
    index = next((n for n, f in enumerate(files) if f.get("name") == source["file"]), None)
    entry = files[index] if index is not None else {}
    return SourceRef(origin=origin, location=Provenance.model_validate(source), file_index=index,
                     sha256=entry.get("sha256"), media_type=entry.get("media_type"))



def component_refs(record: dict, code: str | None) -> dict[str, tuple[str, SourceRef]]:
    """Each component of an indicator whose place was recorded: its letter → (source key, where it is)."""
    if not code:
        return {}
    sources = ((record.get("indicators") or {}).get(code) or {}).get("component_sources") or {}
    found = {}
    for letter in sorted(sources):
        key = f"c:{code}:{letter}"
        if (located := source_dict(record, key)) is not None:
            found[letter] = (key, ref_for(record, *located))
    return found
