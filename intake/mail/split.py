"""A large multipart message split at its top-level boundary, so that its parts are parsed one at a time.

The standard library's parser holds about six times a message's size while it parses: a 142 MB mail carrying
four 25 MB scans peaked at 1 GB and broke the 1 GiB bound of the worker that opens bundles. From LAZY_FROM on,
``intake.mail.eml.parse_eml`` parses the header block alone and then each top-level part on its own (a part is
dropped before the next is parsed), so a mail costs about its largest part rather than its whole. Smaller
messages are parsed whole, as before.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator

LAZY_FROM = 32 * 1024**2  # bytes: messages from this size on are split before parsing
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_AFTER_DELIMITER = (b"\r", b"\n", b" ", b"\t", b"-")


def split_message(raw: bytes, policy) -> tuple[bytes, Iterator[bytes]] | None:
    """(the header block, the bytes of each top-level part in order) of a multipart message of LAZY_FROM bytes or
    more, or None when it is to be parsed whole (smaller, not multipart, encrypted, no boundary, no header block)."""
    if len(raw) < LAZY_FROM:
        return None
    end = _HEAD_END.search(raw)
    if end is None:
        return None
    head = raw[:end.end()]
    headers = email.message_from_bytes(head, policy=policy)
    ctype, boundary = headers.get_content_type(), headers.get_boundary()
    if not ctype.startswith("multipart/") or ctype == "multipart/encrypted" or not boundary:
        return None
    return head, _parts(raw, end.end(), b"--" + boundary.encode("latin-1", errors="surrogateescape"))


def _parts(raw: bytes, start: int, delimiter: bytes) -> Iterator[bytes]:
    """The parts between delimiter lines (RFC 2046 §5.1.1): the preamble and epilogue left out, a part without a
    closing delimiter running to the end, as the standard library reads them."""
    view = memoryview(raw)
    at = _next_delimiter(raw, delimiter, start)
    while at is not None:
        after = at + len(delimiter)
        if raw[after:after + 2] == b"--":  # the closing delimiter
            return
        line_end = raw.find(b"\n", after)
        if line_end < 0:
            return
        begin = line_end + 1
        following = _next_delimiter(raw, delimiter, begin)
        stop = len(raw) if following is None else following
        if following is not None:  # the line break before a delimiter belongs to the delimiter
            stop -= 1
            if stop > begin and raw[stop - 1:stop] == b"\r":
                stop -= 1
        yield bytes(view[begin:max(stop, begin)])
        at = following


def _next_delimiter(raw: bytes, delimiter: bytes, start: int) -> int | None:
    """Offset of the next delimiter that begins a line at or after ``start``."""
    at = start
    while True:
        found = raw.find(delimiter, at)
        if found < 0:
            return None
        line_start = found == 0 or raw[found - 1:found] == b"\n"
        after = raw[found + len(delimiter):found + len(delimiter) + 1]
        if line_start and (after in _AFTER_DELIMITER or not after):
            return found
        at = found + 1
