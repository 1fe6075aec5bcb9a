"""The IMAP poller against a real dovecot: every message taken once, across crashes and mailbox rebuilds.

The server comes from INTAKE_TEST_IMAP_URL (.ci/run calls start_dovecot of scripts/services.sh);
without it the session fixture runs start_dovecot itself. Messages arrive by IMAP APPEND, built here
with the standard library: Korean subjects, attachment names in RFC 2231 UTF-8 and RFC 2047 EUC-KR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import uuid
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from imap_tools import MailBoxUnencrypted
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from intake.imap import _target, poll_mailbox
from intake.model import ParsedMail
from intake.rawstore import RawStore
from review_queue.imap_ledger import ImapTaken, SqlTakenLedger

ROOT = Path(__file__).resolve().parents[1]

# Run start_dovecot as .ci/run does, print what it exports, keep the server until stdin closes.
STARTER = ('set -eu; source scripts/services.sh; start_dovecot >&2; '
           'printf "%s\\t%s\\n" "$INTAKE_TEST_IMAP_URL" "$INTAKE_TEST_IMAP_MAILDIR"; read -r _ || true')


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide an IMAP server (scripts/services.sh start_dovecot): {why}")
    pytest.skip(f"no IMAP server: {why}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(url: str) -> MailBoxUnencrypted:
    parts = urlsplit(url)
    return MailBoxUnencrypted(parts.hostname, parts.port, timeout=30).login(parts.username, parts.password,
                                                                             initial_folder=None)


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory):
    url = os.environ.get("INTAKE_TEST_IMAP_URL")
    proc = None
    if not url:
        errors = tmp_path_factory.mktemp("dovecot") / "start_dovecot.log"
        env = {**os.environ, "INTAKE_IMAP_PORT": os.environ.get("INTAKE_IMAP_PORT") or str(_free_port())}
        with errors.open("w") as err:
            proc = subprocess.Popen(["bash", "-c", STARTER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
        line = proc.stdout.readline().rstrip("\n")
        if not line:
            proc.wait(timeout=30)
            _unavailable(f"start_dovecot failed: {errors.read_text()[-2000:]}")
        url, _maildir = line.split("\t")
    try:
        _login(url).logout()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        _unavailable(f"cannot log in to {url}: {exc!r}")
    yield url
    if proc is not None:
        proc.stdin.close()  # start_dovecot's EXIT trap stops dovecot and removes its temp dir
        proc.wait(timeout=30)


@pytest.fixture
def state_url(database_url):
    """The poller's state in the review store's database: SQLite, or PostgreSQL when CI started one."""
    return database_url


@pytest.fixture
def folder(imap_server):
    """A fresh folder per test, with a Korean name (modified UTF-7 on the wire)."""
    name = f"접수-{uuid.uuid4().hex[:8]}"
    with _login(imap_server) as box:
        box.folder.create(name)
    yield name
    with _login(imap_server) as box:
        box.folder.delete(name)


# --- messages, as municipalities' mail clients write them -------------------------------------------

def _b64_lines(data: bytes) -> list[str]:
    return base64.encodebytes(data).decode("ascii").rstrip("\n").split("\n")


def _attachment_headers(name: str, naming: str) -> list[str]:
    if naming == "rfc2231":  # Thunderbird, Apple Mail, Gmail: filename*=utf-8''%EC%A0%95…
        value = encode_rfc2231(name, "utf-8")
        return [f"Content-Type: application/octet-stream; name*={value}",
                f"Content-Disposition: attachment; filename*={value}"]
    # older Korean Outlook / web mail: an RFC 2047 encoded word inside the quoted parameter, in EUC-KR
    word = "=?euc-kr?b?" + base64.b64encode(name.encode("euc-kr")).decode("ascii") + "?="
    return [f'Content-Type: application/octet-stream; name="{word}"',
            f'Content-Disposition: attachment; filename="{word}"']


def _message(n: int, subject: str, attachments: list[tuple[str, str]]) -> tuple[bytes, dict[str, bytes]]:
    """Raw RFC 822 bytes (CRLF) and the attachments expected out of them, by name."""
    boundary = f"=_intake_{n}_{uuid.uuid4().hex}"
    lines = [
        f"From: {formataddr(('한빛시 스마트도시과', 'smartcity@hanbit.go.kr'), charset='utf-8')}",
        "To: intake@certification.example.kr",
        f"Subject: {Header(subject, 'utf-8').encode(linesep=chr(13) + chr(10))}",
        f"Date: {formatdate(1758517500 + 60 * n)}",
        f"Message-ID: {make_msgid(f'm{n}', domain='hanbit.go.kr')}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        *_b64_lines(f"{n}번째 제출 서류를 첨부합니다.\n".encode()),
    ]
    expected = {}
    for name, naming in attachments:
        data = f"%PDF-1.4 message {n} {name}\n".encode() + hashlib.sha256(f"{n}{name}".encode()).digest() * 40
        expected[name] = data
        lines += [f"--{boundary}", *_attachment_headers(name, naming), "Content-Transfer-Encoding: base64", "",
                  *_b64_lines(data)]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii"), expected


ATTACHMENTS = [
    [("정량지표 평가제안서.pdf", "rfc2231"), ("정성지표 자체평가표.hwp", "rfc2047-euckr")],
    [("스마트도시 인증 신청서.pdf", "rfc2047-euckr")],
    [("근거자료_교통 데이터.xlsx", "rfc2231"), ("개인정보 수집 이용 동의서.pdf", "rfc2047-euckr"),
     ("report.pdf", "rfc2231")],
]


def _messages(count: int) -> list[tuple[bytes, dict[str, bytes]]]:
    return [_message(n, f"[스마트도시 인증] {n}번 신청 서류 제출", ATTACHMENTS[n % len(ATTACHMENTS)])
            for n in range(count)]


def _append(url: str, folder: str, raws: list[bytes]) -> tuple[int, list[int]]:
    """APPEND each message; returns the folder's UIDVALIDITY and the UIDs the server gave (UIDPLUS)."""
    uids, validity = [], None
    with _login(url) as box:
        for raw in raws:
            _, data = box.append(raw, folder, flag_set=[])
            m = re.search(rb"APPENDUID (\d+) (\d+)", data[0])
            assert m, data
            validity = int(m.group(1))
            uids.append(int(m.group(2)))
    return validity, uids


