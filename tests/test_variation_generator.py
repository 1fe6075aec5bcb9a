"""The seeded bundle generator (samples.draw): deterministic, in the development set's truth format,
reaching every variation class, consistent when clean, and readable by the project's own extractors.

These tests check the generator, not the pipeline's accuracy on what it draws (bench/accuracy.py
reports that).
"""

from __future__ import annotations

import email
import hashlib
import importlib.util
import json
import re
import unicodedata
import zipfile
from datetime import date
from email import policy
from pathlib import Path

import pytest

from extractors.registry import extract
from samples.draw import draw_bundle, draw_plan
from samples.draw.choices import choice_space
from samples.draw.city_values import evaluate
from samples.draw.defects import rules_for
from samples.draw.places import check_digit
from samples.draw.service_draw import FORM_KEYS
from schemas import load_programme

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "devset" / "score.py"
CITY, SERVICE = "city-2025", "service-2023"
TOP_KEYS = {"bundle_id", "seed", "index", "programme", "channel", "bundle_path", "received_at", "applicant",
            "indicators", "selected_domains", "qualitative", "service", "defects", "facts", "files", "variants"}
APPLICANT_KEYS = {"name", "registration_no", "representative", "phone", "address", "city_size"}
INDICATOR_KEYS = {"value", "components", "stated_text", "kind", "evidence_pages"}
INDICATOR_OPTIONAL = {"alt_values", "listed_items", "xlsx_sheet", "xlsx_only"}
SERVICE_KEYS = {"level", "domain", "service_name", "joint", "self_scores", "stated_totals", "numbering"}
FILE_KEYS = {"name", "path", "sha256", "role", "pages"}


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _seed_with(predicate, programme=None, start=0) -> int:
    return next(s for s in range(start, start + 500) if predicate(draw_plan(s, programme=programme)))


def _packed(plan) -> tuple[str, str]:
    return plan.variants["channel"], plan.variants["proposal_format"]


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, Path]:
    """A few rendered bundles covering e-mail, USB zip and folder, both programmes, PDF and DOCX proposals."""
    out = tmp_path_factory.mktemp("drawn")
    picks = {
        "city-email-pdf": _seed_with(lambda p: _packed(p) == ("email", "pdf"), CITY),
        "city-zip-docx": _seed_with(lambda p: _packed(p) == ("usb_zip", "docx")
                                    and any(i.xlsx_only for i in p.indicators.values()), CITY),
        "city-folder": _seed_with(lambda p: p.variants["channel"] == "folder", CITY),
        "service-email": _seed_with(lambda p: p.variants["channel"] == "email", SERVICE),
        "service-zip": _seed_with(lambda p: p.variants["channel"] == "usb_zip", SERVICE),
    }
    return {key: draw_bundle(seed, out, programme=CITY if key.startswith("city") else SERVICE)
            for key, seed in picks.items()}


def test_same_seed_gives_the_same_bytes(tmp_path):
    for programme in (CITY, SERVICE):
        a = draw_bundle(11, tmp_path / "a", programme=programme)
        b = draw_bundle(11, tmp_path / "b", programme=programme)
        assert a.name == b.name
        assert _tree(a) == _tree(b)
    assert draw_plan(12).variants == draw_plan(12).variants


def test_expected_json_has_the_development_set_format(drawn):
    for folder in drawn.values():
        exp = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        assert set(exp) == TOP_KEYS
        assert exp["programme"] in (CITY, SERVICE) and exp["channel"] in ("email", "usb")
        assert (folder / exp["bundle_path"]).exists()
        assert (exp["received_at"] is None) == (exp["channel"] == "usb")
        assert set(exp["applicant"]) == APPLICANT_KEYS
        for code, ind in exp["indicators"].items():
            assert INDICATOR_KEYS <= set(ind) <= INDICATOR_KEYS | INDICATOR_OPTIONAL, code
            assert all(isinstance(v, (int, float)) for v in ind["components"].values())
        if exp["programme"] == SERVICE:
            assert set(exp["service"]) == SERVICE_KEYS and exp["indicators"] == {}
        for d in exp["defects"]:
            assert d["rule"] in rules_for("city") + rules_for("service") and "indicator" in d
        for f in exp["files"]:
            assert FILE_KEYS <= set(f) and f["name"] == unicodedata.normalize("NFC", f["name"])
    if SCORER.exists():  # the scorer itself reads every truth without a KeyError (an empty answer scores zero)
        spec = importlib.util.spec_from_file_location("devset_score", SCORER)
        scorer = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(scorer)
        for folder in drawn.values():
            exp = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
            assert scorer.score_bundle(exp, {})["counts"]


@pytest.mark.parametrize("programme", [CITY, SERVICE])
def test_every_variation_class_is_reachable(programme):
    kind = load_programme(programme).kind
    seen: dict[str, list] = {}
    for seed in range(60):
        plan = draw_plan(seed, programme=programme)
        for key, value in plan.variants.items():
            seen.setdefault(key, []).append(value)
        inds = plan.indicators.values()
        seen.setdefault("xlsx_only", []).append(any(i.xlsx_only for i in inds))
        seen.setdefault("page_range", []).append(any(len(i.pages) > 1 for i in inds))
        seen.setdefault("own_indicator", []).append(any(i.kind == "selfset" for i in inds))
    for key, options in choice_space(kind).items():
        for option in options:
            assert option in seen[key], f"{key}={option!r} never drawn in 60 seeds"
    if kind == "city":  # components only in the annex, page ranges, the city's own indicators
        for key in ("xlsx_only", "page_range", "own_indicator"):
            assert True in seen[key], key


