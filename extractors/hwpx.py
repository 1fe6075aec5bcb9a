"""HWPX (OWPML: a zip of XML parts, KS X 6101) read directly with defusedxml.

One ``Page`` per section (HWPX stores no page layout; a section is the unit the file has), blocks per
paragraph with their numbering heads ("1.", "가.") and outline levels as heading levels, tables with
the spans of ``cellAddr``/``cellSpan`` (nested tables appended after their parent), embedded pictures
as figures. Sizes are checked from the zip directory before anything is inflated. Password-protected
packages, DRM-wrapped files and zip bombs get a fatal ``DocumentProblem`` (an ``unreadable.*`` code); any
other malformed input raises, and ``extractors.registry`` turns that into an unreadable document.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from io import BytesIO

from defusedxml import ElementTree

from extractors.hwp_parts.numbering import Numbering, local
from extractors.hwp_parts.owpml import SectionReader
from extractors.hwp_parts.protection import drm_wrapped
from extractors.model import UNREADABLE_BOMB, UNREADABLE_DRM, UNREADABLE_LOCKED_HWPX, Document, Page

MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 128 * 1024**2  # one part, inflated
MAX_TOTAL_BYTES = 512 * 1024**2  # all parts, inflated
MAX_RATIO = 200  # inflated/compressed, for parts over 1 MiB
_SECTION = re.compile(r"(?:^|/)section(\d+)\.xml$", re.IGNORECASE)
_MEDIA_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp",
                "tif": "image/tiff", "tiff": "image/tiff", "wmf": "image/x-wmf", "emf": "image/x-emf", "svg": "image/svg+xml"}


def extract_hwpx(doc: Document, data: bytes) -> Document:
    if drm_wrapped(data):
        return doc.unreadable(UNREADABLE_DRM, "wrapped by a document-security (DRM) product")
    with zipfile.ZipFile(BytesIO(data)) as zf:
        infos = {info.filename: info for info in zf.infolist()}
        if _looks_like_bomb(list(infos.values())):
            return doc.unreadable(UNREADABLE_BOMB, "zip directory: too many members, or parts that inflate too far")
        if _encrypted(zf, infos):
            return doc.unreadable(UNREADABLE_LOCKED_HWPX, "encrypted package parts (password or distribution)")
        items, spine = _package(zf, infos)
        sections = _section_parts(items, spine, infos)
        if not sections:
            raise ValueError("no Contents/sectionN.xml part in the HWPX package")
        header = _xml(zf, "Contents/header.xml") if "Contents/header.xml" in infos else None
        reader = SectionReader(doc, Numbering.from_header(header), lambda ref: _image(zf, infos, items, ref))
        for number, part in enumerate(sections, 1):
            lines = reader.section(_xml(zf, part), page=number)
            doc.pages.append(Page(number=number, text="\n".join(lines), method="hwpx"))
    return doc


def _looks_like_bomb(infos: list[zipfile.ZipInfo]) -> bool:
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        return True
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            return True
        if info.file_size > 1024**2 and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
            return True
    return False


def _encrypted(zf: zipfile.ZipFile, infos: dict) -> bool:
    """Hancom encrypts the parts of a password-protected or distribution (배포용) HWPX and lists ODF-style
    encryption data in the manifest."""
    if "META-INF/manifest.xml" in infos and b"encryption-data" in zf.read("META-INF/manifest.xml"):
        return True
    return any(info.flag_bits & 0x1 for info in infos.values())  # zip-level (traditional) encryption


def _xml(zf: zipfile.ZipFile, name: str):
    raw = zf.read(name)
    return ElementTree.fromstring(raw)


def _package(zf: zipfile.ZipFile, infos: dict) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """content.hpf: manifest items (id -> (zip path, media type)) and the spine's item ids in order."""
    items: dict[str, tuple[str, str]] = {}
    spine: list[str] = []
    if "Contents/content.hpf" not in infos:
        return items, spine
    try:
        root = _xml(zf, "Contents/content.hpf")
    except ElementTree.ParseError:
        return items, spine
    for el in root.iter():
        name = local(el.tag)
        if name == "item" and el.get("id") and el.get("href"):
            href = el.get("href")
            path = href if href in infos else posixpath.normpath(posixpath.join("Contents", href))
            items[el.get("id")] = (path, el.get("media-type", ""))
        elif name == "itemref" and el.get("idref"):
            spine.append(el.get("idref"))
    return items, spine


def _section_parts(items: dict, spine: list[str], infos: dict) -> list[str]:
    ordered = [items[i][0] for i in spine if i in items and _SECTION.search(items[i][0]) and items[i][0] in infos]
    if ordered:
        return ordered
    found = [(int(m.group(1)), name) for name in infos if (m := _SECTION.search(name)) and name.startswith("Contents/")]
    return [name for _, name in sorted(found)]


def _image(zf: zipfile.ZipFile, infos: dict, items: dict, ref: str) -> tuple[bytes, str] | None:
    path, media_type = items.get(ref, ("", ""))
    if path not in infos:
        path = next((n for n in infos if n.startswith(f"BinData/{ref}.")), "")
    if not path:
        return None
    ext = path.rsplit(".", 1)[-1].lower()
    media_type = (media_type or "").lower().replace("image/jpg", "image/jpeg")
    if not media_type.startswith("image/"):
        media_type = _MEDIA_TYPES.get(ext, "application/octet-stream")
    return zf.read(path), media_type
