"""Recall of the PII detectors on the values the demo generator plants (`DemoDataset.planted_pii`).

Here rather than in `review_platform.pii`, which must not depend on demo data: this scores the detectors on it,
with the evaluation's own rule for what counts as found (`pii.evaluation.span_covered`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from review_platform.contract import PiiType
from review_platform.demo.generator import generate_demo_data
from review_platform.pii.evaluation import span_covered
from review_platform.pii.redact import detect


@dataclass
class DemoRecall:
    """Planted values of the demo generator found by the detectors: with the right type, and redacted at all."""

    per_type: dict[str, tuple[int, int, int]]  # type -> (planted, typed recall hits, fully redacted)
    misses: list[tuple[str, str, str]]
    detections: int = 0  # everything detected in the demo's titles and texts
    unplanted: list[tuple[str, str, str]] = field(default_factory=list)  # detections touching no planted value

    def format(self) -> str:
        rows = [f"{'type':<9} {'planted':>7} {'recall':>7} {'redacted':>9}"]
        for t, (planted, typed, redacted) in sorted(self.per_type.items()):
            rows.append(f"{t:<9} {planted:>7} {typed / planted:>7.3f} {redacted / planted:>9.3f}")
        total = [sum(v[i] for v in self.per_type.values()) for i in range(3)]
        rows.append(f"{'all':<9} {total[0]:>7} {total[1] / total[0]:>7.3f} {total[2] / total[0]:>9.3f}")
        correct = self.detections - len(self.unplanted)
        rows.append(
            f"detections in the demo texts: {self.detections}, of which {len(self.unplanted)} touch no planted value "
            f"(precision {correct / self.detections if self.detections else 1.0:.3f})"
        )
        return "\n".join(rows)


def evaluate_demo(
    start: dt.date = dt.date(2026, 11, 1), days: int = 3, reviews_per_day: int = 400, seed: int = 42
) -> DemoRecall:
    """Recall on `generate_demo_data(start, days, reviews_per_day, seed).planted_pii`, every occurrence of each
    planted value in its field counted once per planted row."""
    dataset = generate_demo_data(start, days, reviews_per_day, seed)
    texts = {
        (row["review_id"], field): row[field] or ""
        for row in dataset.review.select("review_id", "title", "r_desc").iter_rows(named=True)
        for field in ("title", "r_desc")
    }
    entities_of = {key: detect(text) for key, text in texts.items()}
    planted_spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    per_type: dict[str, list[int]] = {}
    misses = []
    for row in dataset.planted_pii.unique(maintain_order=True).iter_rows(named=True):
        key = (row["review_id"], row["field"])
        text, value, pii_type = texts[key], row["value"], PiiType(row["pii_type"])
        entities = entities_of[key]
        planted_spans.setdefault(key, []).extend((s, s + len(value)) for s in _find_all(text, value))
        counts = per_type.setdefault(pii_type.value, [0, 0, 0])
        counts[0] += 1
        starts = [i for i in _find_all(text, value)] or [-1]
        typed = all(
            s >= 0 and span_covered(s, s + len(value), ((e.start, e.end) for e in entities if e.type is pii_type))
            for s in starts
        )
        redacted = all(s >= 0 and span_covered(s, s + len(value), ((e.start, e.end) for e in entities)) for s in starts)
        counts[1] += typed
        counts[2] += redacted
        if not typed:
            misses.append((pii_type.value, value, text))
    unplanted = [
        (e.type.value, texts[key][e.start : e.end], texts[key])
        for key, entities in entities_of.items()
        for e in entities
        if not any(s < e.end and e.start < end for s, end in planted_spans.get(key, []))
    ]
    detections = sum(len(entities) for entities in entities_of.values())
    return DemoRecall({t: (c[0], c[1], c[2]) for t, c in per_type.items()}, misses, detections, unplanted)


def _find_all(text: str, value: str) -> Iterator[int]:
    position = text.find(value)
    while position >= 0:
        yield position
        position = text.find(value, position + 1)
