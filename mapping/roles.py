"""Which programme a bundle belongs to and which role each document plays, from content."""

from __future__ import annotations

from extractors.model import Document
from mapping.values import compact
from schemas import load_programme, programme_ids
from schemas.programme import CityProgramme, ServiceProgramme

HEAD_CHARS = 160  # a form's title sits at its top (after the 별지 line at most)


def document_head(doc: Document) -> str:
    """The first characters of a document, spaces and punctuation removed."""
    parts = [b.text for b in doc.blocks[:4]] or [p.text for p in doc.pages[:1]]
    if not "".join(parts).strip():
        parts = [c.text for t in doc.tables[:1] for c in t.cells[:8]]
    return compact(" ".join(parts))[:HEAD_CHARS]


def detect_programme(documents: list[Document]) -> str | None:
    """The programme whose detection terms head the most documents."""
    heads = [document_head(d) for d in documents if d.readable]
    scores = {}
    for programme_id in programme_ids():
        terms = [compact(t) for t in load_programme(programme_id).detection_terms]
        scores[programme_id] = sum(any(term in head for term in terms) for head in heads)
    best = max(scores, key=scores.get, default=None)
    return best if best and scores[best] > 0 else None


def classify_role(doc: Document, programme: CityProgramme | ServiceProgramme | None) -> str:
    """The role of the required document whose title comes first in the document's head.

    The earliest title wins (a form's title tops it; an evidence file may mention
    the proposal further down), then the longest (정량지표 평가제안서 over 평가제안서).
    The file name decides only when the content names no title.
    """
    if not doc.readable or programme is None:
        return "other"
    for text in (document_head(doc), compact(doc.file.rsplit("/", 1)[-1])):
        hits = []
        for required in programme.required_documents:
            for title in (required.title, *required.title_variants):
                key = compact(title)
                at = text.find(key) if key else -1
                if at >= 0:
                    hits.append((at, -len(key), required.role))
        if hits:
            return min(hits)[2]
    return "evidence"
