"""Plain text files (a clerk's memo, a CSV annex): decoded as UTF-8, else CP949, else EUC-KR."""

from __future__ import annotations

from extractors.model import Document, Page

ENCODINGS = ("utf-8-sig", "cp949", "euc-kr")


def extract_text(doc: Document, data: bytes) -> Document:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", errors="replace")
        doc.note("note.text.encoding", "text file in an unknown encoding; undecodable bytes replaced")
    doc.pages.append(Page(number=1, text=text, method="text_layer"))
    return doc
