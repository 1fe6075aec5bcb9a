"""Particles after values are chosen (tossi) instead of written out as 이(가), 을(를): in the catalogue's
findings on real bundles and in the rule explanation rendered with an occurrence's values."""

from __future__ import annotations

import re

import pytest

from checks.catalogue import catalogue
from checks.particles import with_particles
from samples.make_samples import load_specs, write_bundle
from tests.pipeline import process_plain

ALTERNATION = re.compile(r"이\(가\)|을\(를\)|은\(는\)|와\(과\)|과\(와\)|\(으\)로")


@pytest.mark.parametrize(("written", "read"), [
    ("'신청서'이(가) 없습니다", "'신청서'가 없습니다"),  # no final consonant
    ("'정성지표 자체평가표'을(를) 냈다", "'정성지표 자체평가표'를 냈다"),
    ("값 '12.3'와(과) 다릅니다", "값 '12.3'과 다릅니다"),  # 삼: final consonant
    ("접수 시각 2025-09-23 11:30이(가) 지났다", "접수 시각 2025-09-23 11:30이 지났다"),
    ("'대도시'은(는) 아닙니다", "'대도시'는 아닙니다"),
    ("'USB'을(를) 열 수 없다", "'USB'를 열 수 없다"),  # 비: read by the letter's Korean name
    ("'CCTV'와(과) 같다", "'CCTV'와 같다"),
    ("'HTML'이(가) 있다", "'HTML'이 있다"),  # 엘
    ("3(으)로 보정", "3으로 보정"),
    ("'결과'(으)로 보정", "'결과'로 보정"),
])
def test_particle_fits_the_word_before_it(written, read):
    assert with_particles(written) == read


def test_findings_on_a_real_bundle_have_no_written_out_particles(tmp_path):
    specs = {s["id"]: s for s in load_specs()}
    submission, _ = process_plain(write_bundle(specs["city-pureun"], tmp_path))
    assert submission.findings
    for finding in submission.findings:
        assert not ALTERNATION.search(finding.message_ko), finding.message_ko
        rule = catalogue()[finding.rule]
        explained = rule.render(finding.params)
        assert explained == finding.message_ko  # the explanation is the message with its values
        assert "{" not in explained


def test_explanation_without_values_shows_no_keys():
    rule = catalogue()["indicator.recompute_mismatch"]
    explained = rule.render({"code": "A-2-1", "name": "인구 1만명 당 혁신성 인증 기업 수", "stated": 3.5})
    assert "A-2-1" in explained and "3.5" in explained
    assert not re.search(r"\{\w+\}|\b(code|stated|where|formula)\b", explained) and not ALTERNATION.search(explained)
