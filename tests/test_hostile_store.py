"""The raw store under concurrency and with bundles whose files are spooled, not held in memory."""

from __future__ import annotations

import threading

import bagit

from intake.model import ReceivedBundle, ReceivedFile
from intake.rawstore import RawStore


def test_bags_made_by_threads_at_once_are_all_whole(tmp_path, monkeypatch):
    """bagit changes the working directory while it makes a bag; two threads storing at once must not break each
    other (the fuzz harness's two threads did: FileNotFoundError on a staging folder)."""
    monkeypatch.chdir(tmp_path)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def store(n: int) -> None:
        try:
            start.wait()
            for round_ in range(4):
                files = [ReceivedFile(f"서류{i}.txt", f"{n}-{round_}-{i}".encode() * 500) for i in range(12)]
                bundle = ReceivedBundle(id=f"usb-{n}-{round_}", channel="usb", source_path=f"b{n}", files=files)
                RawStore(f"store{n}").store_bundle(bundle)  # relative, as INTAKE_STORE_DIR may be
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in range(6):
        assert RawStore(tmp_path / f"store{n}").verify() == []
        for round_ in range(4):
            bagit.Bag(str(tmp_path / f"store{n}" / "bags" / f"usb-{n}-{round_}")).validate(processes=1)


def test_a_first_migration_cut_short_leaves_no_half_made_database(tmp_path):
    """A process killed during the first migration of a SQLite store (bench/faults.py found it: every later start
    failed with "table bundles already exists"): the migration is one transaction, so the next start migrates."""
    from sqlalchemy import event, inspect
    from sqlalchemy.engine import Engine

    from review_queue import database

    url = f"sqlite:///{tmp_path / 'intake.db'}"
    created: list[str] = []

    def die_after_two_tables(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            created.append(statement)
            if len(created) == 3:
                raise SystemExit("killed mid-migration")  # as a kill -9 would stop it: nothing more runs

    event.listen(Engine, "before_cursor_execute", die_after_two_tables)
    try:
        try:
            database.engine_for(url)
        except SystemExit:
            pass
    finally:
        event.remove(Engine, "before_cursor_execute", die_after_two_tables)
    assert len(created) == 3
    from sqlalchemy import create_engine

    left = inspect(create_engine(url)).get_table_names()
    assert "bundles" not in left  # the two tables made before the cut were rolled back with it
    engine = database.engine_for(url)  # the next start
    assert {"bundles", "alembic_version"} <= set(inspect(engine).get_table_names())


SPOOLED_BUNDLE = """
import sys
from pathlib import Path
from intake.bundles import open_bundle_bounded
from intake.rawstore import RawStore
from intake.spool import discard
from extractors.registry import shutdown
bundle = open_bundle_bounded(Path(sys.argv[1]), store_root=Path(sys.argv[2]))
spool = bundle.spool
in_memory = sum(f.path is None for f in bundle.files)
RawStore(Path(sys.argv[2])).store_bundle(bundle, container=Path(sys.argv[1]))
discard(bundle)
shutdown()
# VmHWM, not ru_maxrss: that keeps the high-water mark of the parent it was forked from across exec
peak_kib = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(len(bundle.files), in_memory, Path(spool).exists(), peak_kib // 1024)
"""


def test_a_bundle_of_large_members_never_sits_whole_in_the_calling_process(tmp_path):
    """384 MiB of members (six of 64 MiB, incompressible) opened in the bounded worker and stored: they come back
    spooled, one file at a time, so the caller's peak stays far below the members' total."""
    import os
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    path = tmp_path / "usb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(6):
            zf.writestr(f"근거자료/scan{i}.bin", os.urandom(64 * 1024**2))
    store = tmp_path / "store"
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", SPOOLED_BUNDLE, str(path), str(store)], cwd=root, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    files, in_memory, spool_left, peak_mib = run.stdout.split()
    assert (int(files), int(in_memory), spool_left) == (6, 0, "False")
    assert int(peak_mib) < 200, f"caller peak {peak_mib} MiB for 384 MiB of members"
    assert RawStore(store).verify() == []
    assert not list((store / ".spool").glob("spool-*"))


def test_a_large_stored_file_is_read_by_the_worker_with_the_same_result(tmp_path, corpus):
    """extract_stored_bounded: the bytes of a file above the hand-over size are read in the worker; the document is
    the one extract_bounded gives, and a file past the bounds still becomes an unreadable document."""
    from extractors import registry

    pdf = next(p for p in sorted(corpus.rglob("*.pdf")) if 50_000 < p.stat().st_size < 2_000_000)
    small = registry.extract_stored_bounded(pdf.name, pdf)
    original = registry.IN_CALLER_BYTES
    registry.IN_CALLER_BYTES = 0  # every file read by the worker
    try:
        large = registry.extract_stored_bounded(pdf.name, pdf)
        stopped = registry.extract_stored_bounded(pdf.name, pdf, registry.Limits(seconds=0.01))
    finally:
        registry.IN_CALLER_BYTES = original
    assert large.model_dump() == small.model_dump() and large.pages
    assert stopped.problems[0].code == "unreadable.timeout" and stopped.sha256 == small.sha256


def test_spooled_opening_gives_the_same_bundle_as_opening_in_memory(tmp_path):
    """Folder (with a nested zip and 7z), zip, 7z and e-mail: the same files, hashes, ids and problems, spooled or not;
    spooled, every file is a file in the spool and none is held as bytes."""
    import io
    import zipfile
    from email.message import EmailMessage

    import py7zr

    from intake.bundles import open_bundle
    from samples.make_samples import load_specs, render_documents

    documents = render_documents(load_specs()[0])[:3]
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        for name, data in documents:
            zf.writestr(f"안/{name}", data)
            zf.writestr(f"안/{name}", data + b" twin")  # a twin of one name
    seven = tmp_path / "usb.7z"
    with py7zr.SevenZipFile(seven, "w") as archive:
        for name, data in documents:
            archive.writestr(data, f"칠/{name}")
    folder = tmp_path / "usb"
    (folder / "하위").mkdir(parents=True)
    for name, data in documents:
        (folder / "하위" / name).write_bytes(data)
    (folder / "묶음.zip").write_bytes(inner.getvalue())
    (folder / "묶음.7z").write_bytes(seven.read_bytes())
    (tmp_path / "usb.zip").write_bytes(inner.getvalue())
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "city@example.kr", "신청서류"
    mail.set_content("첨부합니다.")
    for name, data in documents:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    mail.add_attachment(inner.getvalue(), maintype="application", subtype="zip", filename="묶음.zip")
    (tmp_path / "mail.eml").write_bytes(mail.as_bytes())

    def shape(bundle):
        return (bundle.id, [(f.name, f.sha256, f.size, f.expanded) for f in bundle.files],
                [(p.rule, p.detail) for p in bundle.problems])

    for entry in (folder, tmp_path / "usb.zip", seven, tmp_path / "mail.eml"):
        spool = tmp_path / f"spool-{entry.name}"
        spool.mkdir()
        in_memory, spooled = open_bundle(entry), open_bundle(entry, spool=spool)
        assert shape(spooled) == shape(in_memory) and len(in_memory.files) >= 3, entry.name
        assert all(f.path and f.path.startswith(str(spool)) and f._data is None for f in spooled.files)
        assert [f.data for f in spooled.files] == [f.data for f in in_memory.files]


def test_a_bag_info_value_with_any_line_boundary_keeps_the_bag_valid(tmp_path):
    """Found by fuzzing .msg files: a subject holding \\x0b or \\x1c (line boundaries for str.splitlines, which bagit
    reads bag-info.txt with) made a fresh bag fail `verify`. Every line boundary is dropped from a tag value."""
    from intake.bagwrite import write_payload_tags, write_tag_manifest

    bag = tmp_path / "bag"
    (bag / "data").mkdir(parents=True)
    (bag / "data" / "a.txt").write_bytes(b"x")
    import hashlib

    odd = "신청\x0b서\x0c류\x1c\x1d\x1e\x85\u2028\u2029\r\n끝   __substg1.0_3002001F"
    write_payload_tags(bag, [("a.txt", hashlib.sha256(b"x").hexdigest(), 1)], {"Subject": odd})
    write_tag_manifest(bag)
    bagit.Bag(str(bag)).validate()
    assert bagit.Bag(str(bag)).info["Subject"] == "신청서류끝   __substg1.0_3002001F"
