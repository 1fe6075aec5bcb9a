"""Seeded mutational fuzzing of every extractor and of bundle opening, through the pipeline's bounded path.

    nice -n 10 .venv/bin/python bench/fuzz.py [--count 300] [--seed 1] [--formats pdf,docx,...]
                                             [--seconds 120] [--memory-mb 1024] [--replay FORMAT:INDEX]

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
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import resource
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
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


@dataclass
class Tally:
    outcomes: Counter = field(default_factory=Counter)
    bad_reasons: int = 0
    peak_worker_kib: int = 0
    seconds: float = 0.0
    crashes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    slowest: tuple[float, int] = (0.0, -1)


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
    bundle = run_bounded(open_bundle, path, limits=limits)
    stored = RawStore(work / "store").store_bundle(bundle, container=path if path.is_file() else None)
    import bagit

    bagit.Bag(str(stored.bag)).validate(processes=1)  # a BagError here is a crash: a bag the store made is invalid
    return ("ok" if not bundle.problems else "finding"), [f.message_ko for f in problem_findings(bundle.problems)]


def fuzz(formats: list[str], count: int, seed: int, seconds: float, memory_mb: int, progress=None) -> dict[str, Tally]:
    import shutil

    from extractors.registry import BoundExceeded, Limits

    limits = Limits(seconds=seconds, memory_bytes=memory_mb * 1024**2)
    seeds = fuzz_seeds.load(formats)
    tallies: dict[str, Tally] = {}
    for fmt in formats:
        tally = tallies[fmt] = Tally()
        for index in range(count):
            name, data = mutant(fmt, index, seed, seeds)
            work = Path(tempfile.mkdtemp(prefix="fuzz-"))
            started = time.monotonic()
            try:
                outcome, messages = run_one(fmt, name, data, limits, work)
                tally.bad_reasons += sum(bool(EXCEPTION_NAME.search(m or "")) for m in messages)
            except BoundExceeded as exc:
                outcome = "hang" if exc.code == "unreadable.timeout" else "memory"
                tally.crashes[f"{outcome}: {exc.why}"].append(index)
            except Exception as exc:  # the escape this harness looks for
                outcome = "crash"
                tally.crashes[_signature(exc)].append(index)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            took = time.monotonic() - started
            tally.seconds += took
            tally.slowest = max(tally.slowest, (took, index))
            tally.outcomes[outcome] += 1
            tally.peak_worker_kib = max(tally.peak_worker_kib, _worker_peak_kib())
            if progress:
                progress(fmt, index, outcome)
    return tallies


def table(tallies: dict[str, Tally], count: int) -> str:
    head = f"{'format':8} {'mutants':>7} {'ok':>5} {'finding':>7} {'crash':>5} {'hang':>5} {'memory':>6} " \
           f"{'bad reason':>10} {'peak MiB':>8} {'mut/s':>6} {'slowest s':>9}"
    lines = [head, "-" * len(head)]
    for fmt, t in tallies.items():
        o = t.outcomes
        rate = sum(o.values()) / t.seconds if t.seconds else 0.0
        lines.append(f"{fmt:8} {sum(o.values()):7} {o['ok']:5} {o['finding']:7} {o['crash']:5} {o['hang']:5} "
                     f"{o['memory']:6} {t.bad_reasons:10} {t.peak_worker_kib / 1024:8.0f} {rate:6.2f} "
                     f"{t.slowest[0]:9.1f}")
    lines.append(f"this process peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    for fmt, t in tallies.items():
        for signature, indexes in t.crashes.items():
            lines.append(f"  {fmt}: {len(indexes)}× {signature} (replay {fmt}:{indexes[0]})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="mutants per format (the issue's target: 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="time bound per mutant (a hang past it); OCR of a page whose text layer a mutation "
                             "garbled takes ~45 s on a loaded 2-core machine")
    parser.add_argument("--memory-mb", type=int, default=1024, help="memory bound of the worker processes")
    parser.add_argument("--replay", help="FORMAT:INDEX — write that mutant to ./fuzz-FORMAT-INDEX and run it once")
    args = parser.parse_args()
    from extractors.registry import shutdown

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

        def progress(fmt: str, index: int, outcome: str) -> None:
            if outcome in ("crash", "hang", "memory") or (index + 1) % 50 == 0:
                print(f"  {fmt} {index + 1}/{args.count} {outcome}", flush=True)

        tallies = fuzz(formats, args.count, args.seed, args.seconds, args.memory_mb, progress)
        print(table(tallies, args.count))
        print(f"{sum(sum(t.outcomes.values()) for t in tallies.values())} mutants in {time.monotonic() - started:.0f} s "
              f"(seed {args.seed}, bound {args.seconds:.0f} s / {args.memory_mb} MiB per worker)")
    finally:
        shutdown()


if __name__ == "__main__":
    main()
