"""Take e-mails apart: sender, date, attachments with their Korean names, links to large files.

``parse_eml`` reads RFC 822 / MIME messages with the standard library; ``parse_msg`` (Outlook .msg, in
``intake/msg.py``) goes through extract-msg. Both give a ``ParsedMail`` and share the helpers here: header
and file-name decoding with Korean charsets, HTML to text, and the search for 대용량 첨부 links.

Charsets: Python resolves ``ks_c_5601-1987`` (and ``ks_c_5601``, ``korean``) to its ``euc_kr`` codec, which
fails on the 8,822 Hangul syllables only CP949 (UHC) has, such as 똠 or 믜; Outlook and Exchange label CP949
text with that name. So every Korean label is decoded as ``cp949`` (a superset of EUC-KR), and headers and
parameters are decoded here rather than by ``email``'s own decoding, which would use ``euc_kr`` (and, for
raw 8-bit names, replace every Korean byte with U+FFFD). Nothing global (codec aliases, ``email.charset``)
is changed.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.quoprimime
import quopri
import re
import unicodedata
from email.message import Message
from email.policy import Compat32
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from intake.model import ParsedMail, Problem, ReceivedFile

MAX_DEPTH = 40  # nested multiparts / forwarded messages deeper than this are not followed (a bomb, not a mail)

# --------------------------------------------------------------------------------------------- charsets

_KOREAN_LABELS = {
    "ks-c-5601-1987", "ks-c-5601-1989", "ks-c-5601", "ksc5601", "ksc-5601", "ks-x-1001", "korean", "euc-kr",
    "euckr", "cseuckr", "csksc56011987", "iso-ir-149", "cp949", "ms949", "uhc", "x-uhc", "windows-949",
    "x-windows-949",
}


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when unknown. Every Korean label → cp949."""
    if not charset:
        return None
    label = str(charset).strip().strip('"').lower().replace("_", "-")
    if label in _KOREAN_LABELS:
        return "cp949"
    if label in {"unknown-8bit", "x-unknown", "unknown", "8bit", "default"}:
        return None
    # iso-8859-8-i is iso-8859-8; x-mac-cyrillic is mac-cyrillic
    for candidate in (label, re.sub(r"-[ie]$", "", label), re.sub(r"^x-", "", label)):
        try:
            info = codecs.lookup(candidate)
        except LookupError:
            continue
        # never a bytes-to-bytes codec such as zlib or base64 named as a charset
        return info.name if getattr(info, "_is_text_encoding", True) else None
    return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of ``data`` in ``charset``; undeclared, unknown or wrong charsets: UTF-8, then CP949, then Latin-1."""
    codec = codec_for(charset)
    if codec == "ascii":  # 8-bit bytes under a us-ascii label are common: guess them like undeclared ones
        codec = None
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
        if codec.startswith("iso2022_jp"):  # vendor characters (NEC row 13 and the like) in "iso-2022-jp"
            for variant in ("iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext", "iso2022_jp_2"):
                try:
                    return data.decode(variant)
                except UnicodeDecodeError:
                    continue
            return data.decode(codec, errors="replace")
    for fallback in ("utf-8", "cp949"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    if codec:
        return data.decode(codec, errors="replace")
    return data.decode("latin-1")


def _has_surrogates(text: str) -> bool:
    return any(0xDC80 <= ord(c) <= 0xDCFF for c in text)


def _plain(text: str) -> str:
    """Unencoded header text: raw 8-bit bytes (read with surrogateescape) are decoded; real text is kept."""
    if not _has_surrogates(text):
        return text
    return decode_bytes(text.encode("utf-8", errors="surrogateescape"))


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")


def decode_header_text(value: str | None) -> str:
    """An unstructured header (or parameter) value: RFC 2047 encoded words in any charset, raw 8-bit text."""
    if value is None:
        return ""
    value = re.sub(r"\r?\n(?=[ \t])", "", str(value))  # unfold
    pieces: list[tuple[bytes | str, str | None, bool]] = []  # (bytes or text, charset, encoded)
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos:match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][2]):  # space between two words vanishes
            pieces.append((between, None, False))
        charset, kind, text = match.group(1).split("*", 1)[0], match.group(2).upper(), match.group(3)
        try:
            if kind == "B":
                text = re.sub(r"[^A-Za-z0-9+/]", "", text)
                data = base64.b64decode(text[: len(text) - len(text) % 4] + _b64_tail(text))
            else:
                data = email.quoprimime.header_decode(text).encode("latin-1", errors="surrogateescape")
        except (binascii.Error, ValueError):
            pieces.append((match.group(0), None, False))
        else:
            if pieces and pieces[-1][2] and pieces[-1][1] == charset.lower():  # one character split over two words
                pieces[-1] = (pieces[-1][0] + data, pieces[-1][1], True)
            else:
                pieces.append((data, charset.lower(), True))
        pos = match.end()
    if value[pos:]:
        pieces.append((value[pos:], None, False))
    return "".join(decode_bytes(data, charset) if isinstance(data, bytes) else _plain(data) for data, charset, _ in pieces)


def _b64_tail(text: str) -> str:
    """A final partial base64 quantum of 2 or 3 characters, padded; a lone character is dropped."""
    rest = len(text) % 4
    return text[len(text) - rest:] + "=" * (4 - rest) if rest >= 2 else ""


# ------------------------------------------------------------------------------------------- file names

def clean_name(name: str) -> str:
    """A received file name as it may be kept: NFC, no path, no control characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    return "" if name in {".", ".."} else name


