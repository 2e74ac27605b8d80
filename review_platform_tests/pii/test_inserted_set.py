"""The PII evaluation set of real reviews with inserted values: rebuilt identically, spans exact, split sealed by
the review alone. Its figures belong to `scripts/evaluate_pii.py --real-data`, not here."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest

from review_platform.contract import PiiType
from review_platform.pii.detectors import iban_valid, luhn_valid
from review_platform.pii.inserted_set import LOCALES, load_inserted_set, sample_split

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "reviews"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="needs shared/data/reviews (developer machines, CI)")


@pytest.fixture(scope="module")
def samples():
    return load_inserted_set(DATA, per_source=150)


def test_the_set_is_rebuilt_identically_and_each_span_holds_a_valid_value(samples):
    again = load_inserted_set(DATA, per_source=150)
    assert [(s.text, s.entities) for s in samples] == [(s.text, s.entities) for s in again]
    for sample in samples:
        spans = sorted((e["start"], e["end"]) for e in sample.entities)
        assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))
        for entity in sample.entities:
            value = sample.text[entity["start"] : entity["end"]]
            assert value and value == value.strip(), (entity, sample.text)
            if entity["type"] == PiiType.CARD.value:
                assert luhn_valid("".join(c for c in value if c.isdigit()))
            elif entity["type"] == PiiType.IBAN.value:
                assert iban_valid(value.replace(" ", ""))
            elif entity["type"] == PiiType.PHONE.value and value.startswith("+"):
                assert phonenumbers.is_valid_number(phonenumbers.parse(value.replace("(", "").replace(")", "")))


def test_values_come_from_many_locales_and_the_split_depends_on_the_review_only(samples):
    locales = Counter(sample.locale for sample in samples if sample.locale)
    assert len(locales) == len(LOCALES) >= 8
    assert {entity["type"] for sample in samples for entity in sample.entities} >= {
        t.value for t in (PiiType.PERSON, PiiType.ADDRESS, PiiType.PHONE, PiiType.EMAIL, PiiType.CARD, PiiType.IBAN)
    }
    assert any(not sample.entities for sample in samples), "look-alike-only texts"
    for sample in samples:
        assert sample.split == sample_split(sample.source, sample.review_id)
    test_share = sum(sample.split == "test" for sample in samples) / len(samples)
    assert 0.12 < test_share < 0.28
