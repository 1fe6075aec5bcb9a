"""Opening bundles as they arrive: Korean names in every encoding, junk skipped, nothing escaping."""

from __future__ import annotations

import shutil
import unicodedata
import zipfile
from email.message import EmailMessage
from pathlib import Path

from intake.bundles import open_bundle


def _zip_with_raw_names(path: Path, members: dict[bytes, bytes], utf8_members: dict[str, bytes] = {}) -> None:
    """Write members whose names are raw bytes (e.g. CP949) without the UTF-8 flag, as Windows tools do."""
    placeholders = {}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in utf8_members.items():  # zipfile flags these as UTF-8
            zf.writestr(name, data)
        for i, (raw, data) in enumerate(members.items()):
            placeholder = chr(ord("A") + i).encode() * len(raw)  # same length, ASCII, unique
            placeholders[placeholder] = raw
            zf.writestr(placeholder.decode(), data)
    blob = path.read_bytes()
    for placeholder, raw in placeholders.items():
        blob = blob.replace(placeholder, raw)
    path.write_bytes(blob)


def test_zip_cp949_names_nfd_and_junk(tmp_path):
    archive = tmp_path / "usb.zip"
    nfd = unicodedata.normalize("NFD", "근거자료.pdf").encode("utf-8")
    _zip_with_raw_names(archive, {
        "신청서.pdf".encode("cp949"): b"%PDF-1.4 a",
        b"__MACOSX/._x.pdf": b"junk",
        b".DS_Store": b"junk",
        b"../../etc/evil.txt": b"escape",
    }, utf8_members={nfd.decode("utf-8"): b"%PDF-1.4 b"})  # a macOS-made member: UTF-8 flagged, NFD
    bundle = open_bundle(archive)
    names = [f.name for f in bundle.files]
    assert names == ["근거자료.pdf", "신청서.pdf"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert any(p.rule == "bundle.member_unsafe" for p in bundle.problems)
    assert bundle.channel == "usb"


def test_zip_bomb_member_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 20_000_000)
        zf.writestr("ok.txt", b"fine")
    bundle = open_bundle(archive)
    assert [f.name for f in bundle.files] == ["ok.txt"]
    assert any(p.rule == "bundle.archive_bomb" for p in bundle.problems)


def test_eml_rfc2231_and_duplicate_names(tmp_path):
    msg = EmailMessage()
    msg["From"] = "담당자 <a@city.go.kr>"
    msg["Date"] = "Mon, 22 Sep 2025 14:05:00 +0900"
    msg.set_content("첨부")
    msg.add_attachment(b"one", maintype="application", subtype="pdf", filename="정량지표 평가제안서.pdf")
    msg.add_attachment(b"two", maintype="application", subtype="pdf", filename="정량지표 평가제안서.pdf")
    path = tmp_path / "m.eml"
    path.write_bytes(msg.as_bytes())
    bundle = open_bundle(path)
    assert [(f.name, f.data) for f in bundle.files] == [("정량지표 평가제안서.pdf", b"one"), ("정량지표 평가제안서 (2).pdf", b"two")]
    assert bundle.received_at.isoformat() == "2025-09-22T14:05:00+09:00"


def test_korean_outlook_mail_from_corpus(corpus, tmp_path):
    """m0018: ks_c_5601-1987 RFC 2047 attachment name and a damaged base64 body (php-mime-mail-parser expects 174 bytes)."""
    mail = tmp_path / "m0018"
    shutil.copy(corpus / "php-mime-mail-parser" / "mails" / "m0018", mail)  # no extension: found by content
    bundle = open_bundle(mail)
    assert bundle.channel == "email"
    assert {f.name: len(f.data) for f in bundle.files} == {"사진.JPG": 174, "ATT00001.txt": 25}
    assert b"iPhone" in next(f.data for f in bundle.files if f.name == "ATT00001.txt")


def test_same_content_same_bundle_id(tmp_path):
    folder = tmp_path / "usb"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.pdf").write_bytes(b"%PDF-1.4")
    first = open_bundle(folder).id
    assert open_bundle(folder).id == first
    (folder / "sub" / "a.pdf").write_bytes(b"%PDF-1.5")
    assert open_bundle(folder).id != first


def test_an_encrypted_member_is_flagged_and_the_others_kept(tmp_path):
    """One member marked encrypted (its general-purpose flag bit 0 set in both headers): one
    bundle.archive_unreadable naming that member; the archive's other members are still taken."""
    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("신청서.pdf", b"%PDF-1.4 a")
        zf.writestr("비밀.pdf", b"%PDF-1.4 secret")
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04", 1)
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 1)
    data[local + 6] |= 1
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    bundle = open_bundle(path)
    assert [f.name for f in bundle.files] == ["신청서.pdf"]
    assert [(p.rule, p.file) for p in bundle.problems] == [("bundle.archive_unreadable", "비밀.pdf")]


def test_members_past_the_count_limit_are_one_problem(tmp_path):
    """10,000 tiny members against a limit of 2,000 used to give one bundle.archive_bomb per refused member:
    now the first 2,000 are taken and the rest is one problem that says how many were left."""
    from intake.archives import ArchiveLimits

    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(30):
            zf.writestr(f"증빙/{i:03d}.pdf", b"%PDF-1.4 tiny")
    bundle = open_bundle(path, limits=ArchiveLimits(max_members=10))
    assert len(bundle.files) == 10
    assert [(p.rule, p.detail) for p in bundle.problems] == [("bundle.archive_bomb", "압축 파일 (파일 10개 초과, 20개 미처리)")]
