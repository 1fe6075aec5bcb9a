"""Seeded mutational fuzzing of every extractor and of bundle opening, through the pipeline's bounded path.

    nice -n 10 .venv/bin/python bench/fuzz.py [--count 10000] [--minutes 60] [--seed 1] [--formats pdf,docx,...]
                                             [--log fuzz.jsonl] [--seconds 120] [--memory-mb 1024]
    .venv/bin/python bench/fuzz.py --log fuzz.jsonl --summary          # the table of everything logged so far
    .venv/bin/python bench/fuzz.py --replay FORMAT:INDEX [--seed 1]    # rebuild one mutant and run it once

Seeds are real files: the sample generator's PDF/DOCX/XLSX (and bundles packed from them), the shared
corpus's PDF/DOCX/XLSX/HWPX/HWP/images/.eml/.msg, the devset's .eml/.zip/.7z. Mutant *i* of a format is a
pure function of (seed, format, i), so ``--replay`` rebuilds it. Files go through
``extractors.registry.run_bounded(extract, …)`` and bundles through ``run_bounded(open_bundle, …)`` then
into a fresh raw store whose bag must validate — the very worker pool and bounds the pipeline uses, minus
only the last safety net of ``extract_bounded``/``open_bundle_bounded``, so an exception that would need it
counts as a crash. Outcomes per mutant: ok (read, no problem), finding (a problem for the clerk), crash
(an exception escaped), hang (the time bound was hit), memory (the memory bound was hit). "bad reason"
counts clerk-facing messages that name a Python exception class. Peak memory is the largest VmHWM of any
worker process (read after every mutant) and of this process.

As many mutants run at once as the pool has workers (one thread each here; the work is in the workers).
Formats share the time fairly: the next mutant is of the format that has had the least worker time so far,
so a ``--minutes`` budget gives every format the same time and fast formats many more mutants. Every mutant
is appended to the JSON-lines ``--log`` as it ends; a later run with the same log and seed continues where
it stopped (mutants already logged are not run again) and the table sums every run in the log.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

import fuzz_mutants as mx  # noqa: E402
import fuzz_seeds  # noqa: E402

FILE_FORMATS = {"pdf": mx.BYTE_MUTATORS, "docx": mx.BYTE_MUTATORS + mx.ZIP_MUTATORS * 2,
                "xlsx": mx.BYTE_MUTATORS + mx.ZIP_MUTATORS * 2, "hwpx": mx.BYTE_MUTATORS + mx.ZIP_MUTATORS * 2,
                "hwp": mx.BYTE_MUTATORS + mx.OLE_MUTATORS * 2, "image": mx.BYTE_MUTATORS + mx.IMAGE_MUTATORS * 3}
BUNDLE_FORMATS = {"eml": mx.BYTE_MUTATORS + mx.MAIL_MUTATORS * 3, "msg": mx.BYTE_MUTATORS + mx.OLE_MUTATORS * 2,
                  "zip": mx.BYTE_MUTATORS + mx.ZIP_MUTATORS * 2, "7z": mx.BYTE_MUTATORS + mx.SEVENZIP_MUTATORS * 4,
                  "folder": []}
FORMATS = [*FILE_FORMATS, *BUNDLE_FORMATS]
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Warning|Expired)\b|\((Key|Index|Value|Type)\w*\)")


def mutant(fmt: str, index: int, seed: int, seeds: dict[str, list[tuple[str, bytes]]]) -> tuple[str, bytes | dict]:
    """The (name, bytes) of mutant ``index``; a folder mutant is (name, {relative path: bytes})."""
    rng = random.Random(f"{seed}:{fmt}:{index}")
    if fmt == "folder":
        return "folder", fuzz_seeds.folder_mutant(rng, seeds)
    name, data = rng.choice(seeds[fmt])
    mutators = FILE_FORMATS.get(fmt) or BUNDLE_FORMATS[fmt]
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        mutate = rng.choice(mutators)
        try:
            data = mutate(rng, data)
        except Exception:  # a structure mutator on something no longer structured: fall back to bytes
            data = mx.flip(rng, data)
    return name, data


def _worker_peak_kib() -> int:
    import psutil

    peak = 0
    for child in psutil.Process().children(recursive=True):
        try:
            for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "site-packages" not in f.filename),
                 frames[-1].name if frames else "?")
    return f"{type(exc).__name__} at {where}: {str(exc)[:80]}"


def run_one(fmt: str, name: str, data, limits, work: Path) -> tuple[str, list[str]]:
    """(outcome, clerk-facing messages) of one mutant through the bounded path."""
    from checks import problem_findings
    from checks.submission import document_findings
    from extractors.registry import extract, run_bounded
    from intake.bundles import open_bundle
    from intake.rawstore import RawStore

    if fmt in FILE_FORMATS:
        doc = run_bounded(extract, name, data, limits=limits)
        messages = [f.message_ko for f in document_findings(doc)]
        return ("ok" if not doc.problems else "finding"), messages
    path = work / ("bundle" if fmt == "folder" else f"bundle{Path(name).suffix or '.' + fmt}")
    if fmt == "folder":
        fuzz_seeds.write_folder(path, data)
    else:
        path.write_bytes(data)
    from intake.spool import discard, make

    bundle = run_bounded(open_bundle, path, None, None, str(make(work / "store")), limits=limits)  # spooled, as the flow
    stored = RawStore(work / "store").store_bundle(bundle, container=path if path.is_file() else None)
    discard(bundle)
    import bagit

    bagit.Bag(str(stored.bag)).validate(processes=1)  # a BagError here is a crash: a bag the store made is invalid
    return ("ok" if not bundle.problems else "finding"), [f.message_ko for f in problem_findings(bundle.problems)]


def _run_logged(fmt: str, index: int, seed: int, seeds, limits) -> dict:
    """One mutant through the bounded path; its log record."""
    import shutil

    from extractors.registry import BoundExceeded

    name, data = mutant(fmt, index, seed, seeds)
    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    started = time.monotonic()
    why, bad = None, 0
    try:
        outcome, messages = run_one(fmt, name, data, limits, work)
        bad = sum(bool(EXCEPTION_NAME.search(m or "")) for m in messages)
    except BoundExceeded as exc:
        outcome = "hang" if exc.code == "unreadable.timeout" else "memory"
        why = f"{outcome}: {exc.why}"
    except Exception as exc:  # the escape this harness looks for
        outcome, why = "crash", _signature(exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"seed": seed, "fmt": fmt, "index": index, "outcome": outcome, "seconds": round(time.monotonic() - started, 3),
            "peak_kib": _worker_peak_kib(), "bad_reasons": bad, "why": why,
            "open_fds": len(os.listdir("/proc/self/fd"))}  # a leak of descriptors would end in a pool that cannot start


def read_log(log: Path | None) -> list[dict]:
    if log is None or not log.exists():
        return []
    records = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:  # the last line of a run killed mid-write
            continue
    return records


def fuzz(formats: list[str], count: int, seed: int, seconds: float, memory_mb: int, *, minutes: float | None = None,
         log: Path | None = None, progress=None) -> list[dict]:
    """Run up to ``count`` mutants per format (fewer when ``minutes`` run out); the records of this run."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from extractors.registry import Limits, _workers

    limits = Limits(seconds=seconds, memory_bytes=memory_mb * 1024**2)
    done: dict[str, set[int]] = defaultdict(set)
    spent: Counter = Counter()
    for r in read_log(log):
        if r["seed"] == seed:
            done[r["fmt"]].add(r["index"])
            spent[r["fmt"]] += r["seconds"]
    seeds = fuzz_seeds.load(formats)
    deadline = time.monotonic() + minutes * 60 if minutes else None
    next_index = {fmt: 0 for fmt in formats}
    busy: Counter = Counter()  # mutants of a format now running

    def pick() -> tuple[str, int] | None:
        open_formats = [f for f in formats if len(done[f]) + busy[f] < count]
        if not open_formats or (deadline and time.monotonic() > deadline):
            return None
        fmt = min(open_formats, key=lambda f: (spent[f], len(done[f])))
        while next_index[fmt] in done[fmt]:
            next_index[fmt] += 1
        next_index[fmt] += 1
        return fmt, next_index[fmt] - 1

    records: list[dict] = []
    out = log.open("a", encoding="utf-8") if log else None
    try:
        with ThreadPoolExecutor(max_workers=_workers()) as threads:
            running = {}
            while True:
                while len(running) < _workers() and (job := pick()):
                    busy[job[0]] += 1
                    running[threads.submit(_run_logged, *job, seed, seeds, limits)] = job
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    fmt, index = running.pop(future)
                    busy[fmt] -= 1
                    record = future.result()
                    done[fmt].add(index)
                    spent[fmt] += record["seconds"]
                    records.append(record)
                    if out:
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
                        out.flush()
                    if progress:
                        progress(record, len(done[fmt]))
    finally:
        if out:
            out.close()
    return records


