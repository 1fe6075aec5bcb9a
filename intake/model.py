"""What arrives: a bundle of files, where it came from, and what was wrong with how it came."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CHUNK = 1024 * 1024


class ReceivedFile:
    """One file of a bundle: its bytes in memory (``data``), or kept in a file (``path``: a spooled copy, or the raw
    store's object once stored) and read back on each use, so that a bundle's files need not all be in memory."""

    def __init__(self, name: str, data: bytes | None = None, expanded: bool = False, *, path: str | Path | None = None,
                 sha256: str | None = None, size: int | None = None) -> None:
        if (data is None) == (path is None):
            raise ValueError("a received file has either its bytes or the path of a file holding them")
        self.name = name  # path inside the bundle, NFC, forward slashes
        self.expanded = expanded  # an archive whose members follow it in the bundle: stored, not extracted
        self._data = data
        self.path = str(path) if path is not None else None
        self._sha256 = sha256
        self.size = len(data) if data is not None else (size if size is not None else os.path.getsize(path))

    @property
    def data(self) -> bytes:
        if self._data is not None:
            return self._data
        with open(self.path, "rb") as handle:  # read afresh each time: never kept in memory here
            return handle.read()

    def head(self, size: int = 16) -> bytes:
        """The first ``size`` bytes."""
        if self._data is not None:
            return self._data[:size]
        with open(self.path, "rb") as handle:
            return handle.read(size)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            digest = hashlib.sha256()
            if self._data is not None:
                digest.update(self._data)
            else:
                with open(self.path, "rb") as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def kept_at(self, path: str | Path) -> None:
        """The bytes are now (also) in the file at ``path`` (the raw store's object): read them from there."""
        self._sha256 = self.sha256
        self.path, self._data = str(path), None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReceivedFile) and (self.name, self.sha256, self.expanded) == \
            (other.name, other.sha256, other.expanded)

    __hash__ = None  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        where = f"path={self.path!r}" if self.path else "in memory"
        return f"ReceivedFile({self.name!r}, {self.size} bytes, {where}, expanded={self.expanded})"


@dataclass
class Problem:
    """Something wrong with how a bundle arrived. ``rule`` names a rule of checks/rules.yaml;
    ``detail`` is shown to the clerk (Korean or a file name), ``log`` is the operator's English line."""

    rule: str
    detail: str
    log: str
    file: str | None = None


@dataclass
class ReceivedBundle:
    id: str
    channel: str  # email | usb | folder
    source_path: str
    received_at: datetime | None = None
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None
    files: list[ReceivedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    spool: str | None = None  # the folder holding its files' spooled copies until the raw store keeps them (intake.spool)


@dataclass
class ParsedMail:
    """One e-mail (.eml, .msg or fetched over IMAP) taken apart."""

    sender: str | None
    subject: str | None
    date: datetime | None
    message_id: str | None
    body_text: str
    attachments: list[ReceivedFile] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # 대용량 첨부: files left on a web mail service
    problems: list[Problem] = field(default_factory=list)
