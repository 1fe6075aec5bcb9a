"""Open a received bundle (.eml, .msg, USB .zip/.7z, folder, or a single file) into its files, losing none."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path

from extractors.sniff import EML, MSG, OLE, sniff
from intake.archives import ArchiveLimits, Expansion, _expand_one, expand, is_archive, is_junk, nfc
from intake.mail import parse_eml
from intake.model import ParsedMail, Problem, ReceivedBundle, ReceivedFile

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 300 * 1024**2  # a single file above this is kept but flagged, not extracted


def _bundle_id(kind: str, files: list[ReceivedFile], extra: bytes = b"") -> str:
    digest = hashlib.sha256(kind.encode() + extra)
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.name.encode() + b"\0" + f.sha256.encode())
    return f"{kind}-{digest.hexdigest()[:16]}"


def open_bundle(path: Path, received_at: datetime | None = None, limits: ArchiveLimits | None = None) -> ReceivedBundle:
    """Every file of the bundle at ``path``; ``received_at`` is the clerk's receipt time for post or hand delivery."""
    path = Path(path)
    limits = limits or ArchiveLimits()
    if path.is_dir():
        bundle = _open_folder(path, limits)
    else:
        data = path.read_bytes()
        kind = sniff(data)
        if path.suffix.lower() == ".eml" or kind == EML:
            bundle = _mail_bundle(path, data, parse_eml, limits)
        elif kind == MSG or path.suffix.lower() == ".msg" and kind == OLE:
            from intake.mail.msg import parse_msg

            bundle = _mail_bundle(path, data, parse_msg, limits)
        elif is_archive(data):
            bundle = _open_archive(path, limits)
        else:  # a single document handed over on its own
            bundle = ReceivedBundle(id="", channel="folder", source_path=str(path),
                                    files=[ReceivedFile(nfc(path.name), path.read_bytes())])
            bundle.id = _bundle_id("file", bundle.files)
    for f in bundle.files:
        if len(f.data) > MAX_FILE_BYTES:
            bundle.problems.append(Problem("bundle.file_oversized", f.name, f"{f.name!r} is {len(f.data)} bytes", f.name))
    if received_at is not None:
        bundle.received_at = received_at
    return bundle


def open_bundle_bounded(path: Path, received_at: datetime | None = None) -> ReceivedBundle:
    """``open_bundle`` in a bounded worker process (``extractors.registry.run_bounded``), as extraction runs:
    a bundle that takes too long, exhausts memory or breaks the opener is kept as received (the file itself;
    a folder cannot be) with one ``bundle.unopenable`` problem, never an exception."""
    from extractors.registry import BoundExceeded, run_bounded

    path = Path(path)
    try:
        return run_bounded(open_bundle, path, received_at)
    except BoundExceeded as exc:
        why = exc.why
    except OSError:
        raise  # the entry itself is gone or unreadable: the caller's boundary reports it
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
    log.warning("bundle %s could not be opened: %s", path, why)
    files = [] if path.is_dir() else [ReceivedFile(nfc(path.name), path.read_bytes())]
    kind = "folder" if path.is_dir() else "file"
    bundle = ReceivedBundle(id=_bundle_id(kind, files, str(path).encode() if path.is_dir() else b""),
                            channel="folder", source_path=str(path), files=files, received_at=received_at)
    bundle.problems.append(Problem("bundle.unopenable", nfc(path.name), f"bundle {str(path)!r} not opened: {why}"))
    return bundle


def _open_folder(path: Path, limits: ArchiveLimits) -> ReceivedBundle:
    files, problems = [], []
    for item in sorted(path.rglob("*")):
        rel = nfc(item.relative_to(path).as_posix())
        if item.is_symlink():
            problems.append(Problem("bundle.member_unsafe", rel, f"symbolic link {rel!r} in {path} not followed", rel))
            continue
        if item.is_file() and not is_junk(rel):
            files.append(ReceivedFile(rel, item.read_bytes()))
    expansion = expand(files, limits)
    bundle = ReceivedBundle(id=_bundle_id("folder", files), channel="folder", source_path=str(path),
                            files=expansion.files, problems=problems + expansion.problems)
    return bundle


def _open_archive(path: Path, limits: ArchiveLimits) -> ReceivedBundle:
    expansion = Expansion()
    _expand_one("", path.read_bytes(), 1, limits, expansion)
    return ReceivedBundle(id=_bundle_id("usb", expansion.files), channel="usb", source_path=str(path),
                          files=expansion.files, problems=expansion.problems)


def _mail_bundle(path: Path, data: bytes, parse, limits: ArchiveLimits) -> ReceivedBundle:
    """A mail's attachments; a mail that cannot be taken apart is kept whole, with a finding."""
    try:
        return _from_mail(path, "email", parse(data), limits)
    except Exception as exc:
        bundle = ReceivedBundle(id="", channel="email", source_path=str(path), files=[ReceivedFile(nfc(path.name), data)])
        bundle.problems.append(Problem("email.unreadable", path.name, f"cannot parse mail {path.name!r}: {exc}", path.name))
        bundle.id = _bundle_id("email", bundle.files)
        return bundle


def _from_mail(path: Path, channel: str, mail: ParsedMail, limits: ArchiveLimits) -> ReceivedBundle:
    expansion = expand(mail.attachments, limits)
    bundle = ReceivedBundle(id="", channel=channel, source_path=str(path), received_at=mail.date, sender=mail.sender,
                            subject=mail.subject, message_id=mail.message_id, files=expansion.files,
                            problems=list(mail.problems) + expansion.problems)
    bundle.id = _bundle_id(channel, mail.attachments, hashlib.sha256(path.read_bytes()).digest())
    return bundle
