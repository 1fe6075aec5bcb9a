"""Header and body decoding with Korean charsets (every Korean label read as CP949; see the package doc)."""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.quoprimime
import re

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


