"""Why an HWP/HWPX file cannot be read: password, DRM, distribution (read-only) document, bombs.

The reasons are ``unreadable.*`` codes (extractors.model); the clerk's Korean sentence for each is in
checks/rules.yaml.
"""

from __future__ import annotations

import zlib

from extractors.model import (
    UNREADABLE_DISTRIBUTION,
    UNREADABLE_DRM,
    UNREADABLE_ENCRYPTED_HANCOM,
    DocumentProblem,
)

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


def unreadable(code: str, detail: str, **params: str) -> DocumentProblem:
    return DocumentProblem(code=code, fatal=True, detail=detail, params=params)


def hwp_header_problem(properties: int) -> DocumentProblem | None:
    """The fatal problem an HWP 5 FileHeader's protection flags make, or None when the body is readable."""
    if properties & (HWP_DRM | HWP_CERT_DRM | HWP_CERT_ENCRYPTED):
        return unreadable(UNREADABLE_DRM, f"FileHeader properties {properties:#x}: DRM or certificate encryption")
    if properties & HWP_PASSWORD:
        return unreadable(UNREADABLE_ENCRYPTED_HANCOM, f"FileHeader properties {properties:#x}: password", kind="HWP")
    if properties & HWP_DISTRIBUTION:
        return unreadable(UNREADABLE_DISTRIBUTION, f"FileHeader properties {properties:#x}: distribution document")
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
