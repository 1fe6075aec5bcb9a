"""RFC 822 / MIME messages (.eml, IMAP) through the standard library."""

from __future__ import annotations

import base64
import binascii
import email
import email.quoprimime
import quopri
import re
from email.message import Message
from email.policy import Compat32
from email.utils import parsedate_to_datetime

from intake.mail.charsets import decode_bytes, decode_header_text
from intake.mail.html import html_to_text
from intake.mail.links import add_links
from intake.mail.names import _Names
from intake.mail.split import split_message
from intake.model import ParsedMail, Problem, ReceivedFile

MAX_DEPTH = 40  # nested multiparts / forwarded messages deeper than this are not followed (a bomb, not a mail)
MAX_PARTS = 2_000  # MIME parts read per message, as many as an archive's members; the rest is one problem

class _RawHeaders(Compat32):
    """compat32, but header values come back as read (a raw 8-bit value would otherwise become U+FFFD)."""

    def header_fetch_parse(self, name, value):
        return value


_POLICY = _RawHeaders()


def parse_eml(raw: bytes) -> ParsedMail:
    split = split_message(raw, _POLICY)
    msg = email.message_from_bytes(split[0] if split else raw, policy=_POLICY)
    mail = ParsedMail(sender=_header(msg, "From"), subject=_header(msg, "Subject"), date=None,
                      message_id=_header(msg, "Message-ID"), body_text="")
    date = msg.get("Date")
    if date:
        try:
            mail.date = parsedate_to_datetime(decode_header_text(date).strip())
        except (TypeError, ValueError, IndexError):
            mail.problems.append(Problem("email.date_unreadable", str(date), f"unparseable Date header: {date!r}"))
    walk = _Walk(mail)
    if split is None:
        walk.part(msg, depth=0, forwarded=False)
    else:  # a large multipart: its top-level parts parsed and walked one at a time (intake/mail/split.py)
        walk.parts += 1  # the multipart itself, as the walk of a whole message counts it
        for chunk in split[1]:
            if walk.parts >= MAX_PARTS:  # counted, not parsed
                walk.parts += 1
                walk.parts_left += 1
                continue
            walk.part(email.message_from_bytes(chunk, policy=_POLICY), depth=1, forwarded=False)
    if walk.parts_left:  # one problem for all that were left, not one per part
        mail.problems.append(Problem("email.parts_limit", f"{MAX_PARTS}개 초과, {walk.parts_left}개 미처리",
                                     f"message has more than {MAX_PARTS} MIME parts; {walk.parts_left} left unread"))
    bodies = walk.bodies
    first = next((b for b in bodies if b.kind == "plain" and not b.forwarded and not b.named), None) \
        or next((b for b in bodies if b.kind == "plain" and not b.forwarded), None) \
        or next((b for b in bodies if b.kind == "html" and not b.forwarded), None) \
        or next((b for b in bodies if b.kind == "plain"), None) \
        or next((b for b in bodies if b.kind == "html"), None)
    mail.body_text = first.text if first else ""
    add_links(mail, [b.linked for b in bodies])
    return mail


