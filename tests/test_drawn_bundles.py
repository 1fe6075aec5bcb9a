"""The pipeline on drawn bundles (samples.draw, fixed seeds): what it reads equals the truth drawn with them.

Clean bundles of both programmes, laid out as the generator draws them; each value, component, stage,
applicant field and self-score is compared with ``expected.json`` the way ``../shared/devset/score.py``
compares them, and a clean bundle may carry no blocker or warning. ``bench/accuracy.py`` measures the same
on fresh seeds; these seeds were not used to tune the reading.
"""

from __future__ import annotations

import json

import pytest

from samples.draw import draw_bundle
from tests.pipeline import process_plain

SEEDS = {"city-2025": [4101, 4102, 4103, 4104], "service-2023": [4201, 4202]}


def _close(expected, got) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    return isinstance(got, (int, float)) and abs(got - expected) <= max(0.01, 0.005 * abs(expected))


def _bundle_path(folder):
    return next(p for p in sorted(folder.iterdir()) if p.name != "expected.json")


@pytest.mark.parametrize("programme,seed", [(p, s) for p, seeds in SEEDS.items() for s in seeds])
def test_a_clean_drawn_bundle_is_read_as_drawn(tmp_path, programme, seed):
    folder = draw_bundle(seed, tmp_path, programme=programme, defect=None)
    truth = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert truth["defects"] == []
    submission, _ = process_plain(_bundle_path(folder))
    assert submission.programme == programme
    wrong = []
    for code, want in truth["indicators"].items():
        got = submission.indicators.get(code)
        if got is None or not _close(want["value"], got.value):
            wrong.append((code, want["value"], got.value if got else None))
        for letter, value in (want.get("components") or {}).items():
            got_value = got.components.get(letter) if got else None
            if not _close(value, got_value):
                wrong.append((f"{code}.{letter}", value, got_value))
    for key, stage in (truth.get("qualitative") or {}).items():
        got = submission.qualitative.get(key)
        if got is None or got.stage != stage:
            wrong.append((key, stage, got.stage if got else None))
    if programme == "service-2023":
        service = submission.service
        wrong += [(k, v, service.self_scores.get(k)) for k, v in truth["service"]["self_scores"].items()
                  if not _close(v, service.self_scores.get(k))]
        assert service.level == truth["service"]["level"]
    assert truth["applicant"]["city_size"] == submission.applicant.city_size
    assert wrong == [], f"seed {seed}, variants {truth['variants']}"
    serious = [(f.rule, f.indicator) for f in submission.findings if f.severity in ("blocker", "warning")]
    assert serious == [], f"seed {seed}, variants {truth['variants']}"