@pytest.mark.parametrize("programme", [CITY, SERVICE])
def test_every_defect_can_be_drawn_and_is_recorded(programme):
    for n, rule in enumerate(rules_for(load_programme(programme).kind)):
        plan = draw_plan(200 + n, programme=programme, defect=rule)
        assert rule in [d["rule"] for d in plan.defects], rule
    assert draw_plan(5, programme=programme, defect=None).defects == []
    drawn_rules = [len(draw_plan(s, programme=programme).defects) for s in range(40)]
    assert 0 in drawn_rules and max(drawn_rules) <= 2


def test_a_clean_city_bundle_is_consistent():
    programme = load_programme(CITY)
    for seed in range(30):
        plan = draw_plan(seed, programme=CITY, defect=None)
        for code, ind in plan.indicators.items():
            spec = programme.indicator(code)
            if spec.formula:
                assert round(evaluate(spec.formula, ind.components), 2) == pytest.approx(ind.value, abs=1e-9), code
            if ind.kind == "list":
                assert len(ind.items) == ind.value, code
                start = plan.context["window_start"]
                end = date(start.year + (start.month + 22) // 12, (start.month + 22) % 12 + 1, 28)
                assert all(start <= it.when <= end for it in ind.items if it.when), code
            assert max(ind.pages) <= plan.evidence_pages
        digits = [int(c) for c in re.sub(r"\D", "", plan.applicant["registration_no"])]
        assert check_digit(digits[:9]) == digits[9]
        true_size = programme.size_class_of(plan.applicant["name"], plan.facts["population_2024_12"])
        assert plan.applicant["city_size"] == true_size
        assert len(plan.selected_domains) == programme.domain_rules.choose_optional


def test_a_clean_service_bundle_is_consistent():
    programme = load_programme(SERVICE)
    points = {s.key.split("-")[0]: s.points for s in programme.sub_items()}
    for seed in range(30):
        service = draw_plan(seed, programme=SERVICE, defect=None).service
        assert all(0 <= score <= points[key] for key, score in service["self_scores"].items())
        totals = service["stated_totals"]
        assert totals["total"] == sum(service["self_scores"].values()) == totals["1"] + totals["2"] + totals["3"]
        assert any(service["domain"].startswith(d.name[:2]) for d in programme.domains if d.eligible)


def _bundle_files(folder: Path, exp: dict) -> dict[str, bytes]:
    path = folder / exp["bundle_path"]
    if path.suffix == ".eml":
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        return {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            return {_member_name(i): zf.read(i) for i in zf.infolist() if not i.is_dir()}
    return {unicodedata.normalize("NFC", str(p.relative_to(path))): p.read_bytes()
            for p in path.rglob("*") if p.is_file()}


def _member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name: UTF-8 when flagged, else the CP949 bytes Python read as CP437."""
    name = info.filename if info.flag_bits & 0x800 else info.filename.encode("cp437").decode("cp949")
    return unicodedata.normalize("NFC", name)


def _cells_by_role(folder: Path) -> tuple[dict, dict[str, list[str]]]:
    exp = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    files = _bundle_files(folder, exp)
    out: dict[str, list[str]] = {}
    for record in exp["files"]:
        data = files[record["path"]]
        assert hashlib.sha256(data).hexdigest() == record["sha256"]
        if record.get("corrupt"):
            continue
        doc = extract(record["name"], data)
        assert not any(p.fatal for p in doc.problems), (record["name"], doc.problems)
        out.setdefault(record["role"], []).extend(re.sub(r"\s+", "", c.text) for t in doc.tables for c in t.cells)
    return exp, out


def test_documents_open_with_the_extractors_and_hold_the_truth(drawn):
    for key, folder in drawn.items():
        exp, cells = _cells_by_role(folder)
        squash = lambda s: re.sub(r"\s+", "", str(s))
        if "application" in cells:
            for field in ("name", "address"):
                assert any(squash(exp["applicant"][field]) in c for c in cells["application"]), (key, field)
        if exp["programme"] == CITY:
            for code, ind in exp["indicators"].items():  # the 요약표's stated texts, as written
                assert squash(ind["stated_text"]) in cells["quantitative_proposal"], (key, code, ind["stated_text"])
            sheets = {code: ind["xlsx_sheet"] for code, ind in exp["indicators"].items() if ind.get("xlsx_sheet")}
            if sheets:  # components kept in the workbook annex are on the sheet the truth names
                annex = next(f for f in exp["files"] if f["format"] == "xlsx" and f["role"] == "quantitative_proposal")
                doc = extract(annex["name"], _bundle_files(folder, exp)[annex["path"]])
                assert set(sheets.values()) <= {t.sheet for t in doc.tables}, key
        elif "self_evaluation" in cells:
            form = exp["service"]["numbering"] == "form"
            for sub in exp["service"]["self_scores"]:  # every scored row, under the numbering it is written in
                shown = FORM_KEYS.get(sub, sub) if form else sub
                assert any(c.startswith(shown) for c in cells["self_evaluation"]), (key, shown)
            assert str(exp["service"]["stated_totals"]["total"]) in cells["self_evaluation"], key
