"""Consistency checks for schemas/programmes/city-2025.yaml.

Totals are derived from the data (never restated), so a typo in a code,
a point value, a formula letter or a domain assignment makes a test fail.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
import re
from datetime import timedelta

import pytest
import yaml

from schemas.loader import PROGRAMMES_DIR, load_programme
from schemas.programme import CityProgramme

PROGRAMME_ID = "city-2025"
CODE_RE = re.compile(r"^([ABC])-(\d+)-(\d+)$")


@pytest.fixture(scope="module")
def prog():
    return load_programme(PROGRAMME_ID)


def _domains(prog, kind=None):
    return [d for d in prog.domain_rules.domains if kind is None or d.kind == kind]


def _category_points(prog, codes):
    totals: dict[str, int] = {c.key: 0 for c in prog.categories}
    for code in codes:
        ind = prog.indicator(code)
        totals[ind.category] += ind.points
    return totals


# ───────────────────────── safe formula evaluation ─────────────────────────

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def formula_letters(formula: str) -> set[str]:
    tree = ast.parse(formula, mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def safe_eval(formula: str, values: dict[str, float]) -> float:
    """Evaluate +, -, *, / over component letters and numeric literals only."""

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise KeyError(f"unknown letter {node.id!r}")
            return values[node.id]
        raise ValueError(f"disallowed syntax {ast.dump(node)}")

    return ev(ast.parse(formula, mode="eval"))


def test_safe_eval_rejects_unknown_letters_and_calls():
    with pytest.raises(KeyError):
        safe_eval("A / E", {"A": 1.0})
    with pytest.raises(ValueError):
        safe_eval("__import__('os')", {})
    assert safe_eval("(A - B) / A * 100", {"A": 4.0, "B": 1.0}) == pytest.approx(75.0)


# ───────────────────────── identity & codes ─────────────────────────


def test_identity(prog):
    assert prog.id == PROGRAMME_ID
    assert prog.kind == "city"
    assert prog.version == "2025.1"
    assert prog.source.startswith("000_") and prog.source.endswith(".txt")
    assert prog.title


def test_64_unique_well_formed_codes(prog):
    codes = [i.code for i in prog.indicators]
    assert len(codes) == 64
    assert len(set(codes)) == 64
    for ind in prog.indicators:
        m = CODE_RE.match(ind.code)
        assert m, ind.code
        assert m.group(1) == ind.category, ind.code
        assert ind.name.strip(), ind.code
        assert ind.points > 0, ind.code
        assert ind.name not in ind.name_variants, ind.code


def test_codes_are_consecutive_within_each_group(prog):
    groups: dict[tuple[str, int], list[int]] = {}
    for ind in prog.indicators:
        cat, mid, last = CODE_RE.match(ind.code).groups()
        groups.setdefault((cat, int(mid)), []).append(int(last))
    for key, numbers in groups.items():
        assert numbers == list(range(1, len(numbers) + 1)), key
    for cat in ("A", "B", "C"):
        mids = sorted(m for c, m in groups if c == cat)
        assert mids == list(range(1, len(mids) + 1)), cat


def test_category_c_domains_follow_codes(prog):
    domain_codes = {d.code for d in prog.domain_rules.domains}
    domain_names = {d.code: d.name for d in prog.domain_rules.domains}
    for ind in prog.indicators:
        cat, mid, _ = CODE_RE.match(ind.code).groups()
        if cat == "C":
            assert ind.domain == f"C-{mid}", ind.code
            assert ind.domain in domain_codes
            assert ind.subcategory == domain_names[ind.domain], ind.code
        else:
            assert ind.domain is None, ind.code


def test_subcategories_per_group(prog):
    expected = {
        ("A", 1): "공공역량",
        ("A", 2): "민간시민역량",
        ("A", 3): "정보공개및활용",
        ("B", 1): "추진체계",
        ("B", 2): "제도기반",
        ("B", 3): "참여네트워크",
        ("B", 4): "재원조성",
    }
    for ind in prog.indicators:
        cat, mid, _ = CODE_RE.match(ind.code).groups()
        if cat in "AB":
            assert ind.subcategory == expected[(cat, int(mid))], ind.code


# ───────────────────────── points ─────────────────────────


def test_categories_and_quantitative_total(prog):
    keys = [c.key for c in prog.categories]
    assert keys == ["A", "B", "C"]
    assert sum(c.points for c in prog.categories) == prog.quantitative_points == 1000


def test_each_domain_sums_to_its_points(prog):
    for d in prog.domain_rules.domains:
        inds = [i for i in prog.indicators if i.domain == d.code]
        assert inds, d.code
        assert sum(i.points for i in inds) == d.points, d.code


def test_domain_rules_shape(prog):
    rules = prog.domain_rules
    codes = [d.code for d in rules.domains]
    assert len(codes) == len(set(codes)) == 11
    assert [d.code for d in _domains(prog, "mandatory")] == ["C-1", "C-2"]
    assert [d.code for d in _domains(prog, "always")] == ["C-10", "C-11"]
    optional = _domains(prog, "optional")
    assert len(optional) == 7
    assert 0 < rules.choose_optional == 3 <= len(optional)
    # every optional domain is worth the same, or the choice would change totals
    assert len({d.points for d in optional}) == 1


@pytest.mark.parametrize("n_optional", [3])
def test_every_valid_choice_totals_category_points(prog, n_optional):
    assert prog.domain_rules.choose_optional == n_optional
    optional = [d.code for d in _domains(prog, "optional")]
    combos = list(itertools.combinations(optional, n_optional))
    assert len(combos) == math.comb(7, 3) == 35
    expected = {c.key: c.points for c in prog.categories}
    for combo in combos:
        codes = prog.reported_codes(list(combo))
        assert len(codes) == len(set(codes))
        totals = _category_points(prog, codes)
        assert totals == expected, combo
        assert sum(totals.values()) == prog.quantitative_points, combo
        # C's points come only from mandatory + always + chosen domains
        reported_domains = {prog.indicator(c).domain for c in codes if prog.indicator(c).domain}
        assert reported_domains == {d.code for d in _domains(prog, "mandatory")} | {
            d.code for d in _domains(prog, "always")
        } | set(combo)


def test_reported_codes_include_mandatory_and_always(prog):
    must = {i.code for i in prog.indicators if i.domain in {d.code for d in prog.domain_rules.domains if d.kind != "optional"}}
    ab = {i.code for i in prog.indicators if i.category in "AB"}
    for combo in itertools.combinations([d.code for d in _domains(prog, "optional")], 3):
        codes = set(prog.reported_codes(list(combo)))
        assert must <= codes
        assert ab <= codes


def test_reported_counts_match_seed_53_or_52(prog):
    # The seed says 53 세부지표; a city choosing 문화관광 (2 indicators) reports 52.
    counts = set()
    for combo in itertools.combinations([d.code for d in _domains(prog, "optional")], 3):
        n = len(prog.reported_codes(list(combo)))
        counts.add(n)
        assert n == (52 if "C-6" in combo else 53), combo
    assert counts == {52, 53}


# ───────────────────────── formulas & components ─────────────────────────

SAMPLE = {"A": 7.0, "B": 3.0, "C": 5.0, "D": 2.0, "E": 11.0}

# formulas as indicator-readings.md gives them
READINGS_FORMULAS = {
    "A-2-1": "(A + B) / C",
    "A-2-2": "A / B",
    "B-4-1": "B / A * 100",
    "C-1-1": "B / A * 100",
    "C-1-7": "B / A * 100",
    "C-2-3": "B / A * 100",
    "C-4-1": "B / A * 100",
    "C-7-2": "B / A * 100",
    "C-9-1": "B / A * 100",
    "C-9-2": "(A - B) / A * 100",
    "C-2-1": "B / A",
    "C-5-1": "A / B",
    "C-10-1": "(B + C) / A",
    "C-10-2": "B / A",
    "B-3-2": "(B + D) / (A + C) * 100",
    "B-4-2": "(B + D) / (A + C) * 100",
    "C-4-2": "(B + D) / (A + C)",
    "C-8-2": "(B + D) / (A + C)",
    "C-1-4": "B / A",
    "C-1-5": "B / A",
    "C-5-2": "B / A * 100",
}


def _norm(formula: str) -> str:
    return ast.dump(ast.parse(formula, mode="eval"))


def test_formulas_match_indicator_readings(prog):
    with_formula = {i.code: i.formula for i in prog.indicators if i.formula}
    assert set(with_formula) == set(READINGS_FORMULAS)
    for code, formula in READINGS_FORMULAS.items():
        assert _norm(with_formula[code]) == _norm(formula), code


def test_every_formula_uses_exactly_its_components_and_is_finite(prog):
    for ind in prog.indicators:
        letters = [c.letter for c in ind.components]
        assert len(letters) == len(set(letters)), ind.code
        if not ind.formula:
            assert not ind.components, f"{ind.code}: components without a formula"
            continue
        assert letters == [chr(ord("A") + k) for k in range(len(letters))], ind.code
        assert formula_letters(ind.formula) == set(letters), ind.code
        value = safe_eval(ind.formula, {k: SAMPLE[k] for k in letters})
        assert math.isfinite(value), ind.code


def test_percent_kinds_scale_by_100(prog):
    for ind in prog.indicators:
        if ind.value_kind == "percent":
            assert ind.unit == "%", ind.code
            if ind.formula:
                # doubling every component leaves a ratio unchanged; × 100 must be present
                base = {c.letter: SAMPLE[c.letter] for c in ind.components}
                assert "100" in ind.formula, ind.code
                assert safe_eval(ind.formula, base) == pytest.approx(
                    safe_eval(ind.formula, {k: 2 * v for k, v in base.items()})
                ), ind.code
        elif ind.formula:
            assert "100" not in ind.formula, ind.code


def test_population_components_have_reference_months(prog):
    for ind in prog.indicators:
        for comp in ind.components:
            if "인구" in comp.label:
                assert comp.unit in {"만명", "천명"}, (ind.code, comp.letter)
                assert comp.reference in {"2023-12", "2024-12"}, (ind.code, comp.letter)
                if ind.unit and "/" in ind.unit:
                    assert ind.unit.endswith("/" + comp.unit), ind.code


def test_value_kinds(prog):
    booleans = {"A-1-1", "A-1-3", "B-2-1", "B-2-2", "B-2-3", "C-1-6", "C-2-5"}
    for ind in prog.indicators:
        if ind.code in booleans:
            assert ind.value_kind == "boolean", ind.code
        elif ind.self_defined:
            assert ind.value_kind == "custom", ind.code
        else:
            assert ind.value_kind not in {"boolean", "custom"}, ind.code
        if ind.value_kind in {"ratio", "per_capita", "percent"}:
            assert ind.formula, ind.code
        if ind.value_kind in {"count", "amount", "boolean", "custom"}:
            assert not ind.formula, ind.code


# ───────────────────────── listed items, self-defined, periods ─────────────────────────

LISTED = {
    "A-1-2", "A-2-3", "A-2-4", "A-3-1", "A-3-4", "A-3-5", "A-3-6", "A-3-7", "A-3-8",
    "B-1-1", "B-3-1", "C-1-2", "C-1-3", "C-2-4", "C-3-2", "C-11-2", "C-11-3", "C-11-4",
}


def test_listed_items_match_readings(prog):
    assert {i.code for i in prog.indicators if i.listed_items} == LISTED
    for code in LISTED:
        assert prog.indicator(code).value_kind == "count", code


def test_self_defined_is_last_of_each_service_domain(prog):
    expected = set()
    for d in prog.domain_rules.domains:
        if d.kind == "always":
            continue
        inds = [i for i in prog.indicators if i.domain == d.code]
        expected.add(inds[-1].code)
    assert {i.code for i in prog.indicators if i.self_defined} == expected
    assert len(expected) == 9
    for code in expected:
        ind = prog.indicator(code)
        assert ind.value_kind == "custom" and not ind.components and not ind.formula, code


def test_periods(prog):
    for ind in prog.indicators:
        p = ind.period
        if p.kind in {"two_year", "forward_two_year"}:
            assert p.window_start and p.window_end and p.span_months == 24, ind.code
            sy, sm = map(int, p.window_start.split("-"))
            ey, em = map(int, p.window_end.split("-"))
            months = (ey - sy) * 12 + (em - sm) + 1
            assert months >= p.span_months, ind.code
        if p.kind == "two_year":
            assert (p.window_start, p.window_end) == ("2023-01", "2025-07"), ind.code
        if p.reference is not None:
            assert re.fullmatch(r"\d{4}(-\d{2})?", p.reference), ind.code
    assert prog.indicator("B-4-2").period.kind == "forward_two_year"
    assert prog.indicator("A-2-1").period.reference == "2024-12"
    assert prog.indicator("A-2-2").period.reference == "2023-12"
    # names that say 2년간 / '23~'24 are two-year indicators
    for ind in prog.indicators:
        texts = [ind.name, *ind.name_variants]
        if any("2년간" in t or "'23~'24" in t or "‘23~’24" in t for t in texts) and ind.code != "B-4-2":
            assert ind.period.kind == "two_year", ind.code


# ───────────────────────── qualitative ─────────────────────────


def test_qualitative_points(prog):
    assert sum(prog.qualitative_category_points.values()) == prog.qualitative_points == 1000
    assert set(prog.qualitative_category_points) == {c.key for c in prog.categories}
    assert prog.quantitative_points + prog.qualitative_points == 2000


def test_qualitative_areas(prog):
    areas = prog.qualitative_areas
    assert [a.key for a in areas] == ["A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3"]
    keys = [s.key for a in areas for s in a.sub_areas]
    assert len(keys) == len(set(keys))
    for a in areas:
        assert a.key[0] == a.category
        assert len(a.stage_descriptions) == 5
        assert all(d.strip() for d in a.stage_descriptions), a.key
        for n, s in enumerate(a.sub_areas, start=1):
            assert s.key == f"{a.key}.{n}", s.key
            assert s.key.startswith(a.key + ".")
    c1 = next(a for a in areas if a.key == "C1")
    domain_names = {d.code: d.name for d in prog.domain_rules.domains}
    assert len(c1.sub_areas) == 9
    for n, s in enumerate(c1.sub_areas, start=1):
        assert s.domain == f"C-{n}", s.key
        assert domain_names[s.domain] in {s.name.replace(" ", ""), *[v.replace(" ", "") for v in s.name_variants]}
    for a in areas:
        if a.key != "C1":
            assert all(s.domain is None for s in a.sub_areas), a.key


def test_stages(prog):
    assert [s.number for s in prog.stages] == [1, 2, 3, 4, 5]
    names = [s.name for s in prog.stages] + [v for s in prog.stages for v in s.name_variants]
    assert len(names) == len(set(names))


# ───────────────────────── grades, sizes, documents, window ─────────────────────────


def test_grades_ordered_and_contiguous(prog):
    grades = prog.grades
    assert [g.grade for g in grades] == [1, 2, 3, 4, 5]
    for g in grades:
        assert g.min_points is not None and g.max_points is not None
        assert g.min_points <= g.max_points
    for hi, lo in zip(grades, grades[1:]):
        assert hi.min_points == lo.max_points + 1, (hi.grade, lo.grade)
    assert grades[0].max_points == prog.quantitative_points + prog.qualitative_points
    assert grades[-1].min_points == 0
    certified = [g for g in grades if g.certified]
    assert [g.grade for g in certified] == [1, 2, 3]
    assert min(g.min_points for g in certified) == prog.certification_threshold == 1400
    assert all(g.max_points < prog.certification_threshold for g in grades if not g.certified)


def test_city_size(prog):
    cs = prog.city_size
    assert cs.large_kinds == ["특별시", "광역시", "특별자치시", "특별자치도"]
    assert cs.city_kind == "시"
    assert cs.city_large_population == 500_000


def test_required_documents(prog):
    docs = prog.required_documents
    assert [d.key for d in docs] == ["①", "②", "③", "④", "⑤"]
    assert [d.role for d in docs] == [
        "application", "quantitative_proposal", "qualitative_self_assessment", "evidence", "other",
    ]
    for d in docs[:4]:
        assert d.required and d.condition == "always", d.key
    assert docs[4].required is False and docs[4].condition == "on_request"


def test_application_fields(prog):
    keys = [f.key for f in prog.application_fields]
    assert keys == ["name", "registration_no", "representative", "phone", "address", "track_record"]
    labels = {f.key: f.label for f in prog.application_fields}
    assert labels["name"] == "기관명" and labels["registration_no"] == "사업자(법인)등록번호"


def test_submission_window_in_kst(prog):
    w = prog.submission_window
    kst = timedelta(hours=9)
    assert w.start.utcoffset() == kst and w.end.utcoffset() == kst
    assert (w.start.year, w.start.month, w.start.day, w.start.hour, w.start.minute) == (2025, 9, 19, 9, 0)
    assert (w.end.year, w.end.month, w.end.day, w.end.hour, w.end.minute) == (2025, 9, 23, 18, 0)
    assert w.start < w.end


def test_notes_present(prog):
    assert prog.notes and all(n.strip() for n in prog.notes)


# ───────────────────────── what the readers and checks take from the data ─────────────────────────


def _raw():
    return yaml.safe_load((PROGRAMMES_DIR / f"{PROGRAMME_ID}.yaml").read_text(encoding="utf-8"))


def _validate(data):
    return CityProgramme.model_validate(data)


def test_code_format_writes_every_code(prog):
    pattern = re.compile(prog.code_format.pattern())
    referenced = [i.code for i in prog.indicators]
    referenced += [c for i in prog.indicators for c in i.no_overlap_with]
    referenced += [t.partition(".")[0] for c in prog.constraints for t in c.terms]
    for code in referenced:
        m = pattern.fullmatch(code)
        assert m, code
        assert prog.code_format.separator.join(m.groups()) == code
        assert m.group(1) in {c.key for c in prog.categories}, code
    assert not pattern.fullmatch("A-2")


def test_code_format_is_checked():
    data = _raw()
    data["indicators"][0]["code"] = "A1-1"
    with pytest.raises(ValueError, match="code_format"):
        _validate(data)


def test_component_letters_run_from_a(prog):
    letters = prog.component_letters()
    assert letters == ["A", "B", "C", "D"]
    for ind in prog.indicators:
        own = [c.letter for c in ind.components]
        assert own == letters[:len(own)], ind.code


def test_period_years(prog):
    for ind in prog.indicators:
        years = ind.period.years()
        if ind.period.kind == "two_year":
            assert years == ["2023", "2024"], ind.code
        elif ind.period.kind == "forward_two_year":
            assert years == ["2025", "2026"], ind.code
        elif ind.period.kind == "reference_year":
            assert years == [ind.period.reference[:4]], ind.code
        else:
            assert years == [], ind.code
        if ind.period.kind in ("two_year", "forward_two_year"):
            # a two-year form's per-year rows are the years of its period
            assert {c.reference[:4] for c in ind.components if c.reference} <= set(years), ind.code


def test_item_groups(prog):
    grouped = {i.code: i.item_groups for i in prog.indicators if i.item_groups}
    assert grouped == {"B-3-1": ["국내", "국외"]}
    for code, groups in grouped.items():
        ind = prog.indicator(code)
        assert ind.listed_items and ind.reading == "sum", code
        positions = [ind.summary_template.find(g) for g in groups]
        assert -1 not in positions and positions == sorted(positions), code  # named in the value's order


def test_item_groups_need_listed_items():
    data = _raw()
    b31 = next(i for i in data["indicators"] if i["code"] == "B-3-1")
    b31["listed_items"] = False
    with pytest.raises(ValueError, match="item_groups"):
        _validate(data)


def test_stage_numbers_and_words(prog):
    numbers = prog.stage_numbers()
    assert numbers == list(range(1, len(prog.stages) + 1))
    assert all(len(a.stage_descriptions) == len(numbers) for a in prog.qualitative_areas)
    assert prog.stage_number_prefixes and prog.stage_number_suffixes
    assert all(any(s.name.endswith(sfx) for sfx in prog.stage_number_suffixes) for s in prog.stages)


@pytest.mark.parametrize("change", ["gap", "description"])
def test_stage_shape_is_checked(change):
    data = _raw()
    if change == "gap":
        data["stages"][-1]["number"] = 7
    else:
        data["qualitative_areas"][0]["stage_descriptions"].pop()
    with pytest.raises(ValueError, match="stage"):
        _validate(data)


def test_required_application_fields(prog):
    assert [f.key for f in prog.application_fields if f.required] == ["name", "registration_no", "representative"]


def test_size_class_rule(prog):
    assert set(prog.size_class_words.values()) == {"large", "small"}
    assert prog.size_class_labels
    large = prog.city_size.city_large_population
    assert prog.size_class_of("서울특별시") == "large"
    assert prog.size_class_of("세종특별자치시", 1) == "large"
    assert prog.size_class_of("가온시") is None
    assert prog.size_class_of("가온시", large) == "large"
    assert prog.size_class_of("가온시", large - 1) == "small"
    assert prog.size_class_of("푸른군") == "small" and prog.size_class_of("강남구") == "small"
    assert prog.size_class_of(" ") is None


def test_detail_form_labels(prog):
    form = prog.detail_form
    assert form.header_label == "지표"
    assert "총계" in form.total_labels and "합계" in form.total_labels
    assert form.header_label not in form.total_labels
    assert form.total_prefix and any(t.startswith(form.total_prefix) for t in form.total_labels)