def _header(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return decode_header_text(value).strip() or None if value is not None else None


def _param(part: Message, name: str) -> str | None:
    value = part.get_param(name)
    if isinstance(value, tuple):  # RFC 2231 form
        value = value[2]
    return str(value) if value is not None else None


_NOT_EVIDENCE = {"message/delivery-status", "message/disposition-notification", "message/external-body",
                 "message/partial", "message/feedback-report"}


class _Body:
    def __init__(self, kind: str, text: str, linked: str, forwarded: bool, named: bool) -> None:
        self.kind, self.text, self.linked, self.forwarded, self.named = kind, text, linked, forwarded, named


class _Walk:
    """Walks the MIME tree: attachments in order, body candidates, problems."""

    def __init__(self, mail: ParsedMail) -> None:
        self.mail = mail
        self.names = _Names()
        self.bodies: list[_Body] = []
        self.deep_reported = False
        self.parts = 0
        self.parts_left = 0

    def part(self, part: Message, depth: int, forwarded: bool) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.parts_left += 1
            return
        if depth > MAX_DEPTH:
            if not self.deep_reported:
                self.deep_reported = True
                self.mail.problems.append(Problem("email.attachment_damaged", f"{MAX_DEPTH}단계 이상 중첩된 메일",
                                                  f"MIME tree nested deeper than {MAX_DEPTH} levels; the rest was not read"))
            return
        ctype = part.get_content_type()
        payload = part.get_payload()
        if part.get_content_maintype() == "message":
            if ctype in _NOT_EVIDENCE:  # delivery reports, read receipts, references to elsewhere
                return
            inner = self._inner_message(part, payload)
            if inner is not None:  # a forwarded message: its files are taken, its own text is body, not a file
                self.part(inner, depth + 1, forwarded=True)
                return
        if ctype == "multipart/encrypted" or (ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime")
                                              and (_param(part, "smime-type") or "enveloped-data").lower()
                                              in ("enveloped-data", "authenveloped-data")):
            self._encrypted(part, depth)
            return
        if part.is_multipart():
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, Message):
                    self.part(sub, depth + 1, forwarded)
            return
        name = self._filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if ctype in ("text/plain", "text/html") and disposition != "attachment":
            data = _payload(part, name or "본문", self.mail.problems)
            text = decode_bytes(data, _param(part, "charset"))
            if ctype == "text/html":
                plain, linked = html_to_text(text)
            else:
                plain = linked = text.replace("\r\n", "\n")
                if "-----BEGIN PGP MESSAGE-----" in text:  # inline PGP: the body is the encrypted blob
                    self._keep(part, "encrypted.asc" if name is None else name, data)
                    self._report_encrypted(name or "encrypted.asc", "inline PGP message in the body")
                    name = None
            self.bodies.append(_Body("html" if ctype == "text/html" else "plain", plain, linked, forwarded, name is not None))
            if name is None:
                return
            self._keep(part, name, data)
            return
        if name is None and part.get("Content-ID") and disposition != "attachment" and part.get_content_maintype() == "image":
            return  # an unnamed picture the HTML body shows (cid:): part of the body, not a file sent
        if ctype == "application/ms-tnef" and not name:
            name = "winmail.dat"  # TNEF is kept as the file it is; it is not decoded
        self._keep(part, name, _payload(part, name or "noname", self.mail.problems))

    def _keep(self, part: Message, name: str | None, data: bytes) -> None:
        self.mail.attachments.append(ReceivedFile(self.names.take(name), data))

    def _inner_message(self, part: Message, payload) -> Message | None:
        cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            if cte not in ("base64", "quoted-printable"):
                return payload[0]
            # sent encoded (some clients do): email parsed the encoded text as a headerless message
            text = payload[0].as_string(policy=_POLICY).encode("ascii", errors="surrogateescape")
        elif isinstance(payload, str):
            text = payload.encode("ascii", errors="surrogateescape")
        else:
            return None
        if cte == "base64":
            clean = re.sub(rb"[^A-Za-z0-9+/]", b"", text)
            data = base64.b64decode(clean[: len(clean) - len(clean) % 4])
        elif cte == "quoted-printable":
            data = quopri.decodestring(text)
        else:
            data = text
        return email.message_from_bytes(data, policy=_POLICY) if data.strip() else None

    def _encrypted(self, part: Message, depth: int) -> None:
        """PGP/MIME or S/MIME encrypted: every part is kept as a file; the clerk is told."""
        start = len(self.mail.attachments)
        if part.is_multipart():
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    blob_name = self._filename(sub) or ("encrypted.asc" if sub.get_content_type() == "application/octet-stream" else None)
                    self._keep(sub, blob_name, _payload(sub, blob_name or "noname", self.mail.problems))
        else:
            name = self._filename(part) or "smime.p7m"
            self._keep(part, name, _payload(part, name, self.mail.problems))
        kept = [f.name for f in self.mail.attachments[start:]]
        kind = "PGP/MIME" if part.get_content_type() == "multipart/encrypted" else "S/MIME"
        self._report_encrypted(", ".join(kept) or "암호화된 메일", f"{kind} encrypted message; kept as {kept}")

    def _report_encrypted(self, detail: str, what: str) -> None:
        self.mail.problems.append(Problem("email.encrypted", detail,
                                          f"{what}; its content cannot be read without the recipient's key", None))

    @staticmethod
    def _filename(part: Message) -> str | None:
        for param, header in (("filename", "content-disposition"), ("name", "content-type"),
                              ("name", "content-disposition"), ("filename", "content-type")):
            value = part.get_param(param, None, header=header)
            if value is None:
                continue
            if isinstance(value, tuple):  # RFC 2231: (charset, language, text whose characters are the octets)
                charset, _, text = value
                name = decode_bytes(text.encode("latin-1", errors="surrogateescape"), charset or None)
            else:
                name = decode_header_text(value)
            name = name.strip()
            if name:
                return name
        return None


def _payload(part: Message, name: str, problems: list[Problem]) -> bytes:
    """Decoded part bytes. A truncated base64 body keeps every whole quantum; a body marked base64 that is
    plainly not base64 (words with spaces) is kept as it came rather than decoded into noise."""
    if (part.get("Content-Transfer-Encoding") or "").strip().lower() != "base64":
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else b""
    body = part.get_payload(decode=False)
    body = body if isinstance(body, str) else ""
    text = re.sub(r"[^A-Za-z0-9+/=]", "", body)
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        pass
    if re.search(r"[A-Za-z0-9+/=][ \t]+[A-Za-z0-9+/=]", body.strip()) or re.search(r"[^A-Za-z0-9+/=\s]", body):
        problems.append(Problem("email.attachment_damaged", name,
                                f"attachment {name!r}: marked base64 but is not base64; kept as it came", name))
        return body.encode("utf-8", errors="surrogateescape")
    problems.append(Problem("email.attachment_damaged", name,
                            f"attachment {name!r}: damaged base64 body ({len(text)} characters); decoded what was whole", name))
    text = text.rstrip("=")
    return base64.b64decode(text[: len(text) - len(text) % 4])


