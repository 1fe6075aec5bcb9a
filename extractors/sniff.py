"""Tell a file's type from its bytes, not its name."""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HWPX = "application/hwp+zip"
HWP = "application/x-hwp"
OLE = "application/x-ole-storage"  # .doc/.xls/.msg
ENCRYPTED_OOXML = "application/x-encrypted-ooxml"  # a password-protected DOCX/XLSX/PPTX is an OLE file
ZIP = "application/zip"
BROKEN_ZIP = "application/x-broken-zip"  # starts like a zip (DOCX/XLSX/HWPX/ZIP) but cannot be opened
DRM_WRAPPED = "application/x-drm-wrapped"  # a document-security product's envelope (MarkAny, SoftCamp, Fasoo)
MSG = "application/vnd.ms-outlook"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
EML = "message/rfc822"
TEXT = "text/plain"
EMPTY = "application/x-empty"
UNKNOWN = "application/octet-stream"

MIMETYPE_BYTES = 256
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
        return _sniff_ole(data)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"HWP Document File V"):  # HWP 3.x (한글 97 and before): no OLE container
        return HWP
    from extractors.hwp_parts.protection import drm_wrapped

    if drm_wrapped(data):
        return DRM_WRAPPED
    if _looks_like_mail(head):
        return EML
    if b"\0" not in head:
        for encoding in ("utf-8", "cp949"):
            for cut in range(4):  # the head's end may split a character (never the whole of a short file)
                try:
                    head[:len(head) - cut].decode(encoding)
                    return TEXT
                except UnicodeDecodeError:
                    continue
    return UNKNOWN


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                with zf.open("mimetype") as stream:  # at most a line: a hostile "mimetype" may inflate to GiBs
                    mimetype = stream.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
                if "hwp" in mimetype:
                    return HWPX
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error):
        # also an encrypted or unsupported-method "mimetype" member, or a damaged one
        # A truncated HWPX still shows its first member, the mimetype, uncompressed.
        return HWPX if b"mimetypeapplication/hwp+zip" in data[:200] else BROKEN_ZIP
    return ZIP


def _sniff_ole(data: bytes) -> str:
    """OLE2 compound files by their streams: HWP 5, encrypted OOXML, Outlook .msg, legacy Office."""
    import olefile

    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # a truncated compound file: fall back to the markers in its first sectors
        streams = set()
        if "HWP Document File".encode() in data[:65536]:
            return HWP
    if "FileHeader" in streams:
        return HWP
    if "EncryptedPackage" in streams or "EncryptedPackage".encode("utf-16-le") in data[:65536]:
        return ENCRYPTED_OOXML
    if any(s.startswith("__substg1.0_") for s in streams):
        return MSG
    return OLE


def _looks_like_mail(head: bytes) -> bool:
    first = head.split(b"\n\n", 1)[0].lower()
    return sum(k in first for k in (b"from:", b"to:", b"subject:", b"mime-version:", b"received:", b"content-type:")) >= 2
