"""Mutators for bench/fuzz.py: each takes a seeded ``random.Random`` and a seed file's bytes, returns a mutant.

Byte-level (flips, truncation, duplicated and zeroed ranges, splices), package-level for zip containers
(OOXML, HWPX, USB zips: a member corrupted, truncated, removed, duplicated, renamed, inflated; flags for
encryption or an unknown method), XML-level inside members (cut and duplicated element ranges, numbers made
huge), OLE-level (HWP, .msg: a stream's directory name duplicated or wiped), MIME-level for e-mail (parts
duplicated, removed, nested, multiplied; boundaries and encodings broken) and 7z-level (members renamed,
duplicated, a solid run of zeros).
"""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zipfile
from email import message_from_bytes
from email.mime.multipart import MIMEMultipart
from email.policy import compat32

Mutator = "Callable[[random.Random, bytes], bytes]"


# --- bytes -------------------------------------------------------------------------------------------------

def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16, 64))):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(max(1, len(data)))]


def duplicate_range(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data * 2
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice((16, 256, 4096, 65536)))
    return data[:b] + data[a:b] * rng.choice((1, 2, 8)) + data[b:]


def zero_range(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    a = rng.randrange(len(data))
    n = rng.choice((4, 64, 1024, 16384))
    return data[:a] + bytes(min(n, len(data) - a)) + data[a + n:]


def interesting_values(rng: random.Random, data: bytes) -> bytes:
    """Overwrite a 1/2/4-byte field with a boundary value (sizes, counts, offsets)."""
    out = bytearray(data)
    if len(out) < 8:
        return bytes(out)
    at = rng.randrange(len(out) - 4)
    width, value = rng.choice([(1, 0xFF), (1, 0), (2, 0xFFFF), (2, 0x7FFF), (4, 0xFFFFFFFF), (4, 0x7FFFFFFF), (4, 0)])
    out[at:at + width] = value.to_bytes(width, "little")
    return bytes(out)


BYTE_MUTATORS = [flip, truncate, duplicate_range, zero_range, interesting_values]


# --- zip packages (DOCX, XLSX, HWPX, USB zip) --------------------------------------------------------------

def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _pack(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(out, "w", method) as zf:
            for name, content in members:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), content, compress_type=method)
    return out.getvalue()


def _xml_mutation(rng: random.Random, text: bytes) -> bytes:
    choice = rng.randrange(4)
    if choice == 0:  # numbers made huge: spans, sizes, counts, cell references
        numbers = list(re.finditer(rb'"(\d{1,6})"', text))
        if numbers:
            m = rng.choice(numbers)
            big = rng.choice((b"999999999", b"2147483648", b"-1", b"0", b"1e308", b"18446744073709551617"))
            return text[:m.start(1)] + big + text[m.end(1):]
    if choice == 1:  # an element range cut out (unbalanced tags)
        tags = [m.start() for m in re.finditer(rb"<", text)]
        if len(tags) > 2:
            a, b = sorted(rng.sample(tags, 2))
            return text[:a] + text[b:]
    if choice == 2:  # an element range duplicated many times
        tags = [m.start() for m in re.finditer(rb"<", text)]
        if len(tags) > 2:
            a, b = sorted(rng.sample(tags, 2))
            return text[:b] + text[a:b] * rng.choice((2, 10, 200)) + text[b:]
    if choice == 3:  # deep nesting
        at = text.find(b">", text.find(b"<", 1)) + 1
        depth = rng.choice((100, 2000, 20000))
        return text[:at] + b"<x>" * depth + b"</x>" * depth + text[at:]
    return flip(rng, text)


