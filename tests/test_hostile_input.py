"""Hostile input: bombs, floods, junk and a seeded slice of the fuzzing harness (bench/fuzz.py), on real files."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest

from extractors.registry import BoundExceeded, Limits, run_bounded
from extractors.sniff import HWPX, sniff
from intake.archives import ArchiveLimits
from intake.bundles import open_bundle, open_bundle_bounded
from intake.mail import parse_eml
from intake.mail.eml import MAX_PARTS
from intake.rawstore import RawStore
from samples.make_samples import load_specs, render_documents
from tests.pipeline import process_plain

ROOT = Path(__file__).resolve().parents[1]
GIB = 1024**3


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, bytes]]:
    return render_documents(load_specs()[0])


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _zeros_member(zf: zipfile.ZipFile, name: str, size: int) -> None:
    chunk = bytes(16 * 1024**2)
    with zf.open(_deflated(name), "w", force_zip64=True) as member:
        for _ in range(size // len(chunk)):
            member.write(chunk)


def test_a_mail_of_20000_parts_is_read_linearly_with_one_summary_problem():
    part = ("--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
            "filename*=UTF-8''%EA%B0%99%EC%9D%80.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgeA==\r\n".encode())
    raw = (b"From: city@example.kr\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n" + part * 20_000 + b"--b--\r\n")
    parsed = parse_eml(raw)
    assert [p.rule for p in parsed.problems] == ["email.parts_limit"]
    assert len(parsed.attachments) == MAX_PARTS - 2  # the multipart itself and the body are parts too
    assert len({f.name for f in parsed.attachments}) == len(parsed.attachments)  # twins numbered, none lost


def test_a_mail_of_20000_parts_over_the_lazy_size_is_counted_without_parsing_the_rest(monkeypatch):
    """The same flood, parsed part by part (intake/mail/split.py): the same files, the same one problem."""
    import intake.mail.split as split

    part = ("--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
            "filename*=UTF-8''%EA%B0%99%EC%9D%80.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgeA==\r\n".encode())
    raw = (b"From: city@example.kr\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           b"preamble\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n" + part * 20_000 + b"--b--\r\nepilogue")
    whole = parse_eml(raw)
    monkeypatch.setattr(split, "LAZY_FROM", 0)
    lazy = parse_eml(raw)
    assert [(p.rule, p.detail) for p in lazy.problems] == [(p.rule, p.detail) for p in whole.problems]
    assert [(f.name, f.data) for f in lazy.attachments] == [(f.name, f.data) for f in whole.attachments]
    assert lazy.body_text == whole.body_text == "body"


def test_every_mail_we_have_parses_part_by_part_exactly_as_whole(corpus, monkeypatch):
    """The dev set's, the corpus's and the samples' e-mails: attachments, bodies, dates and problems the same whether
    the message is parsed whole or split at its top-level boundary first."""
    import dataclasses

    import intake.mail.split as split
    from tests.conftest import SHARED

    files = sorted({*SHARED.glob("devset/**/*.eml"), *corpus.glob("**/*.eml"), *ROOT.glob("samples/build/**/*.eml")})
    assert len(files) >= 30

    def seen(raw: bytes) -> dict:
        mail = parse_eml(raw)
        out = dataclasses.asdict(mail)
        out["attachments"] = [(f.name, f.data) for f in mail.attachments]
        out["problems"] = [(p.rule, p.detail, p.log) for p in mail.problems]
        return out

    for path in files:
        raw = path.read_bytes()
        monkeypatch.setattr(split, "LAZY_FROM", 32 * 1024**2)
        whole = seen(raw)
        monkeypatch.setattr(split, "LAZY_FROM", 0)
        assert seen(raw) == whole, path


def test_a_mail_of_four_25_mb_scans_opens_within_the_bound(tmp_path):
    """142 MB of e-mail: parsed whole, the standard library's parser peaked at 1 GB and the bound stopped it."""
    import hashlib

    scans = [os.urandom(25 * 1024**2) for _ in range(4)]
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "city@example.kr", "intake@example.kr", "스마트도시 인증 신청"
    mail["Date"] = "Mon, 01 Dec 2025 10:00:00 +0900"
    mail.set_content("신청 서류를 보냅니다.")
    for i, scan in enumerate(scans):
        mail.add_attachment(scan, maintype="application", subtype="pdf", filename=f"근거자료_{i + 1}.pdf")
    path = tmp_path / "message.eml"
    path.write_bytes(bytes(mail))
    del mail
    from intake.spool import discard, make

    bundle = run_bounded(open_bundle, path, None, None, str(make(tmp_path / "store")), limits=Limits(seconds=300, memory_bytes=GIB))
    try:
        assert [f.name for f in bundle.files] == [f"근거자료_{i + 1}.pdf" for i in range(4)]
        assert [f.sha256 for f in bundle.files] == [hashlib.sha256(s).hexdigest() for s in scans]
        assert not bundle.problems
    finally:
        discard(bundle)


