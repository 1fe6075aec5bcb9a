"""Poll an IMAP mailbox: take every message exactly once, even across crashes and mailbox rebuilds.

What has been taken is remembered per message by a ``TakenLedger`` (the review store's table
``imap_taken``, handed in by the flow): the mailbox (host/user/folder), its UIDVALIDITY, the message's UID and the SHA-256 of its
raw bytes. For each new message, in ascending UID order:

1. fetch its RFC822 bytes with ``BODY.PEEK[]`` on a read-only (EXAMINE) folder: nothing is marked
   \\Seen, nothing is deleted, the clerks' mail client sees the mailbox as it was;
2. parse it with :func:`intake.mail.parse_eml` and hand it to ``store(mail, raw, uid)``;
3. only then record it as taken, in one transaction for that message.

A crash between 2 and 3 means the message is fetched and stored again on the next poll, so the store
must be idempotent (the real one is content-addressed by SHA-256). If the store fails, the poll stops
at that message and raises: later messages wait, so nothing is skipped. The UIDs above the highest
recorded one are the ones still to take (IMAP gives new messages ever higher UIDs). When UIDVALIDITY
changes the mailbox was rebuilt and every UID is new: everything is read again, and a message whose
raw SHA-256 was already taken from this mailbox is recorded without calling the store.
"""

from __future__ import annotations

import hashlib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote, urlsplit

from imap_tools import MailBox, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox

from intake.mail import parse_eml
from intake.model import ParsedMail

log = logging.getLogger(__name__)

Store = Callable[[ParsedMail, bytes, int], None]
TIMEOUT_S = 60.0


class TakenLedger(Protocol):
    """What the poller remembers per mailbox; the review store keeps it (``review_queue.imap_ledger``)."""

    def last_uidvalidity(self, mailbox: str) -> int | None: ...

    def highest_uid(self, mailbox: str, uidvalidity: int) -> int: ...

    def taken_before(self, mailbox: str, sha256: str) -> tuple[int, int] | None:
        """(uidvalidity, uid) of the first message with these bytes taken from this mailbox."""

    def record(self, mailbox: str, uidvalidity: int, uid: int, sha256: str, stored: bool,
               message_id: str | None) -> bool:
        """Record one message as taken, in its own transaction; False if it was already recorded."""


@dataclass
class PollResult:
    mailbox: str  # host/user/folder, the key of the state
    uidvalidity: int
    rebuilt: bool = False  # UIDVALIDITY differs from the one last recorded
    taken: list[int] = field(default_factory=list)  # UIDs handed to the store and recorded
    duplicates: list[int] = field(default_factory=list)  # UIDs recorded without the store: same SHA-256 taken before
    pending: list[int] = field(default_factory=list)  # UIDs left for the next poll (limit, or no store given)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str

    @property
    def key(self) -> str:
        return f"{self.host}/{self.user}/{self.folder}"


def _target(url: str, folder: str | None) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError(f"not an imap:// or imaps:// URL: {parts.scheme}://…")
    if not parts.hostname or parts.username is None:
        raise ValueError("the IMAP URL needs a user and a host: imap://user:password@host:port/FOLDER")
    path_folder = unquote(parts.path.lstrip("/"))
    return _Target(parts.scheme, parts.hostname.lower(), parts.port or (993 if parts.scheme == "imaps" else 143),
                   unquote(parts.username), unquote(parts.password or ""), folder or path_folder or "INBOX")


def _connect(t: _Target) -> BaseMailBox:
    if t.scheme == "imaps":
        box = MailBox(t.host, t.port, timeout=TIMEOUT_S, ssl_context=ssl.create_default_context())
    else:
        box = MailBoxUnencrypted(t.host, t.port, timeout=TIMEOUT_S)
    try:
        box.login(t.user, t.password, initial_folder=None)
        box.folder.set(t.folder, readonly=True)  # EXAMINE: flags (\Seen, \Recent) stay as they are
    except Exception:
        try:
            box.client.shutdown()
        except OSError:
            pass
        raise
    return box


def _uidvalidity(box: BaseMailBox, folder: str) -> int:
    _, data = box.client.response("UIDVALIDITY")  # the response code of the EXAMINE just done
    if data and data[0]:
        return int(data[0])
    return int(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])


def _uids_after(box: BaseMailBox, last: int) -> list[int]:
    typ, data = box.client.uid("SEARCH", "UID", f"{last + 1}:*")
    if typ != "OK":
        raise RuntimeError(f"IMAP UID SEARCH failed: {data!r}")
    # "n:*" includes the highest UID even when it is below n, so filter
    return sorted(u for u in (int(x) for x in (data[0] or b"").split()) if u > last)


