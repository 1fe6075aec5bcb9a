"""Hostile drop folders through the ingest flow, and a few kill -9s of `intake ingest` and `intake serve` (bench/faults.py)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_junk_twins_and_a_vanished_entry_in_a_drop_folder(tmp_path):
    from flows.ingest import drop_entries, process_entries
    from intake.rawstore import RawStore
    from review_queue.store import list_bundles
    from samples.make_samples import load_specs, write_bundle

    drop, out, store_root = tmp_path / "drop", tmp_path / "out", tmp_path / "store"
    db = f"sqlite:///{tmp_path / 'intake.db'}"
    drop.mkdir()
    write_bundle({**load_specs()[0], "channel": "email"}, drop)
    (drop / "메모.txt").write_text("회의 메모입니다.\n", encoding="utf-8")
    (drop / "random.bin").write_bytes(os.urandom(3000))
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "city@example.kr", "문의"
    mail.set_content("본문만 있는 메일입니다.")
    (drop / "문의.eml").write_bytes(mail.as_bytes())
    (drop / "twin").mkdir()
    (drop / "twin" / "a.txt").write_text("folder", encoding="utf-8")
    with zipfile.ZipFile(drop / "twin.zip", "w") as zf:
        zf.writestr("a", "a file")
        zf.writestr("a/b.txt", "and a folder of its name")
    entries = drop_entries(drop) + [(drop / "gone.zip", None)]  # listed, then gone before it was taken
    report = process_entries(entries, out, db, store_root)

    assert list(report.failed) == [str(drop / "gone.zip")]
    states = {Path(b["source_path"]).name: b["state"] for b in list_bundles(db)}
    assert states.pop("gone.zip") == "failed"  # the failure is visible in `intake status`
    assert {name: state for name, state in states.items() if state == "not_submission"}.keys() == \
        {"메모.txt", "random.bin", "문의.eml", "twin", "twin.zip"}
    assert sorted(p.parent.name for p in out.glob("*/submission.json")) == \
        sorted(["메모", "random", "문의", "twin", "twin.zip", load_specs()[0]["id"]])
    assert RawStore(store_root).verify() == []
    submission = json.loads((out / load_specs()[0]["id"] / "submission.json").read_text(encoding="utf-8"))
    assert submission["programme"] and "bundle.not_submission" not in [f["rule"] for f in submission["findings"]]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc")
def test_kill_9_of_ingest_and_serve_loses_nothing(tmp_path):
    """Two kills of `intake ingest --drop` at random moments, a clean run, then two kills of `intake serve`."""
    sys.path.insert(0, str(ROOT / "bench"))
    import faults

    prefect_home = tmp_path / "prefect"
    rng = random.Random(5)
    try:
        rounds, orphans = faults.ingest_rounds(tmp_path, prefect_home, kills=2, per_round=2, horizon=25, rng=rng,
                                               temporary=False)
        serve, serve_orphans = faults.serve_kills(tmp_path, prefect_home, kills=2, rng=rng, temporary=False)
    finally:
        subprocess.run([faults.INTAKE, "prefect-stop"], env={**os.environ, "PREFECT_HOME": str(prefect_home)},
                       capture_output=True, timeout=120)
    [result] = rounds
    assert result["clean_exit"] == 0 and result["verify_ok"]
    assert result["lost"] == result["not_done"] == result["duplicated"] == 0
    assert result["files_off"] == result["dup_items"] == 0 and result["outputs"] == result["entries"]
    assert serve["kept"] == serve["acknowledged"] and serve["verify_ok"]
    assert orphans == serve_orphans == []