def table(records: list[dict], workers: int, target: int = 10_000) -> str:
    """Outcomes per format over ``records``; rate and the time ``target`` mutants per format would take."""
    by_format: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_format[r["fmt"]].append(r)
    head = f"{'format':8} {'mutants':>7} {'ok':>6} {'finding':>7} {'crash':>5} {'hang':>5} {'memory':>6} " \
           f"{'bad reason':>10} {'peak MiB':>8} {'s/mutant':>8} {'mut/s':>6} {'slowest s':>9} {f'{target} h':>8}"
    lines = [head, "-" * len(head)]
    total_hours = 0.0
    for fmt in [f for f in FORMATS if f in by_format]:
        rs = by_format[fmt]
        o = Counter(r["outcome"] for r in rs)
        busy = sum(r["seconds"] for r in rs)
        mean = busy / len(rs)
        hours = target * mean / workers / 3600  # the pool's workers run that many mutants at once
        total_hours += hours
        lines.append(f"{fmt:8} {len(rs):7} {o['ok']:6} {o['finding']:7} {o['crash']:5} {o['hang']:5} {o['memory']:6} "
                     f"{sum(r['bad_reasons'] for r in rs):10} {max(r['peak_kib'] for r in rs) / 1024:8.0f} {mean:8.3f} "
                     f"{workers / mean if mean else 0:6.2f} {max(r['seconds'] for r in rs):9.1f} {hours:8.1f}")
    lines.append(f"all formats: {len(records)} mutants; {target} per format would take {total_hours:.1f} h "
                 f"on {workers} workers at these rates")
    problems: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in records:
        if r["outcome"] in ("crash", "hang", "memory"):
            problems[(r["fmt"], r["why"])].append(r["index"])
    for (fmt, why), indexes in problems.items():
        lines.append(f"  {fmt}: {len(indexes)}× {why} (replay {fmt}:{indexes[0]})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="mutants per format (the issue's target: 10000)")
    parser.add_argument("--minutes", type=float, help="stop starting mutants after this many minutes")
    parser.add_argument("--log", type=Path, help="JSON-lines log: appended to, and continued from when it exists")
    parser.add_argument("--summary", action="store_true", help="print the table of the --log and stop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="time bound per mutant (a hang past it); OCR of a page whose text layer a mutation "
                             "garbled takes ~45 s on a loaded 2-core machine")
    parser.add_argument("--memory-mb", type=int, default=1024, help="memory bound of the worker processes")
    parser.add_argument("--replay", help="FORMAT:INDEX — write that mutant to ./fuzz-FORMAT-INDEX and run it once")
    args = parser.parse_args()
    from extractors.registry import _workers, shutdown

    if args.summary:
        print(table(read_log(args.log), _workers()))
        return
    try:
        if args.replay:
            fmt, index = args.replay.split(":")
            name, data = mutant(fmt, int(index), args.seed, fuzz_seeds.load([fmt]))
            target = Path(f"fuzz-{fmt}-{index}{Path(name).suffix}")
            if isinstance(data, dict):
                fuzz_seeds.write_folder(target, data)
            else:
                target.write_bytes(data)
            print(f"wrote {target} ({hashlib.sha256(str(data).encode()).hexdigest()[:12]})")
            from extractors.registry import Limits

            with tempfile.TemporaryDirectory() as tmp:
                print(run_one(fmt, name, data, Limits(args.seconds, args.memory_mb * 1024**2), Path(tmp)))
            return
        formats = [f for f in args.formats.split(",") if f]
        started = time.monotonic()

        def progress(record: dict, done: int) -> None:
            if record["outcome"] in ("crash", "hang", "memory") or done % 100 == 0:
                print(f"  {record['fmt']} {done}/{args.count} {record['outcome']} {record['why'] or ''}", flush=True)

        records = fuzz(formats, args.count, args.seed, args.seconds, args.memory_mb, minutes=args.minutes,
                       log=args.log, progress=progress)
        print(table(records, _workers()))
        print(f"this run: {len(records)} mutants in {time.monotonic() - started:.0f} s (seed {args.seed}, bound "
              f"{args.seconds:.0f} s / {args.memory_mb} MiB per worker); this process peak "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        if args.log:
            print(f"\nevery run in {args.log}:")
            print(table(read_log(args.log), _workers()))
    finally:
        shutdown()


if __name__ == "__main__":
    main()
