"""The committed evaluation set is well formed, and the detectors meet their targets on it."""

import pytest

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity
from review_platform.pii.evaluation import RECALL_TARGETS, evaluate, load_eval_set, span_covered


@pytest.fixture(scope="module")
def examples() -> list[dict]:
    return load_eval_set()


def test_eval_set_is_large_bilingual_and_covers_every_type(examples):
    assert len(examples) >= 400
    types = {e["type"] for example in examples for e in example["entities"]}
    assert types == {t.value for t in PiiType}
    french = sum(any(w in ex["text"] for w in (" le ", " la ", " de ", "Merci", " est ")) for ex in examples)
    assert 100 < french < len(examples) - 100
    assert sum(not ex["entities"] for ex in examples) >= 100, "look-alike lines without PII"
    for example in examples:
        assert set(example) == {"text", "entities"}
        for entity in example["entities"]:
            assert set(entity) == {"type", "start", "end"}
            value = example["text"][entity["start"] : entity["end"]]
            assert value and value == value.strip()


def test_targets_are_met_on_the_eval_set(examples):
    report = evaluate(examples)
    assert report.failures() == [], report.format()
    for pii_type in RECALL_TARGETS:
        assert report.per_type[pii_type].gold >= 30


def test_scoring_is_strict_on_partial_names():
    example = {"text": "Thanks, Marie Dupont", "entities": [{"type": "PERSON", "start": 8, "end": 20}]}
    half = evaluate([example], lambda text: [Entity(PiiType.PERSON, 8, 13)])
    assert half.per_type[PiiType.PERSON].recall == 0.0  # "Dupont" would leak
    assert half.per_type[PiiType.PERSON].precision == 1.0
    wrong_type = evaluate([example], lambda text: [Entity(PiiType.ADDRESS, 8, 20)])
    assert wrong_type.per_type[PiiType.PERSON].recall == 0.0 and wrong_type.char_precision == 1.0
    too_wide = evaluate([example], lambda text: [Entity(PiiType.PERSON, 0, 20)])
    assert too_wide.per_type[PiiType.PERSON].recall == 1.0 and too_wide.char_precision == 0.6
    assert "PERSON recall 0.000 < 0.92" in half.failures()


def test_a_span_is_covered_only_without_gaps():
    assert span_covered(8, 20, [(13, 20), (8, 14)])  # overlapping, in any order
    assert span_covered(8, 20, [(8, 13), (13, 20)])  # touching
    assert not span_covered(8, 20, [(8, 13), (14, 20)])  # the space at 13 would leak
    assert not span_covered(8, 20, [])