def package_member(rng: random.Random, data: bytes) -> bytes:
    """One member of a zip package corrupted, removed, duplicated, renamed or inflated; the zip itself valid."""
    members = [(i.filename, content) for i, content in _members(data)]
    if not members:
        return flip(rng, data)
    k = rng.randrange(len(members))
    name, content = members[k]
    action = rng.randrange(7)
    if action == 0:
        members[k] = (name, _xml_mutation(rng, content) if name.endswith((".xml", ".rels", ".hpf")) else flip(rng, content))
    elif action == 1:
        members[k] = (name, truncate(rng, content))
    elif action == 2:
        del members[k]
    elif action == 3:
        members.insert(rng.randrange(len(members) + 1), (name, rng.choice((content, flip(rng, content)))))
    elif action == 4:
        members[k] = (rng.choice(("../" + name, name.upper(), name + "\r\n", "/" + name, name.replace("/", "\\"),
                                  "가" * 120 + ".xml", name + "/x")), content)
    elif action == 5:
        members[k] = (name, content + b" " * rng.choice((1 << 20, 8 << 20)))  # compresses far beyond its size
    else:
        members[k] = (name, _xml_mutation(rng, content))
    return _pack(members, rng.choice((zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)))


def zip_flags(rng: random.Random, data: bytes) -> bytes:
    """A member marked encrypted, or with an unknown compression method, in its local and central headers."""
    out = bytearray(data)
    headers = [m.start() for m in re.finditer(rb"PK\x03\x04|PK\x01\x02", data)]
    if not headers:
        return flip(rng, data)
    for at in rng.sample(headers, min(len(headers), rng.choice((1, 2)))):
        flag_at, method_at = (at + 6, at + 8) if data[at + 2:at + 4] == b"\x03\x04" else (at + 8, at + 10)
        if rng.random() < 0.5:
            out[flag_at] |= 1  # encrypted
        else:
            out[method_at:method_at + 2] = struct.pack("<H", rng.choice((1, 6, 12, 14, 95, 99, 0xFFFF)))
    return bytes(out)


def nested_zip(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.choice((1, 3, 6))):
        data = _pack([(rng.choice(("inner.zip", "a/b.zip", "같은이름.zip")), data)])
    return data


ZIP_MUTATORS = [package_member, package_member, package_member, zip_flags, nested_zip]


# --- OLE compound files (HWP 5, Outlook .msg) --------------------------------------------------------------

