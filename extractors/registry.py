"""Pick the extractor by content and turn every failure into an unreadable document."""

from __future__ import annotations

import hashlib
import logging
from typing import Callable

from extractors import sniff as media
from extractors.docx import extract_docx
from extractors.model import Document
from extractors.pdf import extract_pdf
from extractors.xlsx import extract_xlsx

log = logging.getLogger(__name__)

EXTRACTORS: dict[str, Callable[[Document, bytes], Document]] = {
    media.PDF: extract_pdf,
    media.DOCX: extract_docx,
    media.XLSX: extract_xlsx,
}

# Korean reasons for the clerk, by media type that no extractor reads yet.
UNSUPPORTED_KO = {
    media.EMPTY: "빈 파일(0바이트)입니다",
    media.ENCRYPTED_OOXML: "암호가 걸린 파일이라 열 수 없습니다",
    media.OLE: "구형(.doc/.xls) 형식의 파일이라 읽을 수 없습니다. DOCX/XLSX/PDF로 다시 요청하십시오",
    media.HWP: "HWP 파일은 아직 읽을 수 없습니다",
    media.HWPX: "HWPX 파일은 아직 읽을 수 없습니다",
    media.PNG: "스캔 이미지는 아직 판독(OCR)하지 않습니다",
    media.JPEG: "스캔 이미지는 아직 판독(OCR)하지 않습니다",
    media.TIFF: "스캔 이미지는 아직 판독(OCR)하지 않습니다",
}


def extract(name: str, data: bytes) -> Document:
    """Extract one file; never raises for bad input."""
    media_type = media.sniff(data)
    doc = Document(file=name, sha256=hashlib.sha256(data).hexdigest(), media_type=media_type)
    extractor = EXTRACTORS.get(media_type)
    if extractor is None:
        doc.unreadable_reason = UNSUPPORTED_KO.get(media_type, "지원하지 않는 파일 형식입니다")
        log.warning("no extractor for %s (%s)", name, media_type)
        return doc
    try:
        return extractor(doc, data)
    except Exception as exc:  # corrupt, truncated or encrypted input must not stop the bundle
        log.warning("could not read %s as %s: %s: %s", name, media_type, type(exc).__name__, exc)
        fresh = Document(file=name, sha256=doc.sha256, media_type=media_type)
        fresh.unreadable_reason = _reason_ko(exc)
        return fresh


def _reason_ko(exc: Exception) -> str:
    # pdfplumber wraps pdfminer's PDFPasswordIncorrect: look at the arguments and the chain too
    chain = [exc, *exc.args, exc.__cause__, exc.__context__]
    text = " ".join(f"{type(e).__name__} {e}" for e in chain if e is not None).lower()
    if "password" in text or "encrypt" in text:
        return "암호가 걸린 파일이라 열 수 없습니다"
    return f"파일이 손상되었거나 잘려 있어 열 수 없습니다 ({type(exc).__name__})"
