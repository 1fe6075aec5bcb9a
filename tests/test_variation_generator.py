"""The seeded bundle generator (samples.draw): deterministic, in the development set's truth format,
reaching every variation class, consistent when clean, and readable by the project's own extractors.

These tests check the generator, not the pipeline's accuracy on what it draws (bench/accuracy.py
reports that).
"""

from __future__ import annotations

import email
import hashlib
import importlib.util
import io
import json
import re
import unicodedata
import zipfile
from datetime import date, datetime
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
    """Each file the truth lists, by its path in the bundle (through forwarded messages and archives)."""
    top = _top_files(folder, exp)
    return {record["path"]: _resolve(top, record["path"]) for record in exp["files"]}


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


# --- formats and packings (samples.draw.formats, render_hancom, containers) ----------------------------

def _archive_members(data: bytes) -> dict[str, bytes]:
    if data[:6] == b"7z\xbc\xaf\x27\x1c":
        import py7zr

        with py7zr.SevenZipFile(io.BytesIO(data)) as archive:
            factory = py7zr.io.BytesIOFactory(64 * 1024**2)
            archive.extractall(factory=factory)
            return {unicodedata.normalize("NFC", name): buf.read() for name, buf in factory.products.items()}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {_member_name(i): zf.read(i) for i in zf.infolist() if not i.is_dir()}


def _mail_attachments(message) -> dict[str, bytes]:
    """Attachments, those of an attached original (message/rfc822) included, by file name."""
    out = {}
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            out.update(_mail_attachments(part.get_content()))
        else:
            out[part.get_filename()] = part.get_content()
    return out


def _resolve(top: dict[str, bytes], path: str) -> bytes:
    """A file by its path in the bundle, through archives inside archives (`a.zip/folder/b.zip/c.pdf`)."""
    if path in top:
        return top[path]
    prefix = next(p for p in sorted(top, key=len, reverse=True) if path.startswith(p + "/"))
    return _resolve(_archive_members(top[prefix]), path[len(prefix) + 1:])


def _top_files(folder: Path, exp: dict) -> dict[str, bytes]:
    path = folder / exp["bundle_path"]
    if path.suffix == ".eml":
        return _mail_attachments(email.message_from_bytes(path.read_bytes(), policy=policy.default))
    if path.is_file():
        return _archive_members(path.read_bytes())
    return {unicodedata.normalize("NFC", str(p.relative_to(path))): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def _draw_where(tmp_path, programme: str, predicate) -> tuple[Path, dict]:
    seed = _seed_with(lambda p: predicate(p.variants), programme, start=4300)
    folder = draw_bundle(seed, tmp_path, programme=programme)
    return folder, json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def test_new_formats_and_packings_give_the_same_bytes_for_a_seed(tmp_path):
    for programme, predicate in [(CITY, lambda v: v["hancom"] != "none" and v["usb_archive"] == "7z"),
                                 (SERVICE, lambda v: v["hancom"] == "hwp" and v["email_variant"] == "forward"),
                                 (CITY, lambda v: v["usb_nested"] == "whole")]:
        seed = _seed_with(lambda p: predicate(p.variants), programme, start=4300)
        a = draw_bundle(seed, tmp_path / "a", programme=programme)
        b = draw_bundle(seed, tmp_path / "b", programme=programme)
        assert _tree(a) == _tree(b), seed


def test_every_file_of_every_packing_is_where_the_truth_says(tmp_path):
    """Through forwarded messages, a zip attached to an e-mail, 7z and a zip inside the zip: each file the
    truth lists is at its path, with its hash, and opens with the project's extractors."""
    cases = {"forward rfc822": (CITY, lambda v: v["forward_as_attachment"] is True),
             "forward inline": (SERVICE, lambda v: v["forward_as_attachment"] is False),
             "e-mail zip": (CITY, lambda v: v["email_variant"] == "zip"),
             "7z": (SERVICE, lambda v: v["usb_archive"] == "7z"),
             "nested whole": (CITY, lambda v: v["usb_nested"] == "whole"),
             "nested folder": (SERVICE, lambda v: v["usb_nested"] == "folder")}
    formats = set()
    for case, (programme, predicate) in cases.items():
        folder, exp = _draw_where(tmp_path / case.replace(" ", "-"), programme, predicate)
        top = _top_files(folder, exp)
        for record in exp["files"]:
            data = _resolve(top, record["path"])
            assert hashlib.sha256(data).hexdigest() == record["sha256"], (case, record["path"])
            if not record.get("corrupt"):
                assert extract(record["name"], data).readable, (case, record["name"])
            formats.add(record["format"])
        if case.startswith("nested"):
            assert sum(".zip/" in f["path"] for f in exp["files"]) >= 1, case
    assert {"hwpx", "hwp"} <= formats


def test_a_forwarded_message_keeps_the_original_inside_and_arrives_at_the_outer_date(tmp_path):
    folder, exp = _draw_where(tmp_path, CITY, lambda v: v["forward_as_attachment"] is True)
    outer = email.message_from_bytes((folder / "message.eml").read_bytes(), policy=policy.default)
    assert outer["Subject"].split()[0] in ("FW:", "Fwd:", "전달:")
    assert outer["Date"].datetime == datetime.fromisoformat(exp["received_at"])
    attached = [p for p in outer.iter_attachments() if p.get_content_type() == "message/rfc822"]
    assert len(attached) == 1 and not [p for p in outer.iter_attachments() if p not in attached]
    original = attached[0].get_content()
    assert original["Date"].datetime < outer["Date"].datetime
    assert sorted(_mail_attachments(original)) == sorted(f["name"] for f in exp["files"])


def test_a_zip_attached_to_an_e_mail_has_cp949_names_without_the_utf8_flag(tmp_path):
    folder, exp = _draw_where(tmp_path, SERVICE, lambda v: v["email_variant"] == "zip" and v["zip_names"] == "cp949")
    message = email.message_from_bytes((folder / "message.eml").read_bytes(), policy=policy.default)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(attachment.get_content())) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        assert infos and all(not i.flag_bits & 0x800 for i in infos)
        assert all(i.filename.encode("cp437").decode("cp949") for i in infos)
    assert all(f["path"].startswith(attachment.get_filename() + "/") for f in exp["files"])


def test_hancom_documents_are_real_hwpx_and_hwp5_files(tmp_path):
    folder, exp = _draw_where(tmp_path, CITY, lambda v: set(v["hancom_documents"].values()) == {"hwp"}
                              and "quantitative_proposal" in v["hancom_documents"])
    top = _top_files(folder, exp)
    proposal = next(f for f in exp["files"] if f["role"] == "quantitative_proposal" and f["format"] == "hwp")
    data = _resolve(top, proposal["path"])
    assert data.startswith(b"\xd0\xcf\x11\xe0") and proposal["name"].endswith(".hwp")
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:  # HWP 5: FileHeader, DocInfo, BodyText sections
        assert ole.openstream("FileHeader").read(17) == b"HWP Document File"
        assert ole.exists("DocInfo") and ole.exists("BodyText/Section0")
    folder, exp = _draw_where(tmp_path / "x", SERVICE, lambda v: v["hancom_documents"].get("service_proposal") == "hwpx")
    record = next(f for f in exp["files"] if f["role"] == "service_proposal")
    with zipfile.ZipFile(io.BytesIO(_resolve(_top_files(folder, exp), record["path"]))) as zf:
        assert zf.read("mimetype") == b"application/hwp+zip" and "Contents/section0.xml" in zf.namelist()
