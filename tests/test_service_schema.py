"""Consistency checks for schemas/programmes/service-2023.yaml.

Every total is derived from the data, never copied from it: sub-item points
must add up to item points, item points to field points, field points to the
programme total.  The checks are plain functions returning a list of problems
so that the mutation tests at the bottom can prove they catch data typos.

Counting rule for the 특화지표 (선택) alternatives (see the programme notes):
a sub-item with a non-null ``domain`` is one of a 교통 / 환경·에너지 pair that
shares one point slot.  The slot is the key without its ``-n`` suffix
(``2.1.1.4-1`` and ``2.1.1.4-2`` → slot ``2.1.1.4``); only one alternative is
evaluated, so a slot counts once, for points and for the number of 세부지표.

In 구성 및 기능 the items are level alternatives too (평가항목 중 택1): a
service is evaluated in exactly one of 2.1 (L1), 2.2 (L2), 2.3 (L3), each
worth the whole field.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from schemas.loader import PROGRAMMES_DIR, load_programme
from schemas.programme import ServiceProgramme

PROGRAMME_ID = "service-2023"
ALTERNATIVE_DOMAINS = {"교통", "환경·에너지"}

# What 참고1 평가 세부지표 gives when each 특화지표 pair counts once.  The call
# (Ⅲ 평가기준) claims 55 = 11 / 35 / 9; no consistent reading of the 참고1
# criteria yields 35 for 구성 및 기능 (it is 34 counted slots, 36 printed
# criteria) — see the notes in the YAML.
EXPECTED_COUNTED_PER_FIELD = {"1": 11, "2": 34, "3": 9}
EXPECTED_COUNTED_PER_ITEM = {
    "1.1": 2, "1.2": 5, "1.3": 4,
    "2.1": 14, "2.2": 9, "2.3": 11,
    "3.1": 3, "3.2": 4, "3.3": 2,
}
EXPECTED_ENTRIES = 56  # 54 slots + one extra entry for each of the two pairs

KEY_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:-(\d+))?$")


# --------------------------------------------------------------------------- helpers


def raw_data() -> dict:
    path = PROGRAMMES_DIR / f"{PROGRAMME_ID}.yaml"
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def build(data: dict) -> ServiceProgramme:
    return ServiceProgramme.model_validate(data)


def slot_of(key: str) -> str:
    return key.split("-", 1)[0]


def slots(item) -> dict[str, list]:
    """Sub-items of an item grouped by point slot, in order."""
    out: dict[str, list] = defaultdict(list)
    for s in item.sub_items:
        out[slot_of(s.key)].append(s)
    return dict(out)


def counted_points(item) -> int:
    return sum(subs[0].points for subs in slots(item).values())


def counted_per_field(p: ServiceProgramme) -> dict[str, int]:
    return {f.key: sum(len(slots(i)) for i in f.items) for f in p.fields}


# --------------------------------------------------------------------------- checks


def check_structure(p: ServiceProgramme) -> list[str]:
    errors = []
    if [f.key for f in p.fields] != ["1", "2", "3"]:
        errors.append(f"field keys {[f.key for f in p.fields]}")
    items = [i for f in p.fields for i in f.items]
    if len(items) != 9:
        errors.append(f"{len(items)} items, expected 9")
    for f in p.fields:
        for i in f.items:
            if not re.fullmatch(rf"{re.escape(f.key)}\.\d+", i.key):
                errors.append(f"item {i.key} not under field {f.key}")
    item_keys = [i.key for i in items]
    if len(set(item_keys)) != len(item_keys):
        errors.append("duplicate item keys")
    return errors


def check_keys(p: ServiceProgramme) -> list[str]:
    errors = []
    keys = [s.key for s in p.sub_items()]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        errors.append(f"duplicate sub-item keys {dupes}")
    for f in p.fields:
        for i in f.items:
            group_names: dict[str, set[str]] = defaultdict(set)
            for s in i.sub_items:
                m = KEY_RE.match(s.key)
                if not m:
                    errors.append(f"{s.key}: not field.item.group.n[-m]")
                    continue
                if not s.key.startswith(i.key + "."):
                    errors.append(f"{s.key}: not prefixed by its item {i.key}")
                if s.points <= 0:
                    errors.append(f"{s.key}: points {s.points}")
                if not s.text.strip() or not s.group.strip():
                    errors.append(f"{s.key}: empty text or group")
                fld, itm, grp = m.group(1), m.group(2), m.group(3)
                group_names[grp].add(s.group)
                if s.form_code is not None and s.form_code != f"S-{fld}{itm}{grp}":
                    errors.append(f"{s.key}: form_code {s.form_code} != S-{fld}{itm}{grp}")
            for grp, names in group_names.items():
                if len(names) != 1:
                    errors.append(f"{i.key}.{grp}: group named {sorted(names)}")
    return errors


def check_alternatives(p: ServiceProgramme) -> list[str]:
    errors = []
    for f in p.fields:
        for i in f.items:
            for slot, subs in slots(i).items():
                if len(subs) == 1:
                    s = subs[0]
                    if s.domain is not None or s.key != slot:
                        errors.append(f"{s.key}: single sub-item with domain or '-n' suffix")
                    continue
                domains = [s.domain for s in subs]
                if set(domains) != ALTERNATIVE_DOMAINS or len(subs) != len(ALTERNATIVE_DOMAINS):
                    errors.append(f"slot {slot}: alternatives for {domains}")
                if len({s.points for s in subs}) != 1:
                    errors.append(f"slot {slot}: alternatives worth {[s.points for s in subs]}")
                if sorted(s.key for s in subs) != [f"{slot}-{n}" for n in range(1, len(subs) + 1)]:
                    errors.append(f"slot {slot}: keys {[s.key for s in subs]}")
                if len({s.group for s in subs}) != 1:
                    errors.append(f"slot {slot}: alternatives in different groups")
    return errors


def check_points(p: ServiceProgramme) -> list[str]:
    errors = []
    for f in p.fields:
        for i in f.items:
            got = counted_points(i)
            if got != i.points:
                errors.append(f"item {i.key}: sub-items give {got}, item says {i.points}")
        levelled = [i for i in f.items if i.level is not None]
        if levelled:
            # 평가항목 중 택1: every level item is worth the whole field
            if len(levelled) != len(f.items):
                errors.append(f"field {f.key}: mixes level and non-level items")
            for i in f.items:
                if i.points != f.points:
                    errors.append(f"field {f.key}: level item {i.key} worth {i.points}, field {f.points}")
        else:
            got = sum(i.points for i in f.items)
            if got != f.points:
                errors.append(f"field {f.key}: items give {got}, field says {f.points}")
    total = sum(f.points for f in p.fields)
    if total != p.total_points:
        errors.append(f"fields give {total}, total_points {p.total_points}")
    if p.total_points != 100:
        errors.append(f"total_points {p.total_points}")
    return errors


def check_counts(p: ServiceProgramme) -> list[str]:
    errors = []
    per_field = counted_per_field(p)
    if per_field != EXPECTED_COUNTED_PER_FIELD:
        errors.append(f"counted sub-items per field {per_field}")
    per_item = {i.key: len(slots(i)) for f in p.fields for i in f.items}
    if per_item != EXPECTED_COUNTED_PER_ITEM:
        errors.append(f"counted sub-items per item {per_item}")
    if len(p.sub_items()) != EXPECTED_ENTRIES:
        errors.append(f"{len(p.sub_items())} sub-item entries")
    return errors


def check_levels(p: ServiceProgramme) -> list[str]:
    errors = []
    level_keys = [lv.key for lv in p.levels]
    if level_keys != ["L1", "L2", "L3"]:
        errors.append(f"levels {level_keys}")
    item_levels = [i.level for f in p.fields for i in f.items if i.level]
    if sorted(item_levels) != ["L1", "L2", "L3"]:
        errors.append(f"items carry levels {item_levels}")
    if set(p.level_blocks) != set(level_keys):
        errors.append(f"level_blocks keys {sorted(p.level_blocks)}")
    items_by_level = {i.level: i for f in p.fields for i in f.items if i.level}
    for lv in p.levels:
        if not lv.description.strip():
            errors.append(f"{lv.key}: no description")
        item = items_by_level.get(lv.key)
        if item is not None and item.name != lv.name:
            errors.append(f"{lv.key}: level named {lv.name}, item {item.key} named {item.name}")
        if lv.short_name is not None and lv.short_name not in lv.name_variants:
            errors.append(f"{lv.key}: short name {lv.short_name} is not one of its name variants")
    return errors


def check_pass_rule(p: ServiceProgramme) -> list[str]:
    errors = []
    fields = {f.key: f for f in p.fields}
    rule = p.pass_rule
    if set(rule.field_minimums) != set(fields):
        errors.append(f"field_minimums for {sorted(rule.field_minimums)}, fields {sorted(fields)}")
    for key, minimum in rule.field_minimums.items():
        f = fields.get(key)
        if f is None:
            continue
        if not 0 < minimum < f.points:
            errors.append(f"field {key}: minimum {minimum} not below {f.points}")
        if minimum != f.minimum:
            errors.append(f"field {key}: pass rule minimum {minimum}, field minimum {f.minimum}")
    if not 0 < rule.total_minimum < p.total_points:
        errors.append(f"total_minimum {rule.total_minimum}")
    if sum(rule.field_minimums.values()) > rule.total_minimum:
        errors.append("field minimums exceed the total minimum")
    return errors


def check_domains(p: ServiceProgramme) -> list[str]:
    errors = []
    names = [d.name for d in p.domains]
    if len(names) != 12 or len(set(names)) != 12:
        errors.append(f"{len(names)} domains ({len(set(names))} distinct)")
    eligible = {d.name for d in p.domains if d.eligible}
    if eligible != ALTERNATIVE_DOMAINS:
        errors.append(f"eligible domains {sorted(eligible)}")
    variants = [v for d in p.domains for v in [d.name, *d.name_variants]]
    dupes = sorted({v for v in variants if variants.count(v) > 1})
    if dupes:
        errors.append(f"domain names/variants used twice {dupes}")
    used = {s.domain for s in p.sub_items() if s.domain}
    if not used <= eligible:
        errors.append(f"sub-items in non-eligible domains {sorted(used - eligible)}")
    return errors


def check_documents(p: ServiceProgramme) -> list[str]:
    errors = []
    docs = p.required_documents
    keys = [d.key for d in docs]
    if len(set(keys)) != len(keys):
        errors.append(f"duplicate document keys {keys}")
    by_role = defaultdict(list)
    for d in docs:
        by_role[d.role].append(d)
    for role in ("application", "service_proposal", "self_evaluation", "evidence"):
        found = by_role.get(role, [])
        if len(found) != 1 or found[0].condition != "always" or not found[0].required:
            errors.append(f"{role}: {[(d.key, d.condition, d.required) for d in found]}")
    joint = by_role.get("joint_applicant_confirmation", [])
    if len(joint) != 1 or joint[0].condition != "joint_application":
        errors.append(f"joint confirmation: {[(d.key, d.condition) for d in joint]}")
    if [d.key for d in docs[:5]] != ["①", "②", "③", "④", "⑤"]:
        errors.append(f"call's list ①–⑤ not first: {keys}")
    return errors


def check_form_disagreements(p: ServiceProgramme) -> list[str]:
    """Each disagreement starts with the sub-item key (or group key) it is about."""
    errors = []
    keys = {s.key for s in p.sub_items()}
    prefixes = keys | {k.rsplit(".", 1)[0] for k in keys}
    for text in p.form_disagreements:
        m = re.match(r"^(\d+(?:\.\d+){2,3}(?:-\d+)?)", text)
        if not m or m.group(1) not in prefixes:
            errors.append(f"disagreement not anchored to a key: {text[:40]}")
    return errors


CHECKS = [
    check_structure,
    check_keys,
    check_alternatives,
    check_points,
    check_counts,
    check_levels,
    check_pass_rule,
    check_domains,
    check_documents,
    check_form_disagreements,
]


# --------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def programme() -> ServiceProgramme:
    p = load_programme(PROGRAMME_ID)
    assert isinstance(p, ServiceProgramme)
    return p


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_passes(programme, check):
    assert check(programme) == []


def test_identity(programme):
    assert programme.id == PROGRAMME_ID
    assert programme.kind == "service"
    assert programme.version == "2023.1"
    assert programme.source == "001_05d8d24826bff78c.txt"


def test_derived_totals(programme):
    # field 1 and 3: items add up; field 2: one level block of 50
    assert [sum(i.points for i in f.items) for f in programme.fields] == [30, 150, 20]
    assert [f.points for f in programme.fields] == [30, 50, 20]
    assert sum(f.points for f in programme.fields) == programme.total_points == 100
    for level_item in programme.fields[1].items:
        assert counted_points(level_item) == 50


def test_counted_sub_items(programme):
    per_field = counted_per_field(programme)
    assert per_field == {"1": 11, "2": 34, "3": 9}
    assert sum(per_field.values()) == 54
    alternatives = [s for s in programme.sub_items() if s.domain]
    assert sorted(slot_of(s.key) for s in alternatives) == [
        "2.1.1.4", "2.1.1.4", "2.1.2.6", "2.1.2.6",
    ]


def test_pass_rule(programme):
    assert programme.pass_rule.total_minimum == 70
    assert programme.pass_rule.field_minimums == {"1": 15, "2": 30, "3": 10}


def test_submission_window(programme):
    w = programme.submission_window
    assert w.start.isoformat() == "2023-10-24T09:00:00+09:00"
    assert w.end.isoformat() == "2023-10-26T18:00:00+09:00"


def test_levels_and_fields_have_short_names(programme):
    assert [lv.short_name for lv in programme.levels] == ["단위", "네트워크 연계", "데이터허브 기반"]
    for lv in programme.levels:
        assert lv.name.startswith(lv.short_name) and lv.short_name in lv.name_variants, lv.key
    shown = [f.short_name or f.name for f in programme.fields]
    assert shown == ["부합성", "구성 및 기능", "운영"]
    assert all(f.name.endswith(short) for f, short in zip(programme.fields, shown))


def test_required_application_fields(programme):
    assert [f.key for f in programme.application_fields if f.required] == ["name", "registration_no", "representative"]


def test_form_disagreements_recorded(programme):
    about = {re.match(r"^[\d.\-]+", t).group(0) for t in programme.form_disagreements}
    # the disagreements in points and the missing/extra rows must be there
    for key in ("3.1.1.1", "3.2.2.1", "3.2.4.1", "2.2.2", "2.1.2.5", "1.3.2"):
        assert key in about, key


# ------------------------------------------------------------ the checks catch typos


def _item(data, key):
    return next(i for f in data["fields"] for i in f["items"] if i["key"] == key)


def _sub(data, key):
    return next(s for f in data["fields"] for i in f["items"] for s in i["sub_items"] if s["key"] == key)


def _set_sub_points(key, points):
    def mutate(d):
        _sub(d, key)["points"] = points
    return mutate


def _rename_key(old, new):
    def mutate(d):
        _sub(d, old)["key"] = new
    return mutate


def _drop_sub(key):
    def mutate(d):
        item = _item(d, key.rsplit(".", 2)[0])
        item["sub_items"] = [s for s in item["sub_items"] if s["key"] != key]
    return mutate


def _set(path_fn, value):
    def mutate(d):
        obj, attr = path_fn(d)
        obj[attr] = value
    return mutate


MUTATIONS = {
    "sub-item points typo": _set_sub_points("2.1.2.3", 5),
    "alternative points differ": _set_sub_points("2.1.2.6-2", 4),
    "duplicate key": _rename_key("1.2.2.2", "1.2.2.1"),
    "key under wrong item": _rename_key("3.2.4.1", "3.1.4.1"),
    "alternatives share a key": _rename_key("2.1.1.4-2", "2.1.1.4-1"),
    "dropped sub-item": _drop_sub("3.3.2.1"),
    "item points typo": _set(lambda d: (_item(d, "1.3"), "points"), 13),
    "field points typo": _set(lambda d: (d["fields"][2], "points"), 21),
    "level item points typo": _set(lambda d: (_item(d, "2.2"), "points"), 25),
    "minimum of unknown field": _set(lambda d: (d["pass_rule"], "field_minimums"), {"1": 15, "2": 30, "4": 10}),
    "minimum above field points": _set(lambda d: (d["pass_rule"]["field_minimums"], "3"), 20),
    "wrong domain on alternative": _set(lambda d: (_sub(d, "2.1.1.4-2"), "domain"), "환경에너지"),
    "third eligible domain": _set(lambda d: (d["domains"][0], "eligible"), True),
    "joint doc always": _set(
        lambda d: (next(x for x in d["required_documents"] if x["role"] == "joint_applicant_confirmation"), "condition"),
        "always",
    ),
    "form code typo": _set(lambda d: (_sub(d, "2.2.3.1"), "form_code"), "S-232"),
    "group renamed in one row": _set(lambda d: (_sub(d, "1.3.2.2"), "group"), "사회적 격차 해소"),
    "level short name not read": _set(lambda d: (d["levels"][1], "short_name"), "네트워크"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_checks_catch_mutation(name):
    data = copy.deepcopy(raw_data())
    MUTATIONS[name](data)
    programme = build(data)
    problems = [e for check in CHECKS for e in check(programme)]
    assert problems, f"mutation {name!r} went unnoticed"


def test_unmutated_raw_data_is_clean():
    programme = build(copy.deepcopy(raw_data()))
    assert [e for check in CHECKS for e in check(programme)] == []
