"""The stages of processing reach the caller through the hook it sets around the flow (flows.process.reporting):
opening, storing, extracting file k of n, assessing, recording, in that order and with their counts."""

from __future__ import annotations

from samples.make_samples import load_specs, write_bundle


def test_process_bundle_reports_its_stages_in_order(tmp_path):
    from checks.pipeline import extractable_files
    from cli.display import stage_text
    from flows.process import process_bundle, reporting
    from intake.bundles import open_bundle

    spec = next(s for s in load_specs() if s["id"] == "city-hanbit")
    bundle = write_bundle(spec, tmp_path / "build")
    seen: list[tuple[str, int, int]] = []
    with reporting(lambda stage, done, total: seen.append((stage, done, total))):
        submission = process_bundle(bundle, tmp_path / "out", None, f"sqlite:///{tmp_path / 'i.db'}",
                                    tmp_path / "store")
    stages = [stage for stage, _, _ in seen]
    order = ["opening", "storing", "extracting", "assessing", "recording"]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == order
    files = len(extractable_files(open_bundle(bundle)))
    extracting = [(done, total) for stage, done, total in seen if stage == "extracting"]
    assert extracting[0] == (0, files) and extracting[-1] == (files, files)
    assert [done for done, _ in extracting] == sorted(done for done, _ in extracting)
    assert ("storing", 0, len(submission.bundle.files)) in seen
    assert ("recording", len(submission.findings), 0) in seen
    assert stage_text("extracting", 2, files) == f"파일 내용 추출 중 (2/{files})"
