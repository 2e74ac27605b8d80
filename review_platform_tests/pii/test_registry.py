"""A PII type is registered once, in `contract.PiiType`: its tie-break rank follows, and a type nothing detects
stops the platform from starting instead of failing at run time."""

from review_platform.contract import PiiType
from review_platform.pii.entities import TYPE_PRIORITY, Entity, merge_entities
from review_platform.pii.redact import DEFAULT_DETECTORS, undetected_types


def test_every_registered_type_has_a_detector_and_a_rank():
    assert undetected_types(DEFAULT_DETECTORS) == set()
    assert set(TYPE_PRIORITY) == set(PiiType)


def test_a_type_without_a_detector_is_named():
    without_phones = [detector for detector in DEFAULT_DETECTORS if PiiType.PHONE not in detector.types]
    assert undetected_types(without_phones) == {PiiType.PHONE}


def test_the_earlier_declared_type_wins_a_tie():
    ranked = sorted(PiiType, key=TYPE_PRIORITY.__getitem__, reverse=True)
    assert ranked == list(PiiType)
    assert ranked[0] is PiiType.EMAIL and ranked[-1] is PiiType.PERSON
    tie = [Entity(PiiType.PHONE, 0, 10, 1.0), Entity(PiiType.CARD, 2, 12, 0.5)]
    assert merge_entities(tie) == [Entity(PiiType.CARD, 0, 12, 0.5)]
