"""Packings beyond a plain e-mail or one USB zip: a forwarded e-mail, an e-mail carrying one zip, a 7z,
and a zip inside the USB zip. Each returns what ``bundle._pack`` returns: the bundle's file name and
every document's path inside the bundle (an archive's members under the archive's own path, as the
development set writes them: ``outer.zip/folder/inner.zip/folder/file``)."""

from __future__ import annotations

import base64
import io
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from samples.draw.fixed_bytes import ZIP_TIME
from samples.draw.mail import OPERATOR_ADDRESS, disposition, email_bytes, encoded_word
from samples.draw.usb import write_zip

FORWARD_PREFIXES = ["FW:", "Fwd:", "전달:"]


def forwarded_email(rng: random.Random, *, original: dict, forwarder: tuple[str, str], date: datetime,
                    as_attachment: bool, style: str) -> bytes:
    """A department forwards the applicant's original e-mail to the certification desk.

    ``original`` holds ``email_bytes``'s keyword arguments for the original message, sent before
    ``date``. As an attachment, the original travels whole as a ``message/rfc822`` part (its own
    Date inside); inline, its header is quoted in the body and its attachments are carried over.
    Either way the receipt time is the outer message's Date.
    """
    prefix = rng.choice(FORWARD_PREFIXES)
    name, address = forwarder
    subject = f"{prefix} {original['subject']}"
    inner_date = original["date"]
    if not as_attachment:
        quoted = (f"\n\n---------- 전달된 메일 ----------\n보낸 사람: {original['sender_name']} <{original['sender_addr']}>\n"
                  f"날짜: {inner_date:%Y년 %m월 %d일 %H:%M}\n제목: {original['subject']}\n\n{original['body']}")
        return email_bytes(rng, sender_name=name, sender_addr=address, subject=subject, date=date,
                           body="신청서류를 전달드립니다." + quoted, files=original["files"], style=style)
    inner = email_bytes(rng, **original)
    boundary = f"----=_Fwd_{rng.getrandbits(64):016x}"
    charset = "euc-kr" if style == "euckr" else "utf-8"
    _, disp = disposition(f"{original['subject']}.eml", style)
    body = "부서에서 접수한 신청서류를 전달합니다. 원본 메일을 첨부합니다."
    text = base64.encodebytes(body.encode(charset, errors="replace")).decode("ascii").strip()
    lines = [f'Content-Type: multipart/mixed; boundary="{boundary}"', "MIME-Version: 1.0",
             f"From: {encoded_word(name, charset)} <{address}>", f"To: {OPERATOR_ADDRESS}",
             f"Subject: {encoded_word(subject, charset)}", f"Date: {format_datetime(date)}",
             f"Message-ID: <{rng.getrandbits(80):020x}@{address.split('@')[1]}>", "",
             f"--{boundary}", f'Content-Type: text/plain; charset="{charset}"', "Content-Transfer-Encoding: base64", "",
             text, "", f"--{boundary}", "Content-Type: message/rfc822", f"Content-Disposition: {disp}", ""]
    tail = ["", f"--{boundary}--", ""]
    return ("\n".join(lines) + "\n").encode("ascii") + inner.rstrip(b"\n") + ("\n".join(tail)).encode("ascii")


def original_sent_at(rng: random.Random, received: datetime) -> datetime:
    """When the applicant sent the original of a forwarded e-mail: hours to two days before it arrived."""
    return received - timedelta(hours=rng.randint(1, 48), minutes=rng.randint(0, 59))


def zip_bytes(members: list[tuple[str, bytes]], names: str) -> bytes:
    buf = io.BytesIO()
    write_zip(buf, members, names)
    return buf.getvalue()


def write_7z(target: Path, members: list[tuple[str, bytes]]) -> None:
    import py7zr
    from py7zr.helpers import ArchiveTimestamp

    stamp = ArchiveTimestamp.from_datetime(datetime(*ZIP_TIME, tzinfo=timezone.utc).timestamp())

    class PinnedSevenZip(py7zr.SevenZipFile):
        """py7zr stamps members written from bytes with the clock; same seed, same bytes needs a fixed time."""

        @staticmethod
        def _make_file_info_from_name(bio, size, arcname):
            info = py7zr.SevenZipFile._make_file_info_from_name(bio, size, arcname)
            info.update(creationtime=stamp, lastwritetime=stamp, lastaccesstime=stamp)
            return info

    with PinnedSevenZip(target, "w") as archive:
        for path, data in members:
            archive.writestr(data, path)


def nested_members(members: list[tuple[str, bytes]], top: str, how: str, names: str) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """The outer archive's members with a zip inside, and each document's path through it.

    ``whole``: the top folder zipped again and only that zip copied into the USB folder (``top/top.zip``);
    ``folder``: the evidence folder (the last numbered folder) zipped beside the other folders.
    """
    if how == "whole":
        inner_name = f"{top}/{top}.zip"
        return [(inner_name, zip_bytes(members, names))], {p: f"{inner_name}/{p}" for p, _ in members}
    folders = sorted({p.split("/")[1] for p, _ in members if p.count("/") >= 2})
    zipped = folders[-1] if folders else None
    if zipped is None:
        return members, {p: p for p, _ in members}
    inside = [(p.split("/", 1)[1], d) for p, d in members if p.split("/")[1] == zipped and p.count("/") >= 2]
    inner_name = f"{top}/{zipped}.zip"
    kept = [(p, d) for p, d in members if not (p.count("/") >= 2 and p.split("/")[1] == zipped)]
    paths = {p: (f"{inner_name}/{p.split('/', 1)[1]}" if p.count("/") >= 2 and p.split("/")[1] == zipped else p)
             for p, _ in members}
    return kept + [(inner_name, zip_bytes(inside, names))], paths