def ole_stream(rng: random.Random, data: bytes) -> bytes:
    """A directory entry's name made a twin of another's (a duplicated stream) or wiped (a removed stream)."""
    names = [m for m in re.finditer(rb"((?:[\x20-\x7e]\x00){3,31})\x00\x00", data)]
    if not names:
        return flip(rng, data)
    out = bytearray(data)
    target = rng.choice(names)
    width = target.end(1) - target.start(1)
    if rng.random() < 0.5:
        twins = [m for m in names if m.end(1) - m.start(1) == width and m.group(1) != target.group(1)]
        new = rng.choice(twins).group(1) if twins else bytes(width)
    else:
        new = "Z".encode("utf-16-le") * (width // 2)
    out[target.start(1):target.end(1)] = new
    return bytes(out)


def ole_sector(rng: random.Random, data: bytes) -> bytes:
    """A whole 512-byte sector zeroed, duplicated over another, or filled with 0xFF (FAT chains, streams)."""
    sectors = len(data) // 512
    if sectors < 3:
        return flip(rng, data)
    out = bytearray(data)
    a, b = rng.randrange(1, sectors), rng.randrange(1, sectors)
    fill = rng.choice((bytes(512), b"\xff" * 512, bytes(out[b * 512:(b + 1) * 512])))
    out[a * 512:(a + 1) * 512] = fill
    return bytes(out)


OLE_MUTATORS = [ole_stream, ole_sector, ole_sector]


# --- e-mail (MIME structure) -------------------------------------------------------------------------------

def _leaves(msg) -> list:
    return [p for p in msg.walk() if not p.is_multipart()]


def mime_structure(rng: random.Random, data: bytes) -> bytes:
    msg = message_from_bytes(data, policy=compat32)
    action = rng.randrange(8)
    containers = [p for p in msg.walk() if p.is_multipart()]
    leaves = _leaves(msg)
    if action == 0 and containers:  # a part duplicated
        c = rng.choice(containers)
        parts = c.get_payload()
        if parts:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(parts))
    elif action == 1 and containers:  # a part removed
        c = rng.choice(containers)
        parts = c.get_payload()
        if parts:
            parts.pop(rng.randrange(len(parts)))
    elif action == 2:  # the whole message nested in many multiparts
        for _ in range(rng.choice((5, 50, 300))):
            outer = MIMEMultipart("mixed")
            outer.attach(msg)
            msg = outer
    elif action == 3 and containers:  # thousands of tiny parts
        c = rng.choice(containers)
        leaf = rng.choice(leaves) if leaves else None
        if leaf is not None:  # at most ~64 MB of mail: the harness must not be the bomb
            copies = min(rng.choice((500, 3000, 20000)), 64 * 1024**2 // max(1, len(leaf.as_bytes())))
            c.get_payload().extend([leaf] * copies)
    elif action == 4 and leaves:  # a broken transfer encoding or charset
        leaf = rng.choice(leaves)
        for header, value in (("Content-Transfer-Encoding", rng.choice(("base64", "quoted-printable", "x-uue", "7bit"))),
                              ("Content-Type", rng.choice(("text/plain; charset=x-unknown", "application/pdf; name*=x''%FF%FE",
                                                           "message/rfc822", "multipart/mixed", "text/html; charset=utf-7")))):
            if rng.random() < 0.6:
                del leaf[header]
                leaf[header] = value
    elif action == 5 and containers:  # the boundary changed in the header only
        c = rng.choice(containers)
        c.set_param("boundary", rng.choice(("", "x" * 200, "=_other")))
        return c.as_bytes() if c is msg else _as_bytes(msg)
    elif action == 6 and leaves:  # a huge header
        leaf = rng.choice(leaves)
        leaf["X-Long"] = "a" * rng.choice((10_000, 200_000))
        leaf.set_param("filename", "가" * rng.choice((10, 150, 400)) + ".pdf", header="Content-Disposition")
    else:
        return flip(rng, data)
    return _as_bytes(msg)


def _as_bytes(msg) -> bytes:
    try:
        return msg.as_bytes()
    except Exception:  # a mutated tree the serializer refuses: its string form, re-encoded
        return msg.as_string().encode("utf-8", errors="surrogateescape")


MAIL_MUTATORS = [mime_structure, mime_structure, mime_structure]


# --- 7z ----------------------------------------------------------------------------------------------------

def sevenzip_members(rng: random.Random, data: bytes) -> bytes:
    """A 7z rebuilt with members renamed, duplicated, removed, or a solid run of zeros added."""
    import tempfile

    import py7zr

    with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
        factory = py7zr.io.BytesIOFactory(64 * 1024**2)
        archive.extractall(factory=factory)
        members = [(name, buf.read()) for name, buf in factory.products.items()]
    if not members:
        members = [("a.txt", b"x")]
    k = rng.randrange(len(members))
    action = rng.randrange(4)
    if action == 0:
        members[k] = (rng.choice(("../x.pdf", "/abs.pdf", "가" * 100 + ".pdf", members[k][0] + "\n")), members[k][1])
    elif action == 1:
        members.append(members[k])
    elif action == 2 and len(members) > 1:
        del members[k]
    else:
        members.append(("zeros.bin", bytes(rng.choice((2, 40)) * 1024**2)))
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/m.7z"
        with py7zr.SevenZipFile(path, "w") as archive:
            for name, content in members:
                archive.writestr(content, name)
        with open(path, "rb") as handle:
            return handle.read()


SEVENZIP_MUTATORS = [sevenzip_members]


# --- images ------------------------------------------------------------------------------------------------

def image_header(rng: random.Random, data: bytes) -> bytes:
    """Declared dimensions made huge or zero (PNG IHDR, JPEG SOF, TIFF tags) — a decompression bomb's shape."""
    out = bytearray(data)
    if data.startswith(b"\x89PNG") and len(out) > 24:
        out[16:24] = struct.pack(">II", rng.choice((0, 1, 65535, 100_000)), rng.choice((0, 1, 65535, 100_000)))
        return bytes(out)
    sof = data.find(b"\xff\xc0")
    if sof > 0 and len(out) > sof + 9:
        out[sof + 5:sof + 9] = struct.pack(">HH", rng.choice((0, 65535)), rng.choice((0, 65535)))
        return bytes(out)
    return interesting_values(rng, data)


IMAGE_MUTATORS = [image_header]
