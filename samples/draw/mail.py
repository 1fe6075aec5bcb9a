"""An e-mail carrying the bundle, written byte by byte so a seed gives the same message: fixed boundary
and Message-ID, attachment names as mail programs write Korean names — RFC 2231 in UTF-8 or EUC-KR,
RFC 2231 continuations, or Outlook's RFC 2047 words inside quotes."""

from __future__ import annotations

import base64
import random
import re
from datetime import datetime
from email.utils import format_datetime
from pathlib import PurePath
from urllib.parse import quote

OPERATOR_ADDRESS = "smartcity-cert@intake.example"
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf",
         "hwp": "application/x-hwp", "hwpx": "application/hwp+zip", "zip": "application/zip",
         "7z": "application/x-7z-compressed"}


def _b64_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def encoded_word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def _rfc2231(name: str, charset: str) -> str:
    return f"{charset.upper()}''" + quote(name.encode(charset), safe="")


def disposition(name: str, style: str) -> tuple[str, str]:
    """(Content-Type parameter, Content-Disposition) for an attachment named ``name``."""
    if style == "euckr":
        try:
            return "", f"attachment;\n filename*={_rfc2231(name, 'euc-kr')}"
        except UnicodeEncodeError:  # a syllable outside KS X 1001: the sender's client falls back to UTF-8
            style = "utf8"
    if style == "outlook":
        word = encoded_word(name)
        return f';\n name="{word}"', f'attachment;\n filename="{word}"'
    if style == "split":
        tokens = re.findall(r"%[0-9A-F]{2}|.", quote(name.encode("utf-8"), safe=""))  # never split a %XX
        chunks = [""]
        for token in tokens:
            if len(chunks[-1]) + len(token) > 45:
                chunks.append("")
            chunks[-1] += token
        parts = [f"filename*{i}*=" + ("UTF-8''" if i == 0 else "") + chunk for i, chunk in enumerate(chunks)]
        return "", "attachment;\n " + ";\n ".join(parts)
    return "", f"attachment;\n filename*={_rfc2231(name, 'utf-8')}"


def email_bytes(rng: random.Random, *, sender_name: str, sender_addr: str, subject: str, date: datetime, body: str,
                files: list[tuple[str, bytes]], style: str) -> bytes:
    boundary = f"----=_Part_{rng.getrandbits(64):016x}"
    domain = sender_addr.split("@")[1]
    charset = "euc-kr" if style == "euckr" else "utf-8"
    head = [f'Content-Type: multipart/mixed; boundary="{boundary}"', "MIME-Version: 1.0",
            f"From: {encoded_word(sender_name, charset)} <{sender_addr}>", f"To: {OPERATOR_ADDRESS}",
            f"Subject: {encoded_word(subject, charset)}", f"Date: {format_datetime(date)}",
            f"Message-ID: <{rng.getrandbits(80):020x}@{domain}>", ""]
    parts = [f"--{boundary}", f'Content-Type: text/plain; charset="{charset}"', "Content-Transfer-Encoding: base64", "",
             _b64_lines(body.encode(charset, errors="replace")), ""]
    for name, data in files:
        media = MEDIA.get(PurePath(name).suffix.lstrip(".").lower(), "application/octet-stream")
        type_param, disp = disposition(name, style)
        parts += [f"--{boundary}", f"Content-Type: {media}{type_param}", "Content-Transfer-Encoding: base64",
                  f"Content-Disposition: {disp}", "", _b64_lines(data), ""]
    parts.append(f"--{boundary}--")
    return ("\n".join(head + parts) + "\n").encode("ascii")
