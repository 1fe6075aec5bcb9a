"""A small stored cohort for the hand-off tests: two 대도시 (한빛시 and a variant), a 중소도시 and the service
provider, processed by the pipeline (without Prefect) into a SQLite store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from samples.make_samples import load_specs, write_bundle
from samples.variants import apply_defect
from tests.pipeline import process_plain


def build_cohort(work: Path) -> tuple[str, dict[str, int], list[Path]]:
    """(database url, applicant name → submission id, the bundle paths)."""
    specs = {s["id"]: s for s in load_specs()}
    url = f"sqlite:///{work / 'cohort.db'}"
    gaon = apply_defect(specs["city-hanbit"], {"id": "gaon", "set": {
        "applicant/name": "가온시", "applicant/registration_no": "105-83-00013", "summary/A-1-2": ["8건", 8, [4, 5]]}})
    ids, paths = {}, []
    for spec in [specs["city-hanbit"], gaon, specs["city-pureun"], specs["service-mobility"]]:
        path = write_bundle(spec, work / "bundles")
        when = None if spec["channel"] == "email" else datetime.fromisoformat(spec["received_at"])
        _, ids[spec["applicant"]["name"]] = process_plain(path, when, url)
        paths.append(path)
    return url, ids, paths
