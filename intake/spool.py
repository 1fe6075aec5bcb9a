"""Spooling: a bundle's files written to disk one at a time as the (bounded) opener takes them, not held in memory.

The caller of the bounded opener makes a spool folder (``make``) and hands it to the worker process; the worker
writes each file there as soon as it has it (``Spool.keep``) and sends back only names, paths and hashes, so
neither the worker nor the caller ever holds the bundle's members all at once. Once the raw store keeps the
files, they are read from its objects and the spool is removed (``discard``). Spools of a process that no longer
runs (kill -9) are swept when the next process makes one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from intake.model import CHUNK, ReceivedBundle, ReceivedFile

log = logging.getLogger(__name__)

PREFIX = "spool-"
_swept: set[Path] = set()


def root_for(store_root: Path | None) -> Path:
    """Spools live beside the raw store (same file system, outside its bags and objects)."""
    from intake.rawstore import RawStore

    return RawStore(store_root).root / ".spool"


def make(store_root: Path | None = None) -> Path:
    """A fresh spool folder named with this process's id; leftovers of dead processes are swept first."""
    root = root_for(store_root)
    root.mkdir(parents=True, exist_ok=True)
    if root.resolve() not in _swept:
        _swept.add(root.resolve())
        sweep(root)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))


def sweep(root: Path) -> list[Path]:
    from intake.rawstore import _writer_alive

    removed = []
    for path in root.glob(f"{PREFIX}*"):
        if not _writer_alive(path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if removed:
        log.warning("swept %d spools of stopped processes from %s", len(removed), root)
    return removed


def discard(bundle: ReceivedBundle) -> None:
    """Remove the bundle's spool (its files must be read from elsewhere, or not at all, from now on)."""
    if bundle.spool:
        shutil.rmtree(bundle.spool, ignore_errors=True)
        bundle.spool = None


class Spool:
    """Writes files into one spool folder (in the worker process)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _target(self) -> tuple[int, str]:
        return tempfile.mkstemp(dir=self.folder, prefix="f-")

    def keep(self, name: str, data: bytes, expanded: bool = False) -> ReceivedFile:
        fd, target = self._target()
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return ReceivedFile(name, path=target, sha256=hashlib.sha256(data).hexdigest(), size=len(data), expanded=expanded)

    def keep_stream(self, name: str, stream: BinaryIO) -> ReceivedFile:
        fd, target = self._target()
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        return ReceivedFile(name, path=target, sha256=digest.hexdigest(), size=size)

    def adopt(self, file: ReceivedFile) -> ReceivedFile:
        """``file`` spooled, unless it is already in a file."""
        return file if file.path else self.keep(file.name, file.data, file.expanded)