def _assert_nothing_seen(url: str, folder: str, count: int) -> None:
    with _login(url) as box:
        box.folder.set(folder, readonly=True)
        flags = [msg.flags for msg in box.fetch(mark_seen=False, headers_only=True)]
    assert len(flags) == count
    assert not [f for f in flags if "\\Seen" in f or "\\Deleted" in f]


def _recorded(state_url: str, mailbox: str) -> list[tuple[int, int, str, bool]]:
    engine = create_engine(state_url)
    with Session(engine) as session:
        rows = session.execute(select(ImapTaken.uidvalidity, ImapTaken.uid, ImapTaken.sha256, ImapTaken.stored)
                               .where(ImapTaken.mailbox == mailbox).order_by(ImapTaken.id)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# The store the tests hand to the poller: files named by the raw message's SHA-256 (idempotent, as the
# real content-addressed store), and one line per call in calls.log, so calls are counted across processes.
STORE_CODE = '''
import hashlib, os
def file_store(folder, crash_after=None):
    count = [0]
    def store(mail, raw, uid):
        digest = hashlib.sha256(raw).hexdigest()
        tmp = os.path.join(folder, f".{digest}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(raw)
        os.replace(tmp, os.path.join(folder, digest + ".eml"))
        with open(os.path.join(folder, "calls.log"), "a") as f:
            f.write(f"{uid} {digest}\\n")
        count[0] += 1
        if crash_after is not None and count[0] == crash_after:
            os._exit(17)  # killed after the store, before the poller records the message as taken
    return store
'''
exec(STORE_CODE)  # defines file_store here too


class Recorder:
    """file_store plus what the poller handed over, for assertions."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.mails: dict[int, ParsedMail] = {}
        self._store = file_store(str(folder))  # noqa: F821 - defined by exec(STORE_CODE)

    def __call__(self, mail: ParsedMail, raw: bytes, uid: int) -> None:
        self.mails[uid] = mail
        self._store(mail, raw, uid)


def _calls(folder: Path) -> list[tuple[int, str]]:
    log = folder / "calls.log"
    lines = log.read_text().split() if log.exists() else []
    return [(int(u), d) for u, d in zip(lines[::2], lines[1::2])]


def _stored_hashes(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.eml")}


# --- tests -------------------------------------------------------------------------------------------

def test_url_parsing():
    t = _target("imaps://clerk%40city.go.kr:p%40ss%3Aword@Mail.City.go.kr/%EC%A0%91%EC%88%98", None)
    assert (t.host, t.port, t.user, t.password, t.folder) == ("mail.city.go.kr", 993, "clerk@city.go.kr", "p@ss:word", "접수")
    assert t.key == "mail.city.go.kr/clerk@city.go.kr/접수"
    assert _target("imap://u:p@127.0.0.1:1143", None).folder == "INBOX"
    assert _target("imap://u:p@127.0.0.1/INBOX", "Archive").port == 143
    assert _target("imap://u:p@127.0.0.1/INBOX", "Archive").folder == "Archive"
    with pytest.raises(ValueError):
        _target("pop3://u:p@127.0.0.1/", None)


def test_every_attachment_taken_once_with_its_korean_name(imap_server, folder, state_url, tmp_path):
    messages = _messages(3)
    validity, uids = _append(imap_server, folder, [raw for raw, _ in messages])
    url = imap_server.rsplit("/", 1)[0] + "/" + quote(folder)  # the folder in the URL, percent-encoded UTF-8
    store = Recorder(tmp_path)

    first = poll_mailbox(url, SqlTakenLedger(state_url), store, limit=2)
    assert (first.uidvalidity, first.taken, first.pending, first.rebuilt) == (validity, uids[:2], uids[2:], False)
    rest = poll_mailbox(url, SqlTakenLedger(state_url), store)
    assert rest.taken == uids[2:] and rest.pending == []

    for uid, (raw, expected) in zip(uids, messages):
        mail = store.mails[uid]
        assert {a.name: a.data for a in mail.attachments} == expected
        assert mail.subject.startswith("[스마트도시 인증]") and "번 신청 서류 제출" in mail.subject
        assert "제출 서류를 첨부합니다" in mail.body_text and not mail.problems
    assert _calls(tmp_path) == [(uid, _sha(raw)) for uid, (raw, _) in zip(uids, messages)]
    assert _stored_hashes(tmp_path) == {_sha(raw) for raw, _ in messages}  # the server kept the bytes as sent

    again = poll_mailbox(url, SqlTakenLedger(state_url), store)
    assert (again.taken, again.duplicates, again.pending) == ([], [], [])
    assert len(_calls(tmp_path)) == 3
    assert _recorded(state_url, first.mailbox) == [(validity, uid, _sha(raw), True) for uid, (raw, _) in zip(uids, messages)]
    _assert_nothing_seen(imap_server, folder, 3)


CRASHING_POLL = STORE_CODE + '''
import logging, sys
from intake.imap import poll_mailbox
from review_queue.imap_ledger import SqlTakenLedger
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
url, state_url, folder, out = sys.argv[1:]
poll_mailbox(url, SqlTakenLedger(state_url), file_store(out, crash_after=3), folder=folder)
print("not reached")
'''


def test_crash_between_store_and_record_loses_nothing_and_takes_nothing_twice(imap_server, folder, state_url, tmp_path):
    messages = _messages(6)
    raws = [raw for raw, _ in messages]
    validity, uids = _append(imap_server, folder, raws)

    crashed = subprocess.run([sys.executable, "-c", CRASHING_POLL, imap_server, state_url, folder, str(tmp_path)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 17, crashed.stdout + crashed.stderr
    assert "not reached" not in crashed.stdout
    assert [c[0] for c in _calls(tmp_path)] == uids[:3]  # the 3rd was stored ...
    key = _target(imap_server, folder).key
    assert [r[1] for r in _recorded(state_url, key)] == uids[:2]  # ... but never recorded

    restarted = poll_mailbox(imap_server, SqlTakenLedger(state_url), Recorder(tmp_path), folder=folder)
    assert restarted.taken == uids[2:]  # the 3rd again (the store is idempotent), then the rest
    calls = _calls(tmp_path)
    assert [c[0] for c in calls] == uids[:3] + uids[2:]
    assert _stored_hashes(tmp_path) == {c[1] for c in calls} == {_sha(raw) for raw in raws}  # 6 distinct = 6 delivered
    recorded = _recorded(state_url, key)
    assert [(r[0], r[1]) for r in recorded] == [(validity, uid) for uid in uids]  # exactly the delivered UIDs, once
    assert [r[2] for r in recorded] == [_sha(raw) for raw in raws]

    assert poll_mailbox(imap_server, SqlTakenLedger(state_url), Recorder(tmp_path), folder=folder).taken == []
    assert len(_calls(tmp_path)) == 7
    _assert_nothing_seen(imap_server, folder, 6)


def test_uidvalidity_change_takes_nothing_twice(imap_server, folder, tmp_path):
    state_url = f"sqlite:///{tmp_path / 'intake.db'}"
    messages = _messages(4)
    raws = [raw for raw, _ in messages]
    old_validity, old_uids = _append(imap_server, folder, raws[:3])
    store = Recorder(tmp_path)
    assert poll_mailbox(imap_server, SqlTakenLedger(state_url), store, folder=folder).taken == old_uids

    with _login(imap_server) as box:  # the mailbox is rebuilt: same messages, new UIDVALIDITY, plus one new
        box.folder.delete(folder)
        box.folder.create(folder)
    new_validity, new_uids = _append(imap_server, folder, raws)
    assert new_validity != old_validity

    rebuilt = poll_mailbox(imap_server, SqlTakenLedger(state_url), store, folder=folder)
    assert rebuilt.rebuilt and rebuilt.uidvalidity == new_validity
    assert rebuilt.duplicates == new_uids[:3] and rebuilt.taken == new_uids[3:]
    calls = _calls(tmp_path)
    assert [c[1] for c in calls] == [_sha(raw) for raw in raws]  # each message stored exactly once
    recorded = _recorded(state_url, rebuilt.mailbox)
    assert [(r[0], r[1], r[3]) for r in recorded] == ([(old_validity, uid, True) for uid in old_uids]
                                                      + [(new_validity, uid, False) for uid in new_uids[:3]]
                                                      + [(new_validity, new_uids[3], True)])

    again = poll_mailbox(imap_server, SqlTakenLedger(state_url), store, folder=folder)
    assert (again.rebuilt, again.taken, again.duplicates) == (False, [], [])
    assert len(_calls(tmp_path)) == 4
    _assert_nothing_seen(imap_server, folder, 4)


def test_without_a_store_nothing_is_taken(imap_server, folder, tmp_path):
    state_url = f"sqlite:///{tmp_path / 'intake.db'}"
    _, uids = _append(imap_server, folder, [raw for raw, _ in _messages(2)])
    dry = poll_mailbox(imap_server, SqlTakenLedger(state_url), None, folder=folder)
    assert (dry.taken, dry.pending) == ([], uids)
    assert poll_mailbox(imap_server, SqlTakenLedger(state_url), Recorder(tmp_path), folder=folder).taken == uids


def test_ingest_mailbox_flow_processes_a_real_submission_once(imap_server, folder, tmp_path):
    """The scheduled flow end to end: a municipality's mail with its bundle → stored raw → processed; twice → nothing new."""
    from urllib.parse import quote

    from flows.ingest import ingest_mailbox
    from samples.make_samples import load_specs, write_bundle

    spec = next(s for s in load_specs() if s["id"] == "city-hanbit")
    raw = write_bundle(spec, tmp_path / "build").read_bytes()
    _append(imap_server, folder, [raw])
    url = imap_server.rsplit("/", 1)[0] + "/" + quote(folder)
    db, store_root, out = f"sqlite:///{tmp_path / 'i.db'}", tmp_path / "store", tmp_path / "out"
    first = ingest_mailbox(url, out, db, store_root)
    assert len(first["taken_uids"]) == 1 and len(first["processed"]) == 1 and not first["failed"]
    submission = json.loads(next(out.glob("*/submission.json")).read_text(encoding="utf-8"))
    assert submission["applicant"]["name"] == "한빛시" and len(submission["indicators"]) == 53
    assert submission["bundle"]["channel"] == "email" and submission["bundle"]["received_at"].startswith("2025-09-22T14:05")
    again = ingest_mailbox(url, out, db, store_root)
    assert again["taken_uids"] == [] and again["processed"] == []
    assert RawStore(store_root).verify() == []
    _assert_nothing_seen(imap_server, folder, 1)
