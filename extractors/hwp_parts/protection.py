"""Why an HWP/HWPX file cannot be read: password, DRM, distribution (배포용) document, bombs.

The Korean sentences are shown to the clerks as ``Document.unreadable_reason``.
"""

from __future__ import annotations

import zlib

PASSWORD_KO = "암호가 걸린 {kind} 파일이라 열 수 없습니다. 암호를 해제한 파일로 다시 요청하십시오"
DRM_KO = "DRM으로 보호된 파일이라 열 수 없습니다. DRM을 해제한 파일로 다시 요청하십시오"
DISTRIBUTION_KO = ("배포용 문서(읽기 전용으로 배포된 HWP)라 내용을 추출할 수 없습니다. "
                   "일반 HWP 또는 HWPX 문서로 다시 요청하십시오")
HWP3_KO = "한글 97 이전(HWP 3.0) 형식이라 읽을 수 없습니다. HWP 5 또는 HWPX로 다시 저장해 요청하십시오"
BOMB_KO = "압축을 풀면 크기가 비정상적으로 커지는 파일이라(압축 폭탄 의심) 열지 않았습니다"

# Headers that document-security (DRM) products put in front of the encrypted file; the result is no
# longer an OLE or zip container. MarkAny DocumentSafer is in the corpus (hwplib error4); SoftCamp and
# Fasoo are the other products common in Korean agencies.
_DRM_MARKERS = (b"MARKANY", b"SCDSA00", b"FASOO")

# HWP 5 FileHeader properties (offset 36), from Hancom's published format description.
HWP_COMPRESSED = 1 << 0
HWP_PASSWORD = 1 << 1
HWP_DISTRIBUTION = 1 << 2
HWP_DRM = 1 << 4
HWP_CERT_ENCRYPTED = 1 << 8
HWP_CERT_DRM = 1 << 10

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def drm_wrapped(data: bytes) -> bool:
    """True when a DRM product wrapped the file (no OLE/zip signature, a vendor header instead)."""
    head = data[:1024].upper()
    if data.startswith((OLE_MAGIC, ZIP_MAGIC)):
        return False
    return any(marker.upper() in head for marker in _DRM_MARKERS)


def hwp_header_reason(properties: int) -> str | None:
    """Korean reason for an HWP 5 FileHeader's protection flags, or None when the body is readable."""
    if properties & (HWP_DRM | HWP_CERT_DRM | HWP_CERT_ENCRYPTED):
        return DRM_KO
    if properties & HWP_PASSWORD:
        return PASSWORD_KO.format(kind="HWP")
    if properties & HWP_DISTRIBUTION:
        return DISTRIBUTION_KO
    return None


def inflated_size(raw: bytes, limit: int) -> int:
    """Size of a raw-deflate stream once inflated, counting at most ``limit + 1`` bytes (memory stays bounded).

    Returns ``len(raw)`` for a stream that is not deflated (stored BinData, for instance).
    """
    inflater = zlib.decompressobj(-15)
    total = 0
    pending = raw
    try:
        while pending and total <= limit:
            total += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        return len(raw)
    return total
