"""Open a received bundle (.eml, .msg, USB .zip/.7z, folder, or a single file) into its files, losing none."""

from __future__ import annotations

import hashlib
import logging
import shutil
from datetime import datetime
from pathlib import Path

from extractors.sniff import EML, MSG, OLE, sniff
from intake.archives import ArchiveLimits, Expansion, _expand_one, expand, is_archive, is_junk, may_be_archive, nfc
from intake.mail import parse_eml
from intake.model import ParsedMail, Problem, ReceivedBundle, ReceivedFile
from intake.spool import Spool
from intake.spool import make as make_spool

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 300 * 1024**2  # a single file above this is kept but flagged, not extracted


def _bundle_id(kind: str, files: list[ReceivedFile], extra: bytes = b"") -> str:
    digest = hashlib.sha256(kind.encode() + extra)
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.name.encode() + b"\0" + f.sha256.encode())
    return f"{kind}-{digest.hexdigest()[:16]}"


def open_bundle(path: Path, received_at: datetime | None = None, limits: ArchiveLimits | None = None,
                spool: str | Path | None = None) -> ReceivedBundle:
    """Every file of the bundle at ``path``; ``received_at`` is the clerk's receipt time for post or hand delivery.

    With ``spool`` (a folder, ``intake.spool.make``) every file is written there as soon as it is taken and the
    bundle carries paths, not bytes: at most one file (and the archive or mail it came from) is in memory at once."""
    path = Path(path)
    limits = limits or ArchiveLimits()
    keeper = Spool(spool) if spool else None
    if path.is_dir():
        bundle = _open_folder(path, limits, keeper)
    else:
        with path.open("rb") as handle:
            head = handle.read(4096)
        large = path.stat().st_size > limits.max_member_bytes
        data = b"" if large else path.read_bytes()  # a file too large to read is judged by its first bytes
        kind = sniff(head if large else data)
        if not large and (path.suffix.lower() == ".eml" or kind == EML):
            bundle = _mail_bundle(path, data, parse_eml, limits, keeper)
        elif not large and (kind == MSG or path.suffix.lower() == ".msg" and kind == OLE):
            from intake.mail.msg import parse_msg

            bundle = _mail_bundle(path, data, parse_msg, limits, keeper)
        elif (may_be_archive(head) if large else is_archive(data)):
            bundle = _open_archive(path, limits, keeper)
        else:  # a single document handed over on its own
            bundle = ReceivedBundle(id="", channel="folder", source_path=str(path), files=[ReceivedFile(nfc(path.name), path=path) if large  # read where it is
                                           else _taken(path, nfc(path.name), keeper)])
            bundle.id = _bundle_id("file", bundle.files)
    for f in bundle.files:
        if f.size > MAX_FILE_BYTES:
            bundle.problems.append(Problem("bundle.file_oversized", f.name, f"{f.name!r} is {f.size} bytes", f.name))
    if received_at is not None:
        bundle.received_at = received_at
    bundle.spool = str(spool) if spool else None
    return bundle


def _taken(source: Path, name: str, keeper: Spool | None) -> ReceivedFile:
    """A file of the bundle as it is on disk: copied into the spool in chunks, or read into memory."""
    if keeper is None:
        return ReceivedFile(name, source.read_bytes())
    with source.open("rb") as stream:
        return keeper.keep_stream(name, stream)


def open_bundle_bounded(path: Path, received_at: datetime | None = None, store_root: Path | None = None) -> ReceivedBundle:
    """``open_bundle`` in a bounded worker process (``extractors.registry.run_bounded``), as extraction runs, its files
    spooled beside the raw store at ``store_root`` (``intake.spool``; ``discard`` it, or store the bundle, which
    does). A bundle that takes too long, exhausts memory or breaks the opener is kept as received (the file itself;
    a folder cannot be) with one ``bundle.unopenable`` problem, never an exception."""
    from extractors.registry import BoundExceeded, run_bounded

    path = Path(path)
    folder = make_spool(store_root)
    try:
        return run_bounded(open_bundle, path, received_at, None, str(folder))
    except BoundExceeded as exc:
        why = exc.why
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise  # the entry itself is gone or unreadable: the caller's boundary reports it
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
    shutil.rmtree(folder, ignore_errors=True)
    log.warning("bundle %s could not be opened: %s", path, why)
    files = [] if path.is_dir() else [ReceivedFile(nfc(path.name), path=path)]  # read from where it is, in chunks
    kind = "folder" if path.is_dir() else "file"
    bundle = ReceivedBundle(id=_bundle_id(kind, files, str(path).encode() if path.is_dir() else b""),
                            channel="folder", source_path=str(path), files=files, received_at=received_at)
    bundle.problems.append(Problem("bundle.unopenable", nfc(path.name), f"bundle {str(path)!r} not opened: {why}"))
    return bundle


def _open_folder(path: Path, limits: ArchiveLimits, keeper: Spool | None) -> ReceivedBundle:
    files, problems = [], []
    for item in sorted(path.rglob("*")):
        rel = nfc(item.relative_to(path).as_posix())
        if item.is_symlink():
            problems.append(Problem("bundle.member_unsafe", rel, f"symbolic link {rel!r} in {path} not followed", rel))
            continue
        if item.is_file() and not is_junk(rel):
            files.append(_taken(item, rel, keeper))
    expansion = expand(files, limits, keeper)
    bundle = ReceivedBundle(id=_bundle_id("folder", files), channel="folder", source_path=str(path),
                            files=expansion.files, problems=problems + expansion.problems)
    return bundle


def _open_archive(path: Path, limits: ArchiveLimits, keeper: Spool | None) -> ReceivedBundle:
    expansion = Expansion(spool=keeper)
    _expand_one("", path, 1, limits, expansion)  # read from the file: the archive itself is never whole in memory
    return ReceivedBundle(id=_bundle_id("usb", expansion.files), channel="usb", source_path=str(path),
                          files=expansion.files, problems=expansion.problems)


def _mail_bundle(path: Path, data: bytes, parse, limits: ArchiveLimits, keeper: Spool | None) -> ReceivedBundle:
    """A mail's attachments; a mail that cannot be taken apart is kept whole, with a finding."""
    try:
        return _from_mail(path, "email", parse(data), limits, keeper)
    except MemoryError:
        raise
    except Exception as exc:
        whole = keeper.keep(nfc(path.name), data) if keeper else ReceivedFile(nfc(path.name), data)
        bundle = ReceivedBundle(id="", channel="email", source_path=str(path), files=[whole])
        bundle.problems.append(Problem("email.unreadable", path.name, f"cannot parse mail {path.name!r}: {exc}", path.name))
        bundle.id = _bundle_id("email", bundle.files)
        return bundle


def _from_mail(path: Path, channel: str, mail: ParsedMail, limits: ArchiveLimits, keeper: Spool | None) -> ReceivedBundle:
    expansion = expand(mail.attachments, limits, keeper)
    bundle = ReceivedBundle(id="", channel=channel, source_path=str(path), received_at=mail.date, sender=mail.sender,
                            subject=mail.subject, message_id=mail.message_id, files=expansion.files,
                            problems=list(mail.problems) + expansion.problems)
    bundle.id = _bundle_id(channel, mail.attachments, hashlib.sha256(path.read_bytes()).digest())
    return bundle
