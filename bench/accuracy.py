"""How well the pipeline reads bundles that vary like real ones: the development set and fresh draws.

    .venv/bin/python bench/accuracy.py                       # devset (everyday, harder) and 40 fresh bundles
    .venv/bin/python bench/accuracy.py --sets fresh --count 10 --seed 1
    .venv/bin/python bench/accuracy.py --sets devset --full  # through `intake process` instead of bench/process_one.py
    .venv/bin/python bench/accuracy.py --sets devset --parts harder   # the dev set's harder part only

Each set goes through ../shared/devset/score.py (the development set's own scorer, unchanged); the
fresh bundles are drawn by samples.draw with seeds taken from the clock unless --seed is given (they
are printed, so a run can be repeated). Besides the totals per set, a table per set groups the bundles by
the format each document arrived in (bench/per_format.py): proposal as DOCX/PDF/HWPX/HWP/scan, application
as a photo, container kind, 요약표 over a page break. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("INTAKE_SHARED_DIR", ROOT.parent / "shared"))
DEVSET = SHARED / "devset"
SCORER = DEVSET / "score.py"
FAST_CMD = ".venv/bin/python bench/process_one.py {bundle} {out}"
FULL_CMD = ".venv/bin/intake process {bundle} --out {out}"

METRICS = [("indicator values", "indicator_value_accuracy"), ("components", "component_accuracy"),
           ("applicant fields", "applicant_field_accuracy"), ("qualitative stages", "qualitative_stage_accuracy"),
           ("service fields", "service_field_accuracy"), ("defect recall", "defect_recall"),
           ("programme", "programme_accuracy"), ("channel", "channel_accuracy"),
           ("received_at", "received_at_accuracy"),
           ("selected domains", "selected_domains_accuracy"), ("file roles", "file_role_accuracy")]


def _draw_one(args: tuple[int, str]) -> tuple[int, str | None]:
    seed, out = args
    try:
        from samples.draw import draw_bundle
        draw_bundle(seed, Path(out))
        return seed, None
    except Exception:  # noqa: BLE001 - a generator crash is reported, not fatal to the run
        return seed, traceback.format_exc(limit=3)


def draw_fresh(seeds: list[int], out: Path, jobs: int) -> list[tuple[int, str]]:
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(_draw_one, [(s, str(out)) for s in seeds]))
    return [(seed, err) for seed, err in results if err]


def score(bundles: Path, cmd: str, jobs: int, timeout: int, keep: Path | None, name: str) -> dict:
    report = Path(tempfile.mkstemp(prefix=f"accuracy-{name}-", suffix=".json")[1])
    args = [sys.executable, str(SCORER), "--bundles", str(bundles), "--cmd", cmd, "--jobs", str(jobs),
            "--timeout", str(timeout), "--report", str(report)]
    if keep:
        args += ["--keep", str(keep / f"out-{name}")]
    run = subprocess.run(args, check=False, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"scorer failed on {bundles}:\n{run.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    return data


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def summary_table(results: dict[str, dict], console) -> None:
    from rich.table import Table

    table = Table(title="accuracy per set", show_lines=False)
    table.add_column("metric")
    for name in results:
        table.add_column(name, justify="right")
    rows = [(label, [_fmt(r["summary"][key]) for r in results.values()]) for label, key in METRICS]
    rows.append(("blocker/warning findings per clean bundle",
                 [_fmt(r["summary"]["false_findings_on_clean"] / r["summary"]["clean_bundles"])
                  if r["summary"]["clean_bundles"] else "n/a" for r in results.values()]))
    rows.append(("clean bundles with such findings",
                 [f"{r['summary']['clean_bundles_with_false_findings']}/{r['summary']['clean_bundles']}"
                  for r in results.values()]))
    rows.append(("crashes", [f"{r['summary']['crashes']}/{r['summary']['bundles']}" for r in results.values()]))
    rows.append(("seconds per bundle (max)",
                 [f"{r['summary']['seconds_per_bundle']} ({r['summary']['seconds_max']})" for r in results.values()]))
    for label, cells in rows:
        table.add_row(label, *cells)
    console.print(table)


def detail_tables(name: str, result: dict, console, top: int = 10) -> None:
    from rich.table import Table

    bundles = result["bundles"]
    false = Counter((f.get("rule"), f.get("indicator"))
                    for b in bundles if b["clean"] for f in b.get("false_findings", []))
    wrong = Counter(w["indicator"] for b in bundles for w in b["wrong_values"])
    example = {w["indicator"]: (w["expected"], w["got"], b["bundle"]) for b in bundles for w in b["wrong_values"]}
    applicant = Counter(w["field"] for b in bundles for w in b["wrong_applicant"])
    missed = Counter(m["rule"] for b in bundles for m in b["missed_defects"])
    t = Table(title=f"{name}: the {top} most frequent false findings (clean bundles)")
    t.add_column("rule")
    t.add_column("indicator")
    t.add_column("count", justify="right")
    for (rule, ind), n in false.most_common(top):
        t.add_row(str(rule), str(ind), str(n))
    console.print(t)
    t = Table(title=f"{name}: the {top} most frequent wrong values")
    for col in ("indicator", "count", "e.g. expected", "got", "bundle"):
        t.add_column(col)
    for ind, n in wrong.most_common(top):
        exp, got, bundle = example[ind]
        t.add_row(ind, str(n), str(exp), str(got), bundle)
    console.print(t)
    console.print(f"[bold]{name}[/]: wrong applicant fields {dict(applicant.most_common())}; missed defects by rule "
                  f"{dict(missed.most_common())}; recall by rule {result['summary']['recall_by_rule']}")
    crashed = [(b["bundle"], b.get("crash_reason"), (b.get("stderr_tail") or "").strip().splitlines()[-1:])
               for b in bundles if b["crash"]]
    for bundle, why, tail in crashed[:top]:
        console.print(f"  crash {bundle}: {why} {tail}")


def variant_table(name: str, result: dict, bundles_dir: Path, console, top: int = 10) -> None:
    """Which drawn choices go with misread values: indicator accuracy and false findings per (class = option)."""
    from rich.table import Table

    by_id = {b["bundle"]: b for b in result["bundles"]}
    stats: dict[tuple[str, str], Counter] = {}
    for path in bundles_dir.glob("*/expected.json"):
        exp = json.loads(path.read_text(encoding="utf-8"))
        rec = by_id.get(exp["bundle_id"])
        if not rec:
            continue
        for key, value in exp["variants"].items():
            c = stats.setdefault((key, json.dumps(value, ensure_ascii=False)), Counter())
            c["bundles"] += 1
            c["ok"] += rec["counts"].get("indicator_ok", 0)
            c["total"] += rec["counts"].get("indicator_total", 0)
            c["false"] += len(rec.get("false_findings", []))
            c["clean"] += rec["clean"]
    rows = [(k, v, c["ok"] / c["total"], c) for (k, v), c in stats.items() if c["total"] and c["bundles"] >= 3]
    t = Table(title=f"{name}: the {top} drawn choices read worst (≥ 3 bundles; lowest indicator accuracy, "
                    "then most false findings per clean bundle)")
    for col in ("class", "option", "bundles", "indicator accuracy", "false findings / clean bundle"):
        t.add_column(col)
    per_clean = lambda c: c["false"] / c["clean"] if c["clean"] else 0.0
    for key, value, acc, c in sorted(rows, key=lambda r: (r[2], -per_clean(r[3])))[:top]:
        t.add_row(key, value, str(c["bundles"]), f"{acc:.3f}", f"{per_clean(c):.1f}")
    console.print(t)


def main() -> None:
    from rich.console import Console

    from bench.per_format import per_format_table

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="devset,fresh", help="comma-separated: devset, fresh")
    ap.add_argument("--parts", default="everyday,harder", help="comma-separated parts of the dev set")
    ap.add_argument("--count", type=int, default=40, help="fresh bundles to draw")
    ap.add_argument("--seed", type=int, help="first seed of the fresh bundles (default: from the clock)")
    ap.add_argument("--keep", type=Path, help="keep the fresh bundles and the pipeline's outputs here")
    ap.add_argument("--full", action="store_true", help="run `intake process` instead of bench/process_one.py")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per bundle")
    a = ap.parse_args()
    console = Console(width=160)
    cmd = FULL_CMD if a.full else FAST_CMD
    sets = [s.strip() for s in a.sets.split(",") if s.strip()]
    results: dict[str, dict] = {}
    fresh_dir = None
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        if "devset" in sets:
            for part in [p.strip() for p in a.parts.split(",") if p.strip()]:
                t0 = time.monotonic()
                results[f"devset/{part}"] = score(DEVSET / part, cmd, a.jobs, a.timeout, a.keep, f"devset-{part}")
                console.print(f"devset/{part}: scored in {time.monotonic() - t0:.0f} s")
        if "fresh" in sets:
            first = a.seed if a.seed is not None else int(time.time()) % 1_000_000
            seeds = list(range(first, first + a.count))
            console.print(f"fresh seeds: {first} … {seeds[-1]} ({a.count}; repeat with --seed {first})")
            fresh_dir = (a.keep / "fresh") if a.keep else Path(tmp) / "fresh"
            if fresh_dir.exists():  # the scorer reads every bundle in the folder: none from an earlier run
                shutil.rmtree(fresh_dir)
            t0 = time.monotonic()
            failed = draw_fresh(seeds, fresh_dir, a.jobs)
            console.print(f"drew {a.count - len(failed)} bundles in {time.monotonic() - t0:.0f} s into {fresh_dir}")
            for seed, err in failed:
                console.print(f"[red]generator crashed on seed {seed}[/]:\n{err}")
            results["fresh"] = score(fresh_dir, cmd, a.jobs, a.timeout, a.keep, "fresh")
        if not results:
            raise SystemExit("nothing to score: --sets takes devset and/or fresh")
        summary_table(results, console)
        for name, result in results.items():
            detail_tables(name, result, console)
            per_format_table(name, result, fresh_dir if name == "fresh" else DEVSET / name.split("/", 1)[1], console)
        if fresh_dir is not None:
            variant_table("fresh", results["fresh"], fresh_dir, console)


if __name__ == "__main__":
    main()