def test_sniffing_reads_a_line_of_a_gibibyte_mimetype_member(tmp_path):
    """A 1 MB zip whose "mimetype" inflates to 1 GiB: told by its first bytes inside a 256 MiB worker."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(_deflated("mimetype"), "w", force_zip64=True) as member:
            member.write(b"application/hwp+zip")
            chunk = bytes(16 * 1024**2)
            for _ in range(GIB // len(chunk)):
                member.write(chunk)
        zf.writestr("Contents/section0.xml", "<x/>")
    assert len(data.getvalue()) < 4 * 1024**2
    assert run_bounded(sniff, data.getvalue(), limits=Limits(seconds=120, memory_bytes=256 * 1024**2)) == HWPX


def test_a_huge_member_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("신청서.txt", "신청서")
        _zeros_member(zf, "근거자료/big.pdf", GIB)
    bundle = open_bundle_bounded(path)  # the pipeline's own bounds (INTAKE_EXTRACT_MEMORY_MB)
    assert [f.name for f in bundle.files] == ["신청서.txt"]
    assert [p.rule for p in bundle.problems] == ["bundle.archive_bomb"]


def test_a_solid_7z_bomb_shows_its_ratio_and_is_refused(tmp_path):
    import py7zr

    path = tmp_path / "usb.7z"
    with py7zr.SevenZipFile(path, "w") as archive:  # solid by default: no packed size per member
        archive.writestr("신청서", "신청서.txt")
        for i in range(3):
            archive.writestr(bytes(40 * 1024**2), f"bomb{i}.bin")
    assert path.stat().st_size < 1024**2
    bundle = open_bundle(path, limits=ArchiveLimits())
    assert [f.name for f in bundle.files] == ["신청서.txt"]
    bombs = [p for p in bundle.problems if p.rule == "bundle.archive_bomb"]
    assert len(bombs) == 3 and all("ratio" in p.log and int(p.log.split("ratio ")[1].split(",")[0]) > 200 for p in bombs)


def test_a_bundle_past_the_bounds_is_kept_whole_with_one_finding(tmp_path):
    """A zip whose opening runs out of a small memory bound: kept as received, one bundle.unopenable."""
    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(12):
            zf.writestr(f"scan{i}.bin", os.urandom(8 * 1024**2))  # 96 MiB of incompressible members
    from schemas.settings import settings

    os.environ["INTAKE_EXTRACT_MEMORY_MB"] = "160"
    settings.cache_clear()
    try:
        bundle = open_bundle_bounded(path)
    finally:
        del os.environ["INTAKE_EXTRACT_MEMORY_MB"]
        settings.cache_clear()
        from extractors.registry import shutdown
        shutdown()
    assert [p.rule for p in bundle.problems] == ["bundle.unopenable"]
    assert [f.name for f in bundle.files] == ["usb.zip"] and bundle.files[0].data == path.read_bytes()


@pytest.mark.parametrize("name,content", [("메모.txt", "회의 메모입니다.\n".encode()), ("random.bin", os.urandom(5000))])
def test_junk_alone_is_not_a_submission(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    submission, _ = process_plain(path)
    rules = [f.rule for f in submission.findings]
    assert "bundle.not_submission" in rules and "programme.unknown" not in rules
    message = next(f.message_ko for f in submission.findings if f.rule == "bundle.not_submission")
    assert name in message


def test_a_mail_without_attachments_is_an_empty_bundle_not_a_submission(tmp_path):
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "city@example.kr", "문의"
    mail.set_content("제출 일정 문의드립니다.")
    path = tmp_path / "문의.eml"
    path.write_bytes(mail.as_bytes())
    submission, _ = process_plain(path)
    assert [f.rule for f in submission.findings if f.severity == "blocker"] == ["bundle.empty"]


def test_a_real_document_alone_is_still_a_submission(tmp_path, documents):
    name, data = next((n, d) for n, d in documents if n.endswith(".pdf"))
    (tmp_path / name).write_bytes(data)
    submission, _ = process_plain(tmp_path / name)
    assert "bundle.not_submission" not in [f.rule for f in submission.findings]


def test_a_file_and_a_folder_of_one_name_in_a_zip_are_both_stored(tmp_path, documents):
    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("자료", documents[0][1])
        zf.writestr("자료/근거.pdf", documents[-1][1])
    bundle = open_bundle_bounded(path)
    raw = RawStore(tmp_path / "store")
    raw.store_bundle(bundle, container=path)
    assert raw.verify() == []
    paths = sorted(f["path_in_bundle"] for f in raw.manifest(bundle.id)["files"] if f["role"] == "file")
    assert paths == ["자료", "자료/근거.pdf"]


def test_leftovers_of_a_killed_write_are_swept_and_never_fail_verify(tmp_path):
    """A writer killed with SIGKILL in the middle of a large object leaves its temporary file behind."""
    store = tmp_path / "store"
    code = ("import sys; from intake.rawstore import RawStore; import os, tempfile\n"
            "r = RawStore(sys.argv[1]); r.put(b'first')\n"
            "real = os.fsync\n"
            "def slow(fd):\n    print('writing', flush=True); import time; time.sleep(60)\n"
            "os.fsync = slow\n"  # the kill comes while the object is still a temporary file
            "r.put(os.urandom(1024))\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(store)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait()
    leftovers = list(store.glob("objects/*/*/.tmp-*"))
    assert len(leftovers) == 1
    raw = RawStore(store)
    assert raw.verify() == []  # ignored by verify
    assert raw.sweep() == leftovers and not any(store.glob("objects/*/*/.tmp-*"))


def test_a_lifeline_child_ends_when_its_starter_is_killed(tmp_path):
    """What Prefect's temporary server is started through: kill -9 of the starter ends the command too."""
    marker = tmp_path / "pid"
    code = (f"import subprocess, sys, time\n"
            f"p = subprocess.Popen([sys.executable, {str(ROOT / 'flows' / 'lifeline.py')!r}, '--', 'sleep', '300'])\n"
            f"time.sleep(1.5)\nprint(p.pid, flush=True)\ntime.sleep(300)\n")
    starter = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    lifeline = int(starter.stdout.readline())
    import psutil

    sleeper = psutil.Process(lifeline).children()[0]
    starter.kill()
    starter.wait()
    gone, alive = psutil.wait_procs([psutil.Process(lifeline), sleeper], timeout=15)
    assert not alive


