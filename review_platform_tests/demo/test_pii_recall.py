"""The detectors find the PII the demo generator plants, with its type, and detect little else in the demo texts."""

from review_platform.demo.pii_recall import evaluate_demo


def test_demo_planted_pii_is_recalled():
    demo = evaluate_demo()
    assert set(demo.per_type) == {"PERSON", "EMAIL", "PHONE", "ADDRESS", "CARD"}
    for pii_type, (planted, typed, redacted) in demo.per_type.items():
        assert planted > 20
        assert redacted / planted >= 0.98, pii_type
        assert typed / planted >= 0.95, pii_type
    assert len(demo.unplanted) <= 0.02 * demo.detections, demo.unplanted[:5]
    assert "all" in demo.format()
