"""Expand archives (.zip, .7z, nested) into bundle files, safely.

Members that would escape the bundle (`../`, absolute paths), symbolic links, and
archive bombs (total size, compression ratio, member count, nesting depth) become
problems for the clerk; nothing is ever written outside the raw store and the spool,
because members are read one at a time by name (never extracted to paths they name)
and, when a spool is given (``intake.spool``), written there as soon as they are read.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import extractors.sniff as media
from intake.model import Problem, ReceivedFile

JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
JUNK_DIRS = {"__MACOSX"}


@dataclass
class ArchiveLimits:
    max_members: int = 2_000
    max_total_bytes: int = 1024**3  # the members of one bundle in memory at once, as opening is bounded (~1 GiB)
    max_member_bytes: int = 300 * 1024**2  # intake.bundles.MAX_FILE_BYTES: a larger file would not be read anyway
    max_ratio: float = 200.0  # uncompressed/compressed: beyond this a member is treated as a bomb
    max_depth: int = 3


@dataclass
class Expansion:
    files: list[ReceivedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    members: int = 0
    spool: object | None = None  # an intake.spool.Spool: files are written there as they come, not kept in memory

    def keep(self, name: str, content: bytes) -> ReceivedFile:
        member = self.spool.keep(name, content) if self.spool else ReceivedFile(name, content)
        self.files.append(member)
        return member


def nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and (any(p in JUNK_DIRS for p in parts) or parts[-1] in JUNK_NAMES or parts[-1].startswith("._"))


def is_unsafe(name: str) -> bool:
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in PurePosixPath(name).parts


SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c"


def is_archive(data: bytes) -> bool:
    return media.sniff(data[:4096] if not data.startswith(b"PK") else data) in (media.ZIP,) or data[:6] == SEVEN_ZIP


def may_be_archive(head: bytes) -> bool:
    """Whether a file starting with ``head`` may be an archive (then its whole content decides, ``is_archive``)."""
    return head.startswith(b"PK\x03\x04") or head.startswith(SEVEN_ZIP)


def expand(files: list[ReceivedFile], limits: ArchiveLimits | None = None, spool=None) -> Expansion:
    """The bundle's files with every archive's members added after it (the archive itself is kept, marked expanded);
    with a ``spool`` every file is written there and only one is in memory at a time."""
    limits = limits or ArchiveLimits()
    result = Expansion(spool=spool)
    for f in files:
        data = f.data if may_be_archive(f.head()) else None
        kept = spool.adopt(f) if spool else f
        result.files.append(kept)
        if data is not None and is_archive(data):
            kept.expanded = True
            _expand_one(f.name, data, 1, limits, result)
    return result


def _expand_one(prefix: str, data: bytes, depth: int, limits: ArchiveLimits, result: Expansion) -> None:
    if depth > limits.max_depth:
        result.problems.append(Problem("bundle.archive_bomb", f"{prefix} (압축 {depth}단계)",
                                       f"archive {prefix!r} nested deeper than {limits.max_depth}", prefix))
        return
    try:
        with _opened(data, limits, result.spool.folder if result.spool else None) as members:
            _take_members(prefix, members, depth, limits, result)
    except MemoryError:
        raise  # the opener's memory bound: the bounded caller keeps the bundle whole, with one finding
    except Exception as exc:  # a broken or encrypted archive: the archive itself is kept and flagged
        result.problems.append(Problem("bundle.archive_unreadable", prefix or "압축 파일",
                                       f"cannot read archive {prefix!r}: {type(exc).__name__}: {exc}", prefix))


def _take_members(prefix: str, members, depth: int, limits: ArchiveLimits, result: Expansion) -> None:
    members = list(members)
    for index, (name, size, packed, is_link, read) in enumerate(members):
        path = f"{prefix}/{name}" if prefix else name
        if result.members >= limits.max_members:  # one problem for all that are left, not one per member
            left = len(members) - index
            result.problems.append(Problem("bundle.archive_bomb", f"{prefix or '압축 파일'} (파일 {limits.max_members}개 초과, "
                                           f"{left}개 미처리)", f"archive {prefix!r}: {left} members left untaken after "
                                           f"the limit of {limits.max_members} members", prefix or None))
            return
        if is_junk(name):
            continue
        if is_unsafe(name):
            result.problems.append(Problem("bundle.member_unsafe", name, f"archive member escapes the bundle: {name!r}", name))
            continue
        if is_link:
            result.problems.append(Problem("bundle.member_unsafe", name, f"archive member is a symbolic link: {name!r}", name))
            continue
        result.members += 1
        ratio = size / max(packed, 1)
        if size > limits.max_member_bytes or (size > 1024**2 and ratio > limits.max_ratio):
            result.problems.append(Problem("bundle.archive_bomb", name,
                                           f"archive member {name!r} refused: {size} bytes, ratio {ratio:.0f}, "
                                           f"{result.members} members, {result.total} bytes in all", name))
            continue
        if result.total + size > limits.max_total_bytes:  # one problem for all that are left, not one per member
            left = len(members) - index
            result.problems.append(Problem("bundle.archive_bomb", f"{prefix or '압축 파일'} (전체 크기 "
                                           f"{limits.max_total_bytes // 1024**2}MB 초과, {left}개 미처리)",
                                           f"archive {prefix!r}: {left} members left untaken past the total limit of "
                                           f"{limits.max_total_bytes} bytes", prefix or None))
            return
        result.total += size
        try:
            content = read()
        except MemoryError:
            raise
        except Exception as exc:  # an encrypted member, an unsupported method: this member only, the rest go on
            result.problems.append(Problem("bundle.archive_unreadable", path,
                                           f"cannot read archive member {path!r}: {type(exc).__name__}: {exc}", path))
            continue
        member = result.keep(path, content)
        if is_archive(content):
            member.expanded = True
            _expand_one(path, content, depth + 1, limits, result)


@contextmanager
def _opened(data: bytes | Path, limits: ArchiveLimits, scratch: Path | None = None):
    """(name, size, packed size, is symlink, reader) per file member of a zip or 7z archive (its bytes, or the path
    of a file holding them), readable while open."""
    source = io.BytesIO(data) if isinstance(data, bytes) else Path(data)
    if isinstance(data, bytes):
        head = data[:6]
    else:
        with source.open("rb") as handle:
            head = handle.read(6)
    if head == SEVEN_ZIP:
        # members land in files (in the spool when there is one: swept if this worker is killed), not in memory
        with tempfile.TemporaryDirectory(prefix="7z-", dir=scratch) as folder:
            yield list(_sevenzip_members(source, limits, Path(folder)))
        return
    with zipfile.ZipFile(source) as zf:
        members = []
        for info in zf.infolist():
            if info.is_dir():
                continue
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            members.append((_zip_name(info), info.file_size, info.compress_size, is_link,
                            lambda i=info: _read_zip(zf, i, limits)))
        yield members


def _read_zip(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits) -> bytes:
    """Read at most the declared size (+1 byte to notice a lying header)."""
    with zf.open(info) as stream:
        content = stream.read(min(info.file_size, limits.max_member_bytes) + 1)
    if len(content) > info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: more data than its header declares")
    return content


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Korean names written by Windows tools are CP949 without the UTF-8 flag; macOS writes NFD."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "cp949"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return nfc(name.replace("\\", "/"))


def _sevenzip_members(source, limits: ArchiveLimits, folder: Path):
    """7z members. A solid archive compresses its members together and records no packed size per member:
    each member is charged its share of the whole archive's size, so a solid bomb shows its real ratio.
    Only members that will pass the checks in ``_take_members`` are decompressed, each into a file of ``folder``
    (read back one at a time), so a refused member never reaches memory and the others not all at once."""
    import py7zr

    length = len(source.getbuffer()) if isinstance(source, io.BytesIO) else source.stat().st_size
    with py7zr.SevenZipFile(source) as archive:
        infos = [i for i in archive.list() if not i.is_directory]
        declared = sum(i.uncompressed for i in infos) or 1
        packed = {i.filename: i.compressed or max(1, round(length * i.uncompressed / declared)) for i in infos}
        wanted, total = [], 0
        for info in infos[:limits.max_members]:
            size = info.uncompressed
            if is_unsafe(info.filename) or size > limits.max_member_bytes or total + size > limits.max_total_bytes \
                    or (size > 1024**2 and size / packed[info.filename] > limits.max_ratio):
                continue
            total += size
            wanted.append(info.filename)
        factory = _file_factory(folder, limits.max_member_bytes)
        if wanted:
            archive.extract(targets=wanted, factory=factory)
        for info in infos:
            name = nfc(info.filename.replace("\\", "/"))
            yield name, info.uncompressed, packed[info.filename], bool(getattr(info, "is_symlink", False)), \
                (lambda n=info.filename: factory.read(n))


def _file_factory(folder: Path, limit: int):
    """A py7zr writer factory putting each member into a numbered file of ``folder`` (at most ``limit`` bytes)."""
    import py7zr.io

    class MemberFile(py7zr.io.Py7zIO):
        def __init__(self, path: Path) -> None:
            self.path, self.written = path, 0
            self.handle = open(path, "w+b")  # noqa: SIM115 - closed by py7zr through close()

        def write(self, s) -> int:
            if self.written >= limit:
                return 0
            self.written += len(s)
            return self.handle.write(s)

        def read(self, size: int | None = None) -> bytes:
            return self.handle.read(-1 if size is None else size)

        def seek(self, offset: int, whence: int = 0) -> int:
            return self.handle.seek(offset, whence)

        def flush(self) -> None:
            self.handle.flush()

        def size(self) -> int:
            return self.written

        def close(self) -> None:
            self.handle.close()

    class Factory(py7zr.io.WriterFactory):
        def __init__(self) -> None:
            self.products: dict[str, MemberFile] = {}

        def create(self, filename: str) -> MemberFile:
            product = self.products[filename] = MemberFile(folder / str(len(self.products)))
            return product

        def read(self, filename: str) -> bytes:
            product = self.products.get(filename)
            if product is None:
                return b""
            product.handle.close()
            return product.path.read_bytes()

    return Factory()
