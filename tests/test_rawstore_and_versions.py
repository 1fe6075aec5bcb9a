"""Raw store fixity, nested and 7z archives, re-ingesting, and resubmissions as versions."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import py7zr
import pytest

from intake.bundles import open_bundle
from intake.rawstore import RawStore
from review_queue.store import list_submissions, record_submission
from schemas.submission import Applicant, Bundle, Submission


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_nested_zip_and_7z_members(tmp_path):
    inner = _zip({"세부/인구통계.xlsx": b"PK-not-really", "증빙.pdf": b"%PDF-1.4 inner"})
    seven = tmp_path / "extra.7z"
    with py7zr.SevenZipFile(seven, "w") as archive:
        archive.writestr(b"%PDF-1.4 seven", "7z안의 파일.pdf")
    outer = tmp_path / "usb.zip"
    outer.write_bytes(_zip({"신청서.pdf": b"%PDF-1.4 a", "근거자료.zip": inner, "추가.7z": seven.read_bytes()}))
    bundle = open_bundle(outer)
    names = {f.name: f for f in bundle.files}
    assert names["근거자료.zip"].expanded and names["추가.7z"].expanded
    assert names["근거자료.zip/증빙.pdf"].data == b"%PDF-1.4 inner"
    assert names["근거자료.zip/세부/인구통계.xlsx"].data == b"PK-not-really"
    assert names["추가.7z/7z안의 파일.pdf"].data == b"%PDF-1.4 seven"
    assert bundle.problems == []


def test_deeply_nested_archives_stop_with_a_finding(tmp_path):
    data = b"%PDF-1.4 core"
    for depth in range(5):
        data = _zip({f"level{depth}.zip" if depth else "core.pdf": data})
    path = tmp_path / "deep.zip"
    path.write_bytes(data)
    bundle = open_bundle(path)
    assert any(p.rule == "bundle.archive_bomb" for p in bundle.problems)


def test_folder_symlink_is_not_followed(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "신청서.pdf").write_bytes(b"%PDF-1.4")
    (folder / "passwd").symlink_to("/etc/passwd")
    bundle = open_bundle(folder)
    assert [f.name for f in bundle.files] == ["신청서.pdf"]
    assert [p.rule for p in bundle.problems] == ["bundle.member_unsafe"]


def test_store_once_bag_and_verify_detects_tampering(tmp_path):
    folder = tmp_path / "usb"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.pdf").write_bytes(b"%PDF-1.4 same")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4 same")  # same bytes twice: one object
    raw = RawStore(tmp_path / "store")
    bundle = open_bundle(folder)
    first = raw.store_bundle(bundle)
    assert first.created and not raw.store_bundle(open_bundle(folder)).created
    assert len([p for p in raw.objects.rglob("*") if p.is_file()]) == 1
    manifest = raw.manifest(bundle.id)
    assert {f["path_in_bundle"] for f in manifest["files"]} == {"sub/a.pdf", "b.pdf"}
    assert raw.verify() == []
    obj = next(p for p in raw.objects.rglob("*") if p.is_file())
    assert not os.access(obj, os.W_OK) or os.geteuid() == 0  # read-only (root may still write)
    os.chmod(obj, 0o644)
    obj.write_bytes(b"%PDF-1.4 changed")
    problems = raw.verify()
    assert any("does not match" in p for p in problems) and any(bundle.id in p for p in problems)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_nested_archives_and_twin_names_are_stored_without_overwriting(tmp_path):
    """A zip inside the USB zip (its members named under it while it is a file itself), two members of one
    name, NFC/NFD twins, a 100-syllable Korean name and CR/LF in a name: each stored once under a path of its own, every
    object keeps its bytes, and a later bundle holding one of the same files is unharmed."""
    long_name = "가" * 100 + ".pdf"  # 302 bytes in UTF-8: more than a file system allows a name
    inner = _zip({"증빙.pdf": b"%PDF-1.4 inner", "증빙2.pdf": b"%PDF-1.4 inner two"})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("근거자료.zip", inner)
        zf.writestr("신청서.pdf", b"%PDF-1.4 first")
        zf.writestr("신청서.pdf", b"%PDF-1.4 second")  # two members of one name
        zf.writestr("한빛시.pdf", b"%PDF-1.4 nfc")
        zf.writestr(unicodedata.normalize("NFD", "한빛시.pdf"), b"%PDF-1.4 nfd")
        zf.writestr(long_name, b"%PDF-1.4 long")
        zf.writestr("줄\r\n바꿈.pdf", b"%PDF-1.4 crlf")
    outer = tmp_path / "usb.zip"
    outer.write_bytes(buf.getvalue())
    raw = RawStore(tmp_path / "store")
    bundle = open_bundle(outer)
    stored = raw.store_bundle(bundle, outer)
    assert stored.created and raw.verify() == []
    manifest = raw.manifest(bundle.id)["files"]
    by_path = {e["path"]: e for e in manifest if e["role"] == "file"}
    assert len(by_path) == len(bundle.files) == 9  # the inner zip, its two members and six more
    for entry in manifest:  # every path in the bag holds the bytes its manifest names
        assert hashlib.sha256((stored.bag / "data" / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert "files/근거자료.zip.contents/증빙.pdf" in by_path
    assert sorted(e["path_in_bundle"] for e in by_path.values()).count("신청서.pdf") == 2
    # a later bundle holding the first 신청서.pdf finds its object untouched
    again = tmp_path / "again"
    again.mkdir()
    (again / "신청서.pdf").write_bytes(b"%PDF-1.4 first")
    raw.store_bundle(open_bundle(again))
    assert raw.verify() == []


def _submission(bundle_id: str, registration_no: str) -> Submission:
    return Submission(programme="city-2025", bundle=Bundle(id=bundle_id, channel="email"),
                      applicant=Applicant(name="한빛시", registration_no=registration_no))


def test_resubmission_becomes_a_new_version(tmp_path):
    db = f"sqlite:///{tmp_path / 'v.db'}"
    first = record_submission(_submission("email-1", "134-83-00117"), db)
    assert record_submission(_submission("email-1", "134-83-00117"), db) == first  # the same bundle again
    second = record_submission(_submission("email-2", "1348300117"), db)  # same number, written differently
    other = record_submission(_submission("email-3", "402-83-01251"), db)
    rows = {r["id"]: r for r in list_submissions(db)}
    assert (rows[first]["version"], rows[first]["superseded_by"]) == (1, second)
    assert (rows[second]["version"], rows[second]["superseded_by"]) == (2, None)
    assert (rows[other]["version"], rows[other]["superseded_by"]) == (1, None)


def test_cli_ingest_twice_then_status_and_verify(tmp_path):
    root = Path(__file__).resolve().parents[1]
    sample = root / "samples" / "build" / "city-pureun.zip"
    if not sample.exists():
        subprocess.run([sys.executable, "-m", "samples.make_samples"], cwd=root, check=True)
    env = {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}", "INTAKE_STORE_DIR": str(tmp_path / "store")}
    intake = str(Path(sys.executable).with_name("intake"))

    def run(*args):
        done = subprocess.run([intake, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = run("ingest", str(sample), "--received-at", "2025-09-23T11:30+09:00", "--out", str(tmp_path / "out"))
    assert "새로 처리 1건, 이미 처리되어 건너뜀 0건" in first
    second = run("ingest", str(sample), "--out", str(tmp_path / "out"))
    assert "새로 처리 0건, 이미 처리되어 건너뜀 1건" in second
    status = json.loads(run("status", "--json"))
    assert [b["state"] for b in status["bundles"]] == ["processed"]
    assert status["submissions"][0]["applicant"] == "푸른군"
    assert "정상" in run("verify")


def test_an_empty_folder_is_one_finding_and_a_valid_bag(tmp_path):
    """Nothing in the folder (junk only): its bag validates (an empty manifest) and its submission carries
    one blocker, bundle.empty, instead of a programme that cannot be told."""
    from checks.pipeline import assess_bundle

    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "Thumbs.db").write_bytes(b"junk")
    raw = RawStore(tmp_path / "store")
    bundle = open_bundle(folder)
    assert bundle.files == []
    raw.store_bundle(bundle)
    assert raw.verify() == []
    submission = assess_bundle(bundle, [])
    blockers = [f.rule for f in submission.findings if f.severity == "blocker"]
    assert blockers == ["bundle.empty"]
    assert "파일이 없습니다" in submission.findings[[f.rule for f in submission.findings].index("bundle.empty")].message_ko


def test_a_drop_folder_goes_on_past_a_bundle_that_cannot_be_opened(tmp_path):
    """`intake ingest --drop`: an entry that cannot even be opened (a link to a file that is gone) is reported
    as failed, and the bundle after it is still processed."""
    root = Path(__file__).resolve().parents[1]
    sample = root / "samples" / "build" / "city-pureun.zip"
    if not sample.exists():
        subprocess.run([sys.executable, "-m", "samples.make_samples"], cwd=root, check=True)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a_사라진 파일.zip").symlink_to(tmp_path / "gone.zip")
    (drop / "b_푸른군.zip").write_bytes(sample.read_bytes())
    env = {**os.environ, "INTAKE_DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}", "INTAKE_STORE_DIR": str(tmp_path / "store")}
    done = subprocess.run([str(Path(sys.executable).with_name("intake")), "ingest", "--drop", str(drop), "--out",
                           str(tmp_path / "out")], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "처리 실패" in done.stdout and "a_사라진 파일.zip" in done.stdout
    assert "새로 처리 1건" in done.stdout
