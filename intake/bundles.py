"""Open a received bundle (.eml, USB .zip, or folder) into its files, losing none."""

from __future__ import annotations

import base64
import binascii
import email
import hashlib
import re
import logging
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

from extractors.sniff import EML, sniff
from intake.mail import parse_eml
from intake.model import Problem, ReceivedBundle, ReceivedFile

log = logging.getLogger(__name__)

JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
JUNK_DIRS = {"__MACOSX"}
MAX_MEMBERS = 2_000
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_RATIO = 200  # uncompressed/compressed: beyond this a member is treated as a bomb


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p in JUNK_DIRS for p in parts) or (parts and (parts[-1] in JUNK_NAMES or parts[-1].startswith("._")))


def _bundle_id(kind: str, files: list[ReceivedFile], extra: bytes = b"") -> str:
    digest = hashlib.sha256(kind.encode() + extra)
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.name.encode() + b"\0" + f.sha256.encode())
    return f"{kind}-{digest.hexdigest()[:16]}"


def open_bundle(path: Path, received_at: datetime | None = None) -> ReceivedBundle:
    path = Path(path)
    if path.is_dir():
        bundle = _open_folder(path)
    elif path.suffix.lower() == ".eml" or sniff(path.read_bytes()[:4096]) == EML:
        bundle = _open_eml(path)
    elif zipfile.is_zipfile(path):
        bundle = _open_zip(path)
    else:  # a single document handed over on its own
        bundle = ReceivedBundle(id="", channel="folder", source_path=str(path),
                                files=[ReceivedFile(_nfc(path.name), path.read_bytes())])
        bundle.id = _bundle_id("file", bundle.files)
    if received_at is not None:  # the clerk's receipt time for deliveries by hand or post
        bundle.received_at = received_at
    return bundle


def _open_folder(path: Path) -> ReceivedBundle:
    files = []
    for item in sorted(path.rglob("*")):
        rel = _nfc(item.relative_to(path).as_posix())
        if item.is_symlink():
            log.warning("skipping symlink %s in %s", rel, path)
            continue
        if item.is_file() and not _is_junk(rel):
            files.append(ReceivedFile(rel, item.read_bytes()))
    return ReceivedBundle(id=_bundle_id("folder", files), channel="folder", source_path=str(path), files=files)


def _open_zip(path: Path) -> ReceivedBundle:
    bundle = ReceivedBundle(id="", channel="usb", source_path=str(path))
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            bundle.problems.append(Problem("bundle.archive_bomb", f"파일 {len(members)}개 중 {MAX_MEMBERS}개만 읽음",
                                           f"zip has {len(members)} members; only the first {MAX_MEMBERS} were read"))
            members = members[:MAX_MEMBERS]
        total = 0
        for member in members:
            name = _member_name(member)
            if _is_junk(name):
                continue
            if name.startswith("/") or ".." in PurePosixPath(name).parts:
                bundle.problems.append(Problem("bundle.member_unsafe", name, f"zip member escapes the bundle: {name!r}", name))
                continue
            ratio = member.file_size / max(member.compress_size, 1)
            total += member.file_size
            if ratio > MAX_RATIO or total > MAX_TOTAL_BYTES:
                bundle.problems.append(Problem("bundle.archive_bomb", name,
                                               f"zip member {name!r} looks like a bomb (ratio {ratio:.0f}, total {total} bytes)", name))
                continue
            bundle.files.append(ReceivedFile(name, zf.read(member)))
    bundle.id = _bundle_id("usb", bundle.files)
    return bundle


def _member_name(member: zipfile.ZipInfo) -> str:
    """Korean names written by Windows tools are CP949 without the UTF-8 flag."""
    name = member.filename
    if not member.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "cp949"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return _nfc(name.replace("\\", "/"))


def _open_eml(path: Path) -> ReceivedBundle:
    raw = path.read_bytes()
    mail = parse_eml(raw)
    bundle = ReceivedBundle(id="", channel="email", source_path=str(path), received_at=mail.date, sender=mail.sender,
                            subject=mail.subject, message_id=mail.message_id, files=mail.attachments,
                            problems=list(mail.problems))
    bundle.id = _bundle_id("email", bundle.files, hashlib.sha256(raw).digest())
    return bundle
