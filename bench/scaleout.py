"""Bundles per minute on Prefect's engines: a real server with a process work pool and 1 or 2 workers, and the Dask
task runner (LocalCluster) against the default threads, on the same drawn bundles.

    nice -n 10 .venv/bin/python bench/scaleout.py [--count 8] [--seed 7501] [--only workers dask]

- ``workers``: bench/prefect_cluster.py starts a server on 127.0.0.1, a process pool, this checkout's deployments
  and N workers (one flow run each at a time); ``dispatch_folder/drop-folder`` turns the drop folder into one
  ``process_bundle/bundle`` run per bundle. Wall time: from the dispatch to the end of the last bundle's run
  (the server's and workers' start-up not counted).
- ``dask``: ``intake ingest --drop`` in one command, per-file tasks on threads (default) and on a Dask LocalCluster
  (``INTAKE_DASK_ADDRESS=local``, 2 worker processes), each with a fresh store and result cache.

Every configuration starts from an empty store and extraction cache. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.prefect_cluster import PrefectCluster  # noqa: E402
from bench.proctree import machine_load, run  # noqa: E402
from bench.speed import INTAKE, _env, drawn_drop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7501)
    parser.add_argument("--only", nargs="*", choices=["workers", "dask"])
    args = parser.parse_args()
    parts = args.only or ["workers", "dask"]
    rows = []
    before = machine_load()
    with tempfile.TemporaryDirectory(prefix="intake-scale-") as tmp:
        work = Path(tmp)
        drop = drawn_drop(work, args.count, args.seed)
        n = len(list(drop.iterdir()))
        if "workers" in parts:
            for workers in (1, 2):
                with PrefectCluster(work / f"cluster-{workers}", workers=workers) as cluster:
                    result = cluster.run_drop(drop, work / f"out-{workers}")
                done = sum(r["state"] == "COMPLETED" for r in result["runs"])
                wall = result["wall"] or float("nan")
                rows.append((f"Prefect server, process pool, {workers} worker(s)", wall, done, 60 * done / wall))
        if "dask" in parts:
            for label, extra in (("intake ingest --drop, threads (default)", {}),
                                 ("intake ingest --drop, Dask LocalCluster (2 processes)",
                                  {"INTAKE_DASK_ADDRESS": "local"})):
                fresh = work / ("dask" if extra else "threads")
                m = run([INTAKE, "ingest", "--drop", str(drop), "--out", str(fresh / "out")], cwd=ROOT,
                        env=_env(fresh, **extra))
                done = len(list((fresh / "out").glob("*/submission.json")))
                rows.append((label + ("" if m.returncode == 0 else f" (exit {m.returncode})"), m.wall, done,
                             60 * done / m.wall))
    print(f"| configuration ({n} drawn bundles, seed {args.seed}) | wall s | bundles done | bundles/min |")
    print("|---|---|---|---|")
    for label, wall, done, rate in rows:
        print(f"| {label} | {wall:.1f} | {done} | {rate:.2f} |")
    print(f"\nMachine: before {before}; after {machine_load()}; {os.cpu_count()} cores shared with other work.")


if __name__ == "__main__":
    main()
