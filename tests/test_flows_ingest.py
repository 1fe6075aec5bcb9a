"""The drop-folder flow over ten bundles: one broken file does not stop the others, and a re-run repeats no work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from samples.make_samples import load_specs, write_bundle


@pytest.fixture(scope="module")
def drop(tmp_path_factory) -> Path:
    """Ten USB copies built from the sample specs: the same forms under different bundles, one with a corrupt PDF."""
    root = tmp_path_factory.mktemp("drop")
    build = tmp_path_factory.mktemp("build")
    spec = next(s for s in load_specs() if s["id"] == "city-hanbit")
    source = write_bundle({**spec, "channel": "folder"}, build)
    for i in range(10):
        target = root / f"usb-{i:02d}"
        shutil.copytree(source, target)
        (target / "접수메모.txt").write_text(f"USB {i}", encoding="utf-8")  # distinct bundles
        (root / f"usb-{i:02d}.receipt.json").write_text(json.dumps({"received_at": "2025-09-23T10:00:00+09:00"}))
    # one copy came by post, as the clerk wrote in its receipt
    (root / "usb-07.receipt.json").write_text(json.dumps({"received_at": "2025-09-23T10:00:00+09:00", "channel": "post"}))
    broken = root / "usb-03" / "04_근거자료_조직도_및_실적.pdf"
    broken.write_bytes(broken.read_bytes()[:2000])
    return root


def test_ten_bundles_with_one_corrupt_file(drop, tmp_path_factory):
    from flows.ingest import ingest_folder

    work = tmp_path_factory.mktemp("work")
    db, store_root, out = f"sqlite:///{work / 'intake.db'}", work / "store", work / "out"
    first = ingest_folder(drop, out, db, store_root)
    assert len(first["processed"]) == 10 and not first["failed"]
    submissions = {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*/submission.json")}
    assert len(submissions) == 10
    broken = submissions["usb-03"]
    assert [f["rule"] for f in broken["findings"] if f["rule"] == "document.unreadable"] == ["document.unreadable"]
    for name, sub in submissions.items():
        assert len(sub["indicators"]) == 53, name  # the other documents of the broken bundle were read too
    # the same documents in ten bundles were extracted once: every bundle after the first two hits the cache
    assert sum(sub["bundle"]["extraction_cached"] for sub in submissions.values()) >= 8 * 5

    from review_queue.store import list_bundles
    assert {b["state"] for b in list_bundles(db)} == {"processed"}
    from handoff.delivery import delivery_ko, entered_deliveries
    shown = {Path(b["source_path"]).name: delivery_ko(b["id"], b["channel"], entered_deliveries(db))
             for b in list_bundles(db)}
    assert shown["usb-07"] == "우편" and shown["usb-06"] == "폴더"  # as entered; else the medium

    again = ingest_folder(drop, out, db, store_root)
    assert again["processed"] == [] and len(again["skipped"]) == 10

    from flows.process import process_bundle
    redo = process_bundle(drop / "usb-05", out / "redo", None, db, store_root)  # forced re-run of one bundle
    assert redo.bundle.extraction_cached == len(redo.bundle.files)  # nothing extracted twice

    from intake.rawstore import RawStore
    raw = RawStore(store_root)
    assert raw.verify() == []
    assert len(list(raw.bags.glob("folder-*"))) == 10
    objects = [p for p in raw.objects.rglob("*") if p.is_file()]
    assert len(objects) == 5 + 1 + 10  # five shared documents, one corrupt copy, ten distinct memos
