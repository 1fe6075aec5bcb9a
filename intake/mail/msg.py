"""Outlook .msg files taken apart through extract-msg: sender, subject, date, body, attachments, links."""

from __future__ import annotations

import re
from datetime import datetime

from intake.mail.charsets import decode_bytes
from intake.mail.eml import MAX_DEPTH, MAX_PARTS, parse_eml
from intake.mail.html import html_to_text
from intake.mail.links import add_links
from intake.mail.names import _Names
from intake.model import ParsedMail, Problem, ReceivedFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PGP_MARK = b"-----BEGIN PGP MESSAGE-----"
_ENCRYPTED_TYPES = {"application/pgp-encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime"}


def parse_msg(raw: bytes) -> ParsedMail:
    """Take an Outlook .msg apart. A file that is not a readable .msg raises ValueError (the caller makes it a
    finding); a damaged attachment inside a readable one becomes a problem instead."""
    # olefile takes a short byte string for a *file name*: refuse anything that is not an OLE file first.
    if len(raw) < 1536 or not raw.startswith(OLE_MAGIC):
        raise ValueError("not an Outlook .msg file (no OLE compound-file header)")
    try:
        import extract_msg
        from extract_msg.enums import ErrorBehavior
        from extract_msg.exceptions import UnrecognizedMSGTypeError, UnsupportedMSGTypeError
    except ImportError as exc:  # pragma: no cover - a missing dependency, not a bad file
        raise RuntimeError("extract-msg is needed to read Outlook .msg files (pip install 'extract-msg>=0.57,<0.58')") from exc
    tolerant = ErrorBehavior.ATTACH_NOT_IMPLEMENTED | ErrorBehavior.ATTACH_BROKEN | ErrorBehavior.CUSTOM_ATTACH_TOLERANT \
        | ErrorBehavior.RTFDE_MALFORMED | ErrorBehavior.RTFDE_UNKNOWN_ERROR | ErrorBehavior.STANDARDS_VIOLATION \
        | ErrorBehavior.OLE_DEFECT_INCORRECT | ErrorBehavior.NAMED_NAME_STREAM
    msg = None
    try:
        try:
            msg = extract_msg.openMsg(raw, errorBehavior=tolerant)
        except (UnrecognizedMSGTypeError, UnsupportedMSGTypeError):  # a message class of its own: read it as a note
            msg = extract_msg.Message(raw, errorBehavior=tolerant)
        if _class(msg).endswith(".smime") and type(msg).__name__ == "MessageSigned":
            # IPM.Note.SMIME is an encrypted (or opaque-signed) message: read its raw attachments instead.
            msg.close()
            msg = extract_msg.Message(raw, errorBehavior=tolerant)
        mail = ParsedMail(sender=_text(lambda: msg.sender), subject=_text(lambda: msg.subject), date=_date(msg),
                          message_id=_text(lambda: msg.messageId), body_text="")
        texts: list[str] = []
        mail.body_text = _body(msg, texts)
        collect = _Collect(mail)
        collect.message(msg, texts, depth=0)
        if collect.left:  # one problem for all that were left, not one per attachment
            mail.problems.append(Problem("email.parts_limit", f"{MAX_PARTS}개 초과, {collect.left}개 미처리",
                                         f".msg has more than {MAX_PARTS} attachments; {collect.left} left unread"))
        add_links(mail, texts)
        return mail
    except Exception as exc:  # extract-msg and olefile raise many kinds on a damaged file
        raise ValueError(f"unreadable Outlook .msg file: {type(exc).__name__}: {exc}") from exc
    finally:
        if msg is not None:
            try:
                msg.close()
            except Exception:
                pass


def _class(msg) -> str:
    try:
        return (msg.classType or "").lower()
    except Exception:
        return ""


def _text(get) -> str | None:
    try:
        value = get()
    except Exception:
        return None
    return str(value).strip() or None if value is not None else None


def _date(msg) -> datetime | None:
    """When the message was sent (Date header or PR_CLIENT_SUBMIT_TIME), else delivered; never the file's
    creation time, which is when someone saved the .msg, not when it arrived."""
    for name in ("date", "clientSubmitTime", "receivedTime"):
        try:
            value = getattr(msg, name, None)
        except Exception:
            continue
        if isinstance(value, datetime):
            return value
    return None


