"""Tell a file's type from its bytes, not its name."""

from __future__ import annotations

import zipfile
from io import BytesIO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HWPX = "application/hwp+zip"
HWP = "application/x-hwp"
OLE = "application/x-ole-storage"  # .doc/.xls/.msg
ENCRYPTED_OOXML = "application/x-encrypted-ooxml"  # a password-protected DOCX/XLSX/PPTX is an OLE file
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
EML = "message/rfc822"
TEXT = "text/plain"
EMPTY = "application/x-empty"
UNKNOWN = "application/octet-stream"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str:
    """Media type of ``data`` judged by its content."""
    if not data:
        return EMPTY
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):  # before the PDF test: a stored member may hold "%PDF-"
        return _sniff_zip(data)
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024] and not head.startswith((b"\xd0\xcf", b"\x89PNG", b"\xff\xd8")):
        return PDF
    if head.startswith(_OLE_MAGIC):
        if "HWP Document File".encode() in data[:65536]:
            return HWP
        if "EncryptedPackage".encode("utf-16-le") in data:
            return ENCRYPTED_OOXML
        return OLE
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if _looks_like_mail(head):
        return EML
    try:
        head.decode("utf-8")
        return TEXT
    except UnicodeDecodeError:
        return UNKNOWN


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
                if "hwp" in mimetype:
                    return HWPX
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except zipfile.BadZipFile:
        return UNKNOWN
    return ZIP


def _looks_like_mail(head: bytes) -> bool:
    first = head.split(b"\n\n", 1)[0].lower()
    return sum(k in first for k in (b"from:", b"to:", b"subject:", b"mime-version:", b"received:", b"content-type:")) >= 2
