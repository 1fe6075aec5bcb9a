"""Scale-out on Prefect's own engines: a real server on 127.0.0.1, a process work pool, this checkout's deployments and
two workers take a drop folder's bundles in parallel; the Dask task runner (LocalCluster) runs the per-file tasks.

Real processes and real bundles (samples.draw); figures (bundles per minute) come from bench/scaleout.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.prefect_cluster import PrefectCluster  # noqa: E402

SEEDS = (7401, 7402, 7403)


def _drop(work: Path, seeds=SEEDS) -> Path:
    from samples.draw import draw_bundle

    drop = work / "drop"
    drop.mkdir(parents=True)
    for seed in seeds:
        folder = draw_bundle(seed, work / "drawn")
        entry = next(p for p in folder.iterdir() if p.name != "expected.json")
        target = drop / (folder.name + (entry.suffix if entry.is_file() else ""))
        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, target)
    return drop


def _status(env: dict) -> list[dict]:
    done = subprocess.run([str(Path(sys.executable).with_name("intake")), "status", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["bundles"]


def test_two_workers_take_a_drop_folder_in_parallel(tmp_path):
    drop = _drop(tmp_path)
    with PrefectCluster(tmp_path / "cluster", workers=2) as cluster:
        result = cluster.run_drop(drop, tmp_path / "out")
        env = cluster.env
        runs = result["runs"]
        assert result["dispatch"] == "COMPLETED"
        assert sorted(Path(r["parameters"]["path"]).name for r in runs) == sorted(p.name for p in drop.iterdir())
        assert all(r["state"] == "COMPLETED" for r in runs), runs
        # both workers took bundles (each runs one at a time). Not asserted through overlapping times: a bundle now
        # takes about 2 s, and on a loaded machine one worker's runs can fall between the other's.
        assert {r["worker"] for r in runs} == {"worker-1", "worker-2"}, runs
        assert len(list((tmp_path / "out").glob("*/submission.json"))) == len(SEEDS)
        bundles = _status(env)
        assert len(bundles) == len(SEEDS) and all(b["state"] == "processed" for b in bundles), bundles
        # a second dispatch finds everything processed and starts no run
        again = cluster.run_drop(drop, tmp_path / "out", timeout=600)
        assert again["dispatch"] == "COMPLETED" and len(again["runs"]) == len(SEEDS)


@pytest.mark.skipif(not shutil.which("dask", path=str(Path(sys.executable).parent)),
                    reason="the dask extra is not installed (pip install -e '.[dask]')")
def test_dask_local_cluster_runs_the_per_file_tasks(tmp_path):
    """`intake process` with INTAKE_DASK_ADDRESS=local: per-file tasks on a Dask LocalCluster, the same submission as
    with threads."""
    drop = _drop(tmp_path, seeds=SEEDS[:1])
    bundle = next(drop.iterdir())
    intake = str(Path(sys.executable).with_name("intake"))
    outputs = {}
    for mode in ("threads", "dask"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
        env.update(INTAKE_DATABASE_URL=f"sqlite:///{tmp_path / mode / 'intake.db'}",
                   INTAKE_STORE_DIR=str(tmp_path / mode / "store"), PREFECT_HOME=str(tmp_path / "prefect"),
                   PREFECT_LOCAL_STORAGE_PATH=str(tmp_path / mode / "results"), INTAKE_PREFECT_IDLE_SECONDS="30")
        if mode == "dask":
            env["INTAKE_DASK_ADDRESS"] = "local"
        done = subprocess.run([intake, "process", str(bundle), "--out", str(tmp_path / mode / "out")], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        outputs[mode] = json.loads((tmp_path / mode / "out" / "submission.json").read_text(encoding="utf-8"))
    subprocess.run([intake, "prefect-stop"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert outputs["dask"]["indicators"] == outputs["threads"]["indicators"]
    assert [f["rule"] for f in outputs["dask"]["findings"]] == [f["rule"] for f in outputs["threads"]["findings"]]