class _Names:
    """Names for the files of one mail: unnamed parts become noname1, noname2…; duplicates get (2), (3)…"""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.unnamed = 0

    def take(self, name: str | None) -> str:
        name = clean_name(name or "")
        if not name:
            self.unnamed += 1
            name = f"noname{self.unnamed}"
        if name in self.used:  # two attachments with one name: keep both
            stem, dot, ext = name.rpartition(".")
            if not dot or not stem:
                stem, ext = name, ""
            n = 2
            while (candidate := f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})") in self.used:
                n += 1
            name = candidate
        self.used.add(name)
        return name


# ----------------------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "pre", "hr", "dd", "dt", "dl", "section", "article", "header", "footer", "title", "center", "address"}
_SKIP_TAGS = {"script", "style", "head", "template", "noscript"}


class _HtmlText(HTMLParser):
    """Text of an HTML body; ``linked`` is the same text with each link's address after its words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.linked: list[str] = []
        self.skip = 0
        self.hrefs: list[str | None] = []

    def _both(self, s: str) -> None:
        self.text.append(s)
        self.linked.append(s)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self._both("\n")
        elif tag in {"td", "th"}:
            self._both("\t")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._both("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS and tag != "br":
            self._both("\n")
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href and href.strip().lower().startswith(("http://", "https://")):
                self.linked.append(f" <{href.strip()}> ")

    def handle_data(self, data):
        if not self.skip:
            self._both(data)


def _tidy(text: str) -> str:
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(text, text with link addresses) of an HTML document, with the standard library's parser."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is only a guard against the unforeseen
        return _tidy(re.sub(r"<[^>]*>", " ", html)), html
    return _tidy("".join(parser.text)), _tidy("".join(parser.linked))


# ------------------------------------------------------------------------------ 대용량 첨부 (large files)

# Hosts where web mail services leave "large attachments" (대용량 첨부) or where a sender shares a file instead
# of attaching it: (host, path prefix). A host matches itself and its sub-domains. Services not listed are
# still caught by the generic rule below (a web address near 대용량/첨부/다운로드/bigfile/largefile).
LARGE_FILE_HOSTS: list[tuple[str, str]] = [
    ("bigfile.mail.naver.com", ""),     # Naver mail 대용량 첨부 (download?fid=…)
    ("mybox.naver.com", ""),            # Naver MYBOX, where Naver's large attachments can be saved
    ("attach.mail.daum.net", "/bigfile"),  # Daum / Kakao mail 대용량 첨부
    ("drive.google.com", ""),           # Gmail puts attachments over 25 MB on Google Drive
    ("docs.google.com", ""),
    ("1drv.ms", ""),                    # Outlook.com / Microsoft 365: OneDrive and SharePoint links
    ("onedrive.live.com", ""),
    ("sharepoint.com", ""),
    ("icloud.com", "/attachment"),      # Apple Mail Drop
    ("wetransfer.com", ""),             # file transfer services
    ("we.tl", ""),
    ("dropbox.com", ""),
]
_STRONG_WORDS = ("대용량", "bigfile", "big file", "largefile", "large file", "large attachment", "다운로드 기간",
                 "다운로드기간", "다운로드 만료")
_WEAK_WORDS = ("첨부", "다운로드", "내려받", "download")
_NOT_FILES = ("play.google.com", "apps.apple.com", "itunes.apple.com")
_URL = re.compile(r"https?://[^\s<>\"'`\u3000-\u303f\u3130-\u318f\uac00-\ud7a3]+", re.IGNORECASE)


def _host_listed(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    for listed, prefix in LARGE_FILE_HOSTS:
        if (host == listed or host.endswith("." + listed)) and parts.path.lower().startswith(prefix):
            return True
    return False


def find_large_file_links(text: str) -> list[str]:
    """Web addresses in ``text`` that point at files left on a web mail or file service, in order, once each."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]}>'\"")
        if "(" in url and match.group(0)[len(url):].startswith(")"):
            url += ")"
        low = url.lower()
        host = (urlsplit(low).hostname or "") if "://" in low else ""
        if any(host == h or host.endswith("." + h) for h in _NOT_FILES) or re.search(r"\.(png|jpe?g|gif|css|js|ico)$", low):
            continue
        if _host_listed(url) or "bigfile" in low or "largefile" in low or "bigmail" in low:
            hit = True
        else:  # generic rule: the words around the address, within its paragraph
            before = text[max(0, match.start() - 160):match.start()].rsplit("\n\n", 1)[-1]
            after = text[match.end():match.end() + 60].split("\n\n", 1)[0]
            near = (before[-50:] + " " + after[:30]).lower()
            hit = any(w in (before + " " + after).lower() for w in _STRONG_WORDS) or any(w in near for w in _WEAK_WORDS)
        if hit and url not in found:
            found.append(url)
    return found


