"""Which programme a bundle belongs to and which role each document plays, from content."""

from __future__ import annotations

from functools import lru_cache

from extractors.model import Document
from mapping.phrases import PhraseIndex
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
    terms = _detection_index()
    scores = {pid: 0 for pid in programme_ids()}
    for head in heads:
        for pid in {m.label for m in terms.find(head, already_compact=True)}:
            scores[pid] += 1
    best = max(scores, key=scores.get, default=None)
    return best if best and scores[best] > 0 else None


def classify_role(doc: Document, programme: CityProgramme | ServiceProgramme | None) -> tuple[str, bool]:
    """The role of the required document whose title comes first in the document's head, and whether the
    document is a part filed beside it (its annex: a required document's ``part_titles``).

    The earliest title wins (a form's title tops it; an evidence file may mention
    the proposal further down), then the longest (정량지표 평가제안서 over 평가제안서).
    The file name decides only when the content names no title, or when the document cannot be read.
    """
    if programme is None:
        return "other", False
    titles = _title_index(programme.id)
    name = compact(doc.file.rsplit("/", 1)[-1])
    if not doc.readable:
        # an unreadable form stays "other" (its document is then missing); any other file is evidence, as a
        # readable one whose content names no title
        named = [hit.label.partition(PART)[0] for hit in titles.find(name, already_compact=True)]
        return ("other" if named and named[0] != "evidence" else "evidence"), False
    for text in (document_head(doc), name):
        hits = titles.find(text, already_compact=True)
        if hits:
            role, part, _ = hits[0].label.partition(PART)  # earliest, then longest
            return role, bool(part)
    return "evidence", False


PART = "#part"


@lru_cache(maxsize=1)
def _detection_index() -> PhraseIndex:
    return PhraseIndex({pid: load_programme(pid).detection_terms for pid in programme_ids()})


@lru_cache(maxsize=None)
def _title_index(programme_id: str) -> PhraseIndex:
    programme = load_programme(programme_id)
    phrases: dict[str, list[str]] = {}
    for required in programme.required_documents:
        phrases.setdefault(required.role, []).extend([required.title, *required.title_variants])
        phrases.setdefault(required.role + PART, []).extend(required.part_titles)
    return PhraseIndex(phrases)