_FETCH_UID = re.compile(rb"\bUID (\d+)\b")


def _fetch_raw(box: BaseMailBox, uid: int) -> bytes | None:
    typ, data = box.client.uid("FETCH", str(uid), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise RuntimeError(f"IMAP UID FETCH {uid} failed: {data!r}")
    for item in data:  # unsolicited FETCH responses (flag changes by other clients) may be mixed in
        if isinstance(item, tuple) and b"BODY[]" in item[0]:
            m = _FETCH_UID.search(item[0])
            if m and int(m.group(1)) == uid:
                return item[1]
    return None  # expunged by another client in the meantime


def poll_mailbox(url: str, ledger: TakenLedger, store: Store | None = None, folder: str | None = None,
                 limit: int | None = None) -> PollResult:
    """Take the mailbox's new messages: ``store(mail, raw, uid)`` for each, then record it as taken.

    ``url``: ``imap://user:password@host:port/FOLDER`` (or ``imaps://``); ``folder`` overrides the URL's
    folder, which defaults to INBOX. ``ledger``: what was taken before (``review_queue.imap_ledger``).
    ``limit``: take at most this many messages now.
    Without a store nothing is fetched or recorded: ``pending`` lists what is waiting.
    """
    t = _target(url, folder)
    box = _connect(t)
    try:
        return _poll(box, t, ledger, store, limit)
    finally:
        try:
            box.logout()
        except Exception:  # the poll's own outcome matters more than a failed LOGOUT
            log.debug("IMAP logout from %s failed", t.key, exc_info=True)


def _poll(box: BaseMailBox, t: _Target, ledger: TakenLedger, store: Store | None, limit: int | None) -> PollResult:
    uidvalidity = _uidvalidity(box, t.folder)
    last_seen = ledger.last_uidvalidity(t.key)
    last_uid = ledger.highest_uid(t.key, uidvalidity)
    result = PollResult(t.key, uidvalidity, rebuilt=last_seen is not None and last_seen != uidvalidity)
    if result.rebuilt:
        log.warning("imap %s: UIDVALIDITY changed from %s to %s, so the mailbox was rebuilt; reading every message "
                    "again and skipping those whose SHA-256 was already taken", t.key, last_seen, uidvalidity)
    new = _uids_after(box, last_uid)
    batch = new if limit is None else new[:max(limit, 0)]
    result.pending = new[len(batch):]
    if store is None:
        result.pending = new
        log.info("imap %s: no store given, nothing taken; %d message(s) waiting after UID %d",
                 t.key, len(new), last_uid)
        return result
    log.info("imap %s (UIDVALIDITY %s): %d new message(s) after UID %d, taking %d",
             t.key, uidvalidity, len(new), last_uid, len(batch))
    for uid in batch:
        raw = _fetch_raw(box, uid)
        if raw is None:
            log.warning("imap %s: UID %d was expunged before it could be fetched; nothing to take", t.key, uid)
            continue
        digest = hashlib.sha256(raw).hexdigest()
        earlier = ledger.taken_before(t.key, digest)
        mail: ParsedMail | None = None
        if earlier is None:
            try:
                mail = parse_eml(raw)
                store(mail, raw, uid)
            except Exception:
                log.error("imap %s: UID %d (sha256 %s) could not be stored; stopping here so that it and the "
                          "%d message(s) after it are taken on the next poll", t.key, uid, digest[:12],
                          len(batch) - batch.index(uid) - 1)
                raise
        if not ledger.record(t.key, uidvalidity, uid, digest, mail is not None, mail.message_id if mail else None):
            log.warning("imap %s: UID %d was recorded by another poller meanwhile", t.key, uid)
        elif earlier is None:
            result.taken.append(uid)
            log.info("imap %s: took UID %d (sha256 %s, %d attachment(s), Message-ID %s)", t.key, uid,
                     digest[:12], len(mail.attachments), mail.message_id or "none")
        else:
            result.duplicates.append(uid)
            log.info("imap %s: UID %d skipped, the same message (sha256 %s) was taken before as UID %d "
                     "under UIDVALIDITY %d", t.key, uid, digest[:12], earlier[1], earlier[0])
    if result.pending:
        log.info("imap %s: limit of %d reached, %d message(s) left for the next poll", t.key, limit, len(result.pending))
    return result
