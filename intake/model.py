"""What arrives: a bundle of files, where it came from, and what was wrong with how it came."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ReceivedFile:
    name: str  # path inside the bundle, NFC, forward slashes
    data: bytes
    expanded: bool = False  # an archive whose members follow it in the bundle: stored, not extracted

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


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
