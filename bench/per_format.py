"""Accuracy per format: the scorer's per-bundle counts grouped by the form each document arrived in.

Groups come from each bundle's ``expected.json`` (the same for the development set and fresh draws): the
proposal's format (DOCX, PDF, HWPX, HWP, scan), the application's (a phone photo among them), the
container (plain e-mail, forwarded e-mail, e-mail carrying a zip, USB zip, 7z, a zip inside the zip,
folder) and whether the 요약표 runs over a page break with its header repeated. Used by bench/accuracy.py.

Run on its own over a kept run, it tells for the scanned proposals which values OCR got right or wrong and
which of them ``ocr.low_confidence`` flags (every wrong one should be, no right one):

    .venv/bin/python bench/per_format.py --bundles KEEP/fresh --outputs KEEP/out-fresh
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path, PurePosixPath

SCORER = Path(os.environ.get("INTAKE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")) / "devset" / "score.py"

PROPOSAL_ROLES = ("quantitative_proposal", "service_proposal")
IMAGE_FORMATS = {"jpg", "jpeg", "png", "tif", "tiff", "heic"}


def _format(record: dict) -> str:
    fmt = (record.get("format") or PurePosixPath(record["name"]).suffix.lstrip(".")).lower()
    if fmt in IMAGE_FORMATS:
        return "photo"
    return "scan" if record.get("scanned") else fmt


def groups_of(exp: dict) -> list[str]:
    """The groups one bundle counts in."""
    files, variants = exp["files"], exp.get("variants") or {}
    out = []
    proposal = next((f for f in files if f["role"] in PROPOSAL_ROLES and _format(f) != "xlsx"), None)
    if proposal:
        out.append(f"proposal {_format(proposal)}")
    application = next((f for f in files if f["role"] == "application"), None)
    if application:
        out.append(f"application {_format(application)}")
    out.append(f"container {container_of(exp)}")
    if variants.get("summary_split") == "page_flow" or variants.get("summary_repeat_header"):
        out.append("요약표 over a page break, header repeated")
    if variants.get("summary_header_again"):
        out.append("요약표 header typed again mid-table")
    return out


def container_of(exp: dict) -> str:
    variants, path = exp.get("variants") or {}, exp["bundle_path"]
    nested = any(".zip/" in f["path"] or ".7z/" in f["path"] for f in exp["files"])
    if path.endswith(".eml"):
        if variants.get("email_variant") == "forward":
            return "e-mail forwarded" + (" (message/rfc822)" if variants.get("forward_as_attachment") else " (inline)")
        return "e-mail with a zip" if nested else "e-mail"
    if path.endswith(".7z"):
        return "USB 7z"
    if path.endswith(".zip"):
        return "USB zip in zip" if nested else "USB zip"
    return "USB folder with a zip" if nested else "USB folder"


def per_format_rows(result: dict, bundles_dir: Path) -> list[tuple[str, Counter]]:
    by_id = {b["bundle"]: b for b in result["bundles"]}
    stats: dict[str, Counter] = {}
    for path in sorted(bundles_dir.glob("*/expected.json")):
        exp = json.loads(path.read_text(encoding="utf-8"))
        rec = by_id.get(exp["bundle_id"])
        if rec is None:
            continue
        counts = rec.get("counts", {})
        for group in groups_of(exp):
            c = stats.setdefault(group, Counter())
            c["bundles"] += 1
            c["crashes"] += bool(rec.get("crash"))
            for key in ("indicator_ok", "indicator_total", "applicant_ok", "applicant_total", "file_role_ok",
                        "file_total", "service_ok", "service_total"):
                c[key] += counts.get(key, 0)
            c["clean"] += bool(rec.get("clean"))
            c["false"] += len(rec.get("false_findings", []))
    order = {"proposal": 0, "application": 1, "container": 2}
    return sorted(stats.items(), key=lambda kv: (order.get(kv[0].split()[0], 3), kv[0]))


def _share(c: Counter, ok: str, total: str) -> str:
    return f"{c[ok] / c[total]:.1%} ({c[ok]}/{c[total]})" if c[total] else "n/a"


def per_format_table(name: str, result: dict, bundles_dir: Path, console) -> None:
    from rich.table import Table

    t = Table(title=f"{name}: per format (a bundle counts once per group it is in)")
    for col in ("group", "bundles", "indicator values", "applicant fields", "service fields", "crashes",
                "files given their role", "blocker/warning per clean bundle"):
        t.add_column(col, justify="left" if col == "group" else "right")
    for group, c in per_format_rows(result, bundles_dir):
        false = f"{c['false'] / c['clean']:.2f} ({c['clean']} clean)" if c["clean"] else "n/a"
        t.add_row(group, str(c["bundles"]), _share(c, "indicator_ok", "indicator_total"),
                  _share(c, "applicant_ok", "applicant_total"), _share(c, "service_ok", "service_total"),
                  str(c["crashes"]), _share(c, "file_role_ok", "file_total"), false)
    console.print(t)


def ocr_value_rows(bundles_dir: Path, outputs_dir: Path) -> list[dict]:
    """Per bundle whose proposal is a scan, from a kept run (``bench/accuracy.py --keep``): the values read by
    OCR, how many are right, and how many of the right and of the wrong ones ``ocr.low_confidence`` flags; with
    the blocker/warning findings of a clean bundle by rule."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("devset_score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    rows = []
    for path in sorted(bundles_dir.glob("*/expected.json")):
        exp = json.loads(path.read_text(encoding="utf-8"))
        if "proposal scan" not in groups_of(exp):
            continue
        out = outputs_dir / exp["bundle_id"] / "submission.json"
        if not out.parent.exists():
            continue  # not run (a run stopped early)
        if not out.exists():
            rows.append({"bundle": exp["bundle_id"], "crash": True})
            continue
        sub = json.loads(out.read_text(encoding="utf-8"))
        flagged = {f.get("indicator") for f in sub.get("findings", []) if f.get("rule") == "ocr.low_confidence"}
        c = Counter({k: 0 for k in ("expected", "right", "wrong", "unread", "right_flagged", "wrong_flagged")})
        for code, e in exp["indicators"].items():
            got = (sub.get("indicators") or {}).get(code) or {}
            c["expected"] += 1
            right = any(scorer.num_match(v, got.get("value")) for v in [e["value"], *e.get("alt_values", [])])
            if not got:
                c["unread"] += 1
            elif right:
                c["right"] += 1
                c["right_flagged"] += code in flagged
            else:
                c["wrong"] += 1
                c["wrong_flagged"] += code in flagged
        scored = scorer.score_bundle(exp, sub)
        c["applicant_ok"] += scored["counts"].get("applicant_ok", 0)
        c["applicant_total"] += scored["counts"].get("applicant_total", 0)
        serious = Counter(f["rule"] for f in scored.get("false_findings", []))
        rows.append({"bundle": exp["bundle_id"], "crash": False, "clean": not exp["defects"], **c,
                     "findings": dict(serious.most_common()) if not exp["defects"] else None})
    return rows


