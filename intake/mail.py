"""Take e-mails apart: sender, date, attachments with their Korean names, links to large files."""

from __future__ import annotations

import base64
import binascii
import email
import re
import unicodedata
from email import policy
from email.utils import parsedate_to_datetime

from intake.model import ParsedMail, Problem, ReceivedFile


def parse_eml(raw: bytes) -> ParsedMail:
    msg = email.message_from_bytes(raw, policy=policy.default)
    mail = ParsedMail(sender=str(msg.get("From", "")) or None, subject=str(msg.get("Subject", "")) or None,
                      date=None, message_id=str(msg.get("Message-ID", "")) or None, body_text="")
    try:
        mail.date = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        mail.problems.append(Problem("email.date_unreadable", str(msg["Date"]), f"unparseable Date header: {msg['Date']!r}"))
    seen: dict[str, int] = {}
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if not filename:
            if part.get_content_type() == "text/plain" and not mail.body_text:
                mail.body_text = part.get_content()
            continue
        name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
        if name in seen:  # two attachments with one name: keep both
            seen[name] += 1
            stem, dot, ext = name.rpartition(".")
            name = f"{stem} ({seen[name]}).{ext}" if dot else f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        mail.attachments.append(ReceivedFile(name, _payload(part, name, mail.problems)))
    return mail


def _payload(part, name: str, problems: list[Problem]) -> bytes:
    """Decoded attachment bytes; a truncated base64 body keeps every whole quantum instead of the raw text."""
    if part.get("Content-Transfer-Encoding", "").strip().lower() != "base64":
        return part.get_payload(decode=True) or b""
    text = re.sub(r"[^A-Za-z0-9+/=]", "", part.get_payload(decode=False) or "")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        problems.append(Problem("email.attachment_damaged", name,
                                f"attachment {name!r}: damaged base64 body ({len(text)} characters); decoded what was whole", name))
        text = text.rstrip("=")
        return base64.b64decode(text[: len(text) - len(text) % 4])
