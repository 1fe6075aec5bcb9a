"""The raw store: every received byte kept once, immutably, before any processing.

Layout under the store root (``var/store`` by default, ``INTAKE_STORE_DIR`` to move it):

    objects/ab/cd/<sha256>          each distinct file once, named by its SHA-256, read-only
    bags/<bundle id>/               one BagIt bag (Library of Congress) per received bundle:
        bagit.txt, bag-info.txt     channel, sender, subject, received time as bag-info fields
        manifest-sha256.txt         fixity of the payload
        intake-manifest.json        original name, path inside the bundle, size, hash (tag file)
        data/received/<name>        the container exactly as received (.eml, .zip), if any
        data/files/<path>           each file of the bundle at its path inside the bundle

Payload files are hard links to the objects, so a bag costs no second copy. Storing a
bundle whose bag exists changes nothing; ``verify`` re-checks every bag and object.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bagit

from intake.bagwrite import PAYLOAD, write_payload_tags, write_tag_manifest
from intake.model import ReceivedBundle
from schemas.settings import settings

log = logging.getLogger(__name__)

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
CHUNK = 1024 * 1024


def default_root() -> Path:
    return settings().store_dir


@dataclass
class StoredBundle:
    bundle_id: str
    bag: Path
    created: bool  # False when the same bundle had been stored before


class RawStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root or default_root()).absolute()
        self.objects = self.root / "objects"
        self.bags = self.root / "bags"

    def object_path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> tuple[str, Path]:
        """Store bytes once; returns their SHA-256 and object path."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.object_path(sha256)
        if not path.exists():
            with self._new_object(path) as tmp:
                tmp.write(data)
            self._settle(tmp.name, path)
        return sha256, path

    def put_file(self, source: str | Path, sha256: str | None = None) -> tuple[str, Path]:
        """Store the bytes of the file at ``source`` once, read in chunks (never whole in memory)."""
        if sha256 and self.object_path(sha256).exists():
            return sha256, self.object_path(sha256)
        self.objects.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with open(source, "rb") as handle, self._new_object(self.objects / "x") as tmp:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
        sha256 = digest.hexdigest()
        path = self.object_path(sha256)
        if path.exists():
            os.unlink(tmp.name)
        else:
            self._settle(tmp.name, path)
        return sha256, path

    def _new_object(self, path: Path):
        self.sweep_once()
        path.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=path.parent, prefix=_leftover_prefix(TMP), delete=False)

    def _settle(self, tmp: str, path: Path) -> None:
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, READ_ONLY)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)  # atomic: a crash never leaves a half-written object under its hash

    def get(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    def _put_received(self, f) -> tuple[str, Path]:
        return self.put_file(f.path, f.sha256) if f.path else self.put(f.data)

    def store_bundle(self, bundle: ReceivedBundle, container: Path | None = None) -> StoredBundle:
        """Keep the bundle in a bag (nothing happens when its bag exists); its files are read from the store's
        objects afterwards (a spooled file's copy can go)."""
        bag_dir = self.bags / bundle.id
        if (bag_dir / "bagit.txt").exists():
            for f in bundle.files:
                if self.object_path(f.sha256).exists():
                    f.kept_at(self.object_path(f.sha256))
            return StoredBundle(bundle.id, bag_dir, created=False)
        self.bags.mkdir(parents=True, exist_ok=True)
        self.sweep_once()
        staging = Path(tempfile.mkdtemp(prefix=f"{_leftover_prefix(STAGING)}{bundle.id}-", dir=self.bags))
        try:
            entries, payload = [], []
            if container is not None and container.is_file():
                sha, obj = self.put_file(container)
                self._link(obj, staging / PAYLOAD / "received" / container.name)
                entries.append({"role": "container", "name": container.name, "path": f"received/{container.name}",
                                "size": obj.stat().st_size, "sha256": sha})
                payload.append((f"received/{container.name}", sha, obj.stat().st_size))
            for f, rel in zip(bundle.files, bag_paths([f.name for f in bundle.files])):
                sha, obj = self._put_received(f)
                f.kept_at(obj)
                self._link(obj, staging / PAYLOAD / "files" / rel)
                entries.append({"role": "file", "name": PurePosixPath(f.name).name, "path": f"files/{rel}",
                                "path_in_bundle": f.name, "size": f.size, "sha256": sha})
                payload.append((f"files/{rel}", sha, f.size))
            write_payload_tags(staging, payload, _bag_info(bundle))
            (staging / "intake-manifest.json").write_text(json.dumps({
                "bundle_id": bundle.id, "channel": bundle.channel, "sender": bundle.sender, "subject": bundle.subject,
                "message_id": bundle.message_id,
                "received_at": bundle.received_at.isoformat() if bundle.received_at else None,
                "source_path": bundle.source_path, "files": entries}, ensure_ascii=False, indent=2), encoding="utf-8")
            write_tag_manifest(staging)
            os.replace(staging, bag_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("stored bundle %s: %d files", bundle.id, len(bundle.files))
        return StoredBundle(bundle.id, bag_dir, created=True)

    def _link(self, obj: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            # never write onto a path already in the bag: through its hard link that would change a stored object
            raise FileExistsError(f"bag path taken twice: {target}")
        try:
            os.link(obj, target)
        except OSError:  # another file system: a copy keeps the bag valid
            shutil.copyfile(obj, target)

    _swept: set[Path] = set()  # roots swept by this process

    def sweep_once(self) -> list[Path]:
        """``sweep`` the first time this process writes to this store."""
        root = self.root.resolve()
        if root in RawStore._swept:
            return []
        RawStore._swept.add(root)
        return self.sweep()

    def sweep(self) -> list[Path]:
        """Remove what a writer killed mid-way (kill -9, power loss) left: temporary objects and staging bags
        named with a process id that no longer runs. Returns what was removed."""
        found = [*self.objects.glob(f"*/*/{TMP}*"), *self.objects.glob(f"{TMP}*")] if self.objects.exists() else []
        found += list(self.bags.glob(f"{STAGING}*")) if self.bags.exists() else []
        removed = []
        for path in found:
            if _writer_alive(path.name):
                continue
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
        if removed:
            log.warning("swept %d leftovers of interrupted writes from %s", len(removed), self.root)
        return removed

    def manifest(self, bundle_id: str) -> dict:
        return json.loads((self.bags / bundle_id / "intake-manifest.json").read_text(encoding="utf-8"))

    def verify(self) -> list[str]:
        """Problems found (English); empty when every bag validates and every object matches its name."""
        problems = []
        for bag_dir in sorted(self.bags.glob("*")) if self.bags.exists() else []:
            if bag_dir.name.startswith("."):
                continue
            try:
                bagit.Bag(str(bag_dir)).validate(processes=1)
            except bagit.BagError as exc:
                problems.append(f"bag {bag_dir.name}: {exc}")
        for obj in sorted(self.objects.rglob("*")) if self.objects.exists() else []:
            if obj.name.startswith("."):  # a write in progress, or the leftover of one that was killed (``sweep``)
                continue
            if obj.is_file() and hashlib.sha256(obj.read_bytes()).hexdigest() != obj.name:
                problems.append(f"object {obj.name}: content does not match its SHA-256")
        return problems


TMP, STAGING = ".tmp-", ".staging-"  # leftovers of an interrupted write: hidden, named with the writer's process id


def _leftover_prefix(kind: str) -> str:
    return f"{kind}{os.getpid()}-"


def _writer_alive(name: str) -> bool:
    """Whether the process that named this temporary object or staging folder still runs."""
    try:
        pid = int(name.split("-")[1])
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError):
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


MAX_NAME_BYTES = 200  # under the 255 bytes a file system allows a name, with room for a suffix
CONTENTS_SUFFIX = ".contents"  # the folder holding an archive's members beside the archive file itself


def bag_paths(names: list[str]) -> list[str]:
    """A distinct relative path in the bag for each bundle file name, in order.

    An archive's members are named under the archive (`a.zip/b.pdf`) while the archive itself is a file
    (`a.zip`): the members go to `a.zip.contents/`. Two members of one name (or NFC/NFD twins, or names
    differing only in case, which some file systems fold) get `~2`, `~3` … before the extension; a name
    too long for the file system is shortened, keeping its extension and a hash of the whole name; control
    characters (CR, LF) become `_` and spaces at either end of a name are dropped.
    """
    relatives = [[_short(p) for p in PurePosixPath(name).parts if p not in ("", "/", ".", "..")] or ["unnamed"]
                 for name in names]
    files = {"/".join(parts) for parts in relatives}
    taken: set[str] = set()
    out = []
    for parts in relatives:
        folders = [p + CONTENTS_SUFFIX if "/".join(parts[:i + 1]) in files else p for i, p in enumerate(parts[:-1])]
        path = "/".join([*folders, parts[-1]])
        stem, dot, ext = parts[-1].rpartition(".")
        n = 1
        while _fold(path) in taken:
            n += 1
            name = f"{stem}~{n}.{ext}" if dot and stem else f"{parts[-1]}~{n}"
            path = "/".join([*folders, name])
        taken.add(_fold(path))
        out.append(path)
    return out


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # CR/LF in a name would break the bag's manifest lines


def _short(part: str) -> str:
    # a space at either end would not survive a manifest line (bagit strips its lines)
    part = CONTROL.sub("_", part).strip() or "_"
    if len(part.encode("utf-8")) <= MAX_NAME_BYTES:
        return part
    stem, dot, ext = part.rpartition(".")
    ext = ext if dot and len(ext) <= 10 else ""
    digest = hashlib.sha256(part.encode("utf-8")).hexdigest()[:8]
    keep = (stem if ext else part).encode("utf-8")[:MAX_NAME_BYTES - 20].decode("utf-8", "ignore")
    return f"{keep}~{digest}" + (f".{ext}" if ext else "")


def _bag_info(bundle: ReceivedBundle) -> dict[str, str]:
    info = {"External-Identifier": bundle.id, "Intake-Channel": bundle.channel,
            "Source-Organization": bundle.sender or "", "Intake-Source-Path": bundle.source_path}
    if bundle.received_at:
        info["Intake-Received-At"] = bundle.received_at.isoformat()
    if bundle.subject:
        info["Intake-Subject"] = bundle.subject
    return {k: v for k, v in info.items() if v}