def add_links(mail: ParsedMail, texts: list[str]) -> None:
    """Collect 대용량 첨부 links from body texts into ``mail.links``, one problem for the clerk per link."""
    for text in texts:
        for url in find_large_file_links(text):
            if url in mail.links:
                continue
            mail.links.append(url)
            mail.problems.append(Problem(
                "email.large_attachment_link", url,
                f"body links to a file left on a web mail or file service (대용량 첨부), not attached: {url}; "
                f"fetch it by hand", None))


# ------------------------------------------------------------------------------------------------ .eml

class _RawHeaders(Compat32):
    """compat32, but header values come back as read (a raw 8-bit value would otherwise become U+FFFD)."""

    def header_fetch_parse(self, name, value):
        return value


_POLICY = _RawHeaders()


def parse_eml(raw: bytes) -> ParsedMail:
    msg = email.message_from_bytes(raw, policy=_POLICY)
    mail = ParsedMail(sender=_header(msg, "From"), subject=_header(msg, "Subject"), date=None,
                      message_id=_header(msg, "Message-ID"), body_text="")
    date = msg.get("Date")
    if date:
        try:
            mail.date = parsedate_to_datetime(decode_header_text(date).strip())
        except (TypeError, ValueError, IndexError):
            mail.problems.append(Problem("email.date_unreadable", str(date), f"unparseable Date header: {date!r}"))
    walk = _Walk(mail)
    walk.part(msg, depth=0, forwarded=False)
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

    def part(self, part: Message, depth: int, forwarded: bool) -> None:
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


# ------------------------------------------------------------------------------------------------ .msg

def parse_msg(raw: bytes) -> ParsedMail:
    """An Outlook .msg file taken apart (see ``intake/msg.py``); a file that cannot be read raises ValueError."""
    from intake.msg import parse_msg as _parse_msg

    return _parse_msg(raw)