def test_fuzz_slice_has_no_crash_hang_or_exception_name(tmp_path):
    """A seeded slice of bench/fuzz.py: four mutants of every format through the bounded path."""
    sys.path.insert(0, str(ROOT / "bench"))
    import fuzz

    log = tmp_path / "fuzz.jsonl"
    records = fuzz.fuzz(fuzz.FORMATS, count=3, seed=13, seconds=120, memory_mb=1024, log=log)
    report = fuzz.table(records, 2)
    assert Counter(r["fmt"] for r in records) == {fmt: 3 for fmt in fuzz.FORMATS}, report
    assert not [r for r in records if r["outcome"] in ("crash", "hang", "memory") or r["bad_reasons"]], report
    # a second run with the same log continues: only the fourth mutant of each format is new
    more = fuzz.fuzz(fuzz.FORMATS, count=4, seed=13, seconds=120, memory_mb=1024, log=log)
    assert sorted((r["fmt"], r["index"]) for r in more) == sorted((fmt, 3) for fmt in fuzz.FORMATS)
    assert len(fuzz.read_log(log)) == 4 * len(fuzz.FORMATS)
    assert not [r for r in more if r["outcome"] in ("crash", "hang", "memory") or r["bad_reasons"]], report


def test_members_past_the_total_size_are_one_problem_not_one_each(tmp_path):
    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(300):
            zf.writestr(f"scan{i:03d}.bin", os.urandom(64 * 1024))
    bundle = open_bundle(path, limits=ArchiveLimits(max_total_bytes=1024**2))
    assert len(bundle.files) == 16  # 16 × 64 KiB fill the 1 MiB
    [problem] = bundle.problems
    assert problem.rule == "bundle.archive_bomb" and "284개 미처리" in problem.detail


