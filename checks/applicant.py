"""The applicant: a valid business registration number, and the size class the population supports."""

from __future__ import annotations

import re
from typing import Iterator

from checks.catalogue import catalogue, finding, where_ko
from checks.consistency import term_values
from mapping.submission import MappedBundle
from schemas.programme import CityProgramme
from schemas.submission import Finding

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def registration_no_problem(number: str) -> str | None:
    """Why a Korean business registration number (사업자등록번호) is invalid, or None.

    The tenth digit checks the first nine: sum of digit × weight (1,3,7,1,3,7,1,3,5),
    plus the ninth digit × 5 divided by 10, subtracted from the next multiple of 10.
    """
    rule = catalogue()["applicant.registration_no_invalid"]
    digits = [int(ch) for ch in re.sub(r"\D", "", number)]
    if len(digits) != 10:
        return rule.word("digit_count", count=len(digits))
    total = sum(d * w for d, w in zip(digits, WEIGHTS)) + digits[8] * 5 // 10
    if (10 - total % 10) % 10 != digits[9]:
        return rule.word("check_digit")
    return None


def check_registration_no(m: MappedBundle) -> Iterator[Finding]:
    number = m.submission.applicant.registration_no
    if m.programme is None or not number:
        return
    why = registration_no_problem(number)
    if why:
        source = m.field_sources.get("registration_no")
        yield finding("applicant.registration_no_invalid", number=number, why=why, where=where_ko(source), source=source)


def check_city_size(m: MappedBundle) -> Iterator[Finding]:
    """The size class the city declared (a box it ticked) against the class its facts imply: its name's kind
    (광역시, 구 …) or, for a 시, the population it states. Silent unless both were read and they differ."""
    programme = m.programme
    applicant = m.submission.applicant
    if not isinstance(programme, CityProgramme) or not applicant.name or applicant.city_size is None:
        return
    population = None
    reference = ""
    if programme.city_size.population_from:
        constraint = next(c for c in programme.constraints if c.id == programme.city_size.population_from)
        values = term_values(m, constraint)
        if values:
            population = round(sum(v for v, _ in values.values()) / len(values))
            code, _, letter = next(iter(values)).partition(".")
            reference = next((c.reference for c in programme.indicator(code).components if c.letter == letter), "") or ""
    expected = programme.size_class_of(applicant.name, population)  # None: the facts imply no class
    if expected is None or expected == applicant.city_size:
        return
    rule = catalogue()["applicant.city_size_mismatch"]
    source = m.field_sources.get("city_size")
    confidences = [c for c in (source.confidence if source else None,
                               (m.field_sources.get("name").confidence if m.field_sources.get("name") else None))
                   if c is not None]
    extra = {"confidence": min(confidences)} if confidences else {}
    yield finding(rule.id, name=applicant.name, claimed=programme.size_class_ko(applicant.city_size),
                  expected=programme.size_class_ko(expected), population=population or 0,
                  reference=reference or rule.word("reference_unknown"), threshold=programme.city_size.city_large_population,
                  source=source, **extra)