def _body(msg, texts: list[str]) -> str:
    """Plain body, or the text of the HTML body; every body text found is added to ``texts`` for link search.
    An HTML body made from the RTF body (slow: seconds per message) is only made when there is no other."""
    plain = ""
    try:
        plain = (msg.body or "").replace("\r\n", "\n")
    except Exception:
        pass
    raw_html = None
    try:
        raw_html = msg.getStream("__substg1.0_10130102")  # PR_HTML as stored
        if not raw_html and not plain.strip():
            raw_html = msg.htmlBody  # de-encapsulated from the RTF body
    except Exception:  # a damaged RTF body
        pass
    html = ""
    if raw_html:
        if isinstance(raw_html, bytes):
            meta = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", raw_html[:4096])
            html_text = decode_bytes(raw_html, meta.group(1).decode("ascii") if meta else None)
        else:
            html_text = str(raw_html)
        html, linked = html_to_text(html_text)
        texts.append(linked)
    if plain.strip():
        texts.insert(0, plain)
        return plain.strip("\n")
    return html


def _declared_size(msg, att) -> int | None:
    """The size the OLE directory gives the attachment's data stream (PR_ATTACH_DATA_BIN)."""
    try:
        return int(msg._getOleEntry([att.dir, "__substg1.0_37010102"]).size)
    except Exception:
        return None


class _Collect:
    def __init__(self, mail: ParsedMail) -> None:
        self.mail = mail
        self.names = _Names()
        self.left = 0  # attachments past MAX_PARTS, not read

    def message(self, msg, texts: list[str], depth: int) -> None:
        from extract_msg.enums import AttachmentType

        try:
            attachments = list(msg.attachments)
        except Exception as exc:
            self.mail.problems.append(Problem("email.attachment_damaged", "첨부파일 목록",
                                              f"attachments of the .msg could not be read: {type(exc).__name__}: {exc}"))
            return
        encrypted: list[str] = []
        for index, att in enumerate(attachments):
            if len(self.mail.attachments) >= MAX_PARTS:
                self.left += len(attachments) - index
                break
            kind = getattr(att, "type", None)
            name = self._name(att)
            if kind == AttachmentType.WEB:  # an Outlook "cloud attachment": a link, not a file
                url = _text(lambda: att.url)
                if url:
                    texts.append(f"대용량 첨부 {url}")
                continue
            try:
                data = att.data
            except Exception as exc:
                data, error = None, f"{type(exc).__name__}: {exc}"
            else:
                error = None
            if kind in (AttachmentType.MSG, AttachmentType.SIGNED_EMBEDDED) or (data is not None and not isinstance(data, (bytes, bytearray))):
                if depth >= MAX_DEPTH:
                    continue
                inner = data
                if inner is not None and hasattr(inner, "attachments"):  # an attached message: take its files too
                    _body(inner, texts)
                    self.message(inner, texts, depth + 1)
                    continue
            if not isinstance(data, (bytes, bytearray)):
                self.mail.problems.append(Problem("email.attachment_damaged", name or "첨부파일",
                                                  f".msg attachment {name!r} could not be read ({error or kind})", name))
                continue
            mimetype = (_text(lambda: att.mimetype) or "").lower()
            if mimetype == "message/rfc822" and depth < MAX_DEPTH:  # a mail inside a signed message
                self._eml(bytes(data), texts)
                continue
            kept = self.names.take(name)
            self.mail.attachments.append(ReceivedFile(kept, bytes(data)))
            declared = _declared_size(msg, att)
            if declared is not None and declared > len(data):  # a broken sector chain: olefile returns what it reached
                self.mail.problems.append(Problem(
                    "email.attachment_damaged", kept,
                    f".msg attachment {kept!r}: only {len(data)} of {declared} bytes could be read", kept))
            if mimetype in _ENCRYPTED_TYPES or bytes(data[:200]).lstrip().startswith(_PGP_MARK) \
                    or kept.lower().endswith(".p7m") or kept.lower().endswith(".pgp-encrypted"):
                encrypted.append(kept)
        if encrypted or _class(msg).endswith(".smime") and any(f.name.lower().endswith(".p7m") for f in self.mail.attachments):
            self.mail.problems.append(Problem(
                "email.encrypted", ", ".join(encrypted) or "암호화된 메일",
                f"encrypted message (PGP or S/MIME); kept as {encrypted}; its content cannot be read without "
                f"the recipient's key", None))

    def _eml(self, data: bytes, texts: list[str]) -> None:
        inner = parse_eml(data)
        texts.append(inner.body_text)
        for url in inner.links:
            texts.append(f"대용량 첨부 {url}")
        for f in inner.attachments:
            self.mail.attachments.append(ReceivedFile(self.names.take(f.name), f.data))
        self.mail.problems.extend(p for p in inner.problems if p.rule != "email.large_attachment_link")

    @staticmethod
    def _name(att) -> str | None:
        for prop in ("longFilename", "shortFilename", "displayName", "name"):
            value = _text(lambda: getattr(att, prop, None))
            if value:
                return value
        return None
