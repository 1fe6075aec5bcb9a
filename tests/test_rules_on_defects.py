"""Every rule fires on the sample variant that injects its defect, and stays silent on the clean samples.

Variants (samples/defects.yaml) are rendered into real bundles (DOCX, PDF, XLSX, .eml) and read by the
real pipeline functions; only the findings beyond the base sample's own are compared.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from checks import problem_findings, run_checks
from extractors.registry import extract
from intake.bundles import open_bundle
from mapping.submission import map_bundle
from samples.make_samples import load_specs, write_bundle
from samples.variants import apply_defect, load_defects
from schemas.submission import Bundle

DEFECTS = load_defects()
_documents: dict[str, object] = {}  # extraction cache by content hash: variants share most files


def _findings(spec: dict, out) -> Counter:
    path = write_bundle(spec, out)
    when = None if spec["channel"] == "email" else datetime.fromisoformat(spec["received_at"])
    bundle = open_bundle(path, when)
    documents = []
    for f in bundle.files:
        if f.sha256 not in _documents:
            _documents[f.sha256] = extract(f.name, f.data)
        documents.append(_documents[f.sha256].model_copy(update={"file": f.name}))
    mapped = map_bundle(Bundle(id=bundle.id, channel=bundle.channel, received_at=bundle.received_at), documents)
    findings = problem_findings(bundle.problems) + run_checks(mapped)
    return Counter((f.rule, f.indicator or f.params.get("role") or f.params.get("file")) for f in findings)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, tuple[dict, Counter]]:
    out = tmp_path_factory.mktemp("bases")
    return {spec["id"]: (spec, _findings(spec, out)) for spec in load_specs()}


def test_clean_samples_raise_only_their_known_findings(bases):
    false_findings = 0
    for spec, found in bases.values():
        want = Counter((f["rule"], f.get("indicator") or f.get("role") or f.get("file")) for f in spec["expected"]["findings"])
        false_findings += sum((found - want).values())
        assert found == want, spec["id"]
    print(f"clean samples: {false_findings} false findings")


@pytest.mark.parametrize("defect", DEFECTS, ids=[d["id"] for d in DEFECTS])
def test_defect_is_found(defect, bases, tmp_path):
    base_spec, base_found = bases[defect["base"]]
    found = _findings(apply_defect(base_spec, defect), tmp_path)
    extra = found - base_found
    want = Counter(tuple(e) for e in defect["expect"])
    assert extra == want, f"{defect['id']}: extra findings {dict(extra)}, expected {dict(want)}"


def test_every_catalogue_rule_the_issue_names_is_exercised():
    named = {"document.missing", "document.unreadable", "submission.late", "applicant.registration_no_invalid",
             "applicant.city_size_mismatch", "indicator.missing", "indicator.value_unparseable",
             "indicator.recompute_mismatch", "indicator.summary_detail_mismatch", "indicator.count_mismatch",
             "indicator.period_out_of_window", "indicator.evidence_page_missing", "indicator.cross_inconsistent",
             "indicator.duplicate_entry", "domains.selection_invalid", "qualitative.missing", "qualitative.stage_invalid",
             "service.domain_ineligible", "service.level_invalid", "service.self_score_exceeds_max",
             "service.total_mismatch", "service.joint_confirmation_missing"}
    exercised = {e[0] for d in DEFECTS for e in d["expect"]} | {f["rule"] for s in load_specs() for f in s["expected"]["findings"]}
    assert named - exercised == set()