def test_one_bundles_file_name_never_shows_in_anothers_record(tmp_path, documents):
    """The extraction cache is keyed by content: the same bytes under two names in two bundles."""
    name, data = next((n, d) for n, d in documents if n.endswith(".pdf"))
    for bundle, file_name in (("a", "가나시_제출.pdf"), ("b", "다라군_제출.pdf")):
        (tmp_path / bundle).mkdir()
        (tmp_path / bundle / file_name).write_bytes(data)
    process_plain(tmp_path / "a")
    second, _ = process_plain(tmp_path / "b")  # its document comes from the cache filled by the first
    text = second.model_dump_json()
    assert "가나시" not in text and [f.name for f in second.bundle.files] == ["다라군_제출.pdf"]


def test_not_a_submission_shows_no_completeness_badges(tmp_path, documents):
    """The submission list's badges for a memo alone and for a real submission, from the store they were recorded in."""
    from web.overview import submission_rows
    from web.templating import environment

    url = f"sqlite:///{tmp_path / 'store.db'}"
    (tmp_path / "메모.txt").write_text("회의 메모입니다.\n", encoding="utf-8")
    process_plain(tmp_path / "메모.txt", url=url)
    real = tmp_path / "real"
    real.mkdir()
    for name, data in documents:
        (real / name).write_bytes(data)
    process_plain(real, url=url)
    template = environment().get_template("_completeness.html")
    badges = {row.programme: template.render(row=row) for row in submission_rows(url)}
    assert "서류 판별 불가" in badges[None] and "서류 0/0" not in badges[None]
    [programme] = [p for p in badges if p]
    assert "서류 판별 불가" not in badges[programme] and "서류 " in badges[programme]


def test_a_usb_of_many_unreadable_files_gets_a_few_findings_and_one_for_the_rest(tmp_path, documents):
    """1,900 unreadable photos gave 1,023 document.unreadable blockers (bench/hostile_cases.py many1mib): the first
    few stay one by one, the rest are one findings.repeated with the rule's severity and the count."""
    from checks import REPEATS_SHOWN

    folder = tmp_path / "usb"
    (folder / "사진").mkdir(parents=True)
    for name, data in documents:
        (folder / name).write_bytes(data)
    for i in range(REPEATS_SHOWN + 25):
        (folder / "사진" / f"photo{i:03d}.bin").write_bytes(os.urandom(2000))
    submission, _ = process_plain(folder)
    unreadable = [f for f in submission.findings if f.rule == "document.unreadable"]
    repeated = [f for f in submission.findings if f.rule == "findings.repeated"]
    assert len(unreadable) == REPEATS_SHOWN and len(repeated) == 1
    assert repeated[0].severity == "blocker" and "25개" in repeated[0].message_ko and "판독 불가 파일" in repeated[0].message_ko
    assert "photo0" in repeated[0].message_ko  # examples of the files it stands for
    assert submission.programme  # the real documents beside them were read as usual
    clean, _ = process_plain(_only_documents(tmp_path / "clean", documents))
    assert "findings.repeated" not in [f.rule for f in clean.findings]


def _only_documents(folder, documents):
    folder.mkdir()
    for name, data in documents:
        (folder / name).write_bytes(data)
    return folder