def ocr_value_table(bundles_dir: Path, outputs_dir: Path, console) -> None:
    from rich.table import Table

    t = Table(title="scanned proposals: values and ocr.low_confidence (unread = no value at all)")
    for col in ("bundle", "values", "right", "wrong", "unread", "wrong flagged", "right flagged", "applicant fields",
                "clean: blocker/warning findings by rule"):
        t.add_column(col, justify="left" if col in ("bundle", "clean: blocker/warning findings by rule") else "right")
    total = Counter()
    rows = ocr_value_rows(bundles_dir, outputs_dir)
    for r in rows:
        if r["crash"]:
            t.add_row(r["bundle"], "crash", "", "", "", "", "", "", "")
            continue
        total.update({k: v for k, v in r.items() if isinstance(v, int) and not isinstance(v, bool)})
        t.add_row(r["bundle"], str(r["expected"]), str(r["right"]), str(r["wrong"]), str(r["unread"]),
                  f"{r['wrong_flagged']}/{r['wrong']}", f"{r['right_flagged']}/{r['right']}",
                  f"{r['applicant_ok']}/{r['applicant_total']}",
                  "" if r["findings"] is None else (", ".join(f"{k} {v}" for k, v in r["findings"].items()) or "none"))
    t.add_row("all", str(total["expected"]), f"{total['right']} ({total['right'] / max(total['expected'], 1):.1%})",
              str(total["wrong"]), str(total["unread"]), f"{total['wrong_flagged']}/{total['wrong']}",
              f"{total['right_flagged']}/{total['right']}", f"{total['applicant_ok']}/{total['applicant_total']}",
              f"{sum(sum(r['findings'].values()) for r in rows if r.get('findings') is not None)} over "
              f"{sum(1 for r in rows if r.get('findings') is not None)} clean bundles")
    console.print(t)


def main() -> None:
    import argparse

    from rich.console import Console

    ap = argparse.ArgumentParser(description="Scanned proposals of a kept run: values right, wrong, unread, and "
                                 "which of them ocr.low_confidence flags.")
    ap.add_argument("--bundles", type=Path, required=True, help="the bundles (e.g. KEEP/fresh or the dev set part)")
    ap.add_argument("--outputs", type=Path, required=True, help="the pipeline's outputs (e.g. KEEP/out-fresh)")
    a = ap.parse_args()
    ocr_value_table(a.bundles, a.outputs, Console(width=200))


if __name__ == "__main__":
    main()
