"""Measure the detectors: per-type recall and precision on the labelled set. (Recall on the PII the demo generator
plants is `review_platform.demo.pii_recall`: demo data builds on this module, never the reverse.)

Scoring rules (strict where privacy is at stake, lenient on boundaries where it is not):

- a labelled entity is *recalled* when every one of its characters lies inside predicted spans of its type (a
  name found as "Marie" out of "Marie Dupont" is a miss: "Dupont" would leak);
- a prediction is *correct* (precision) when it overlaps a labelled entity of its type;
- *precision of redacted characters*: of all characters the detectors redact, the share labelled as PII (any
  type); *recall of characters* the converse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from review_platform.contract import PiiType
from review_platform.pii.entities import Entity
from review_platform.pii.redact import detect

EVAL_SET = Path(__file__).resolve().parents[2] / "review_platform_tests" / "pii" / "eval_set.jsonl"

# Issue #15's bars: what the script prints beside each figure.
RECALL_TARGETS: dict[PiiType, float] = {
    PiiType.EMAIL: 0.99,
    PiiType.PHONE: 0.99,
    PiiType.CARD: 0.99,
    PiiType.IBAN: 0.99,
    PiiType.PERSON: 0.92,
    PiiType.ADDRESS: 0.85,
}
CHAR_PRECISION_TARGET = 0.90

Detect = Callable[[str], Sequence[Entity]]


@dataclass
class TypeScore:
    gold: int = 0
    recalled: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


@dataclass
class EvaluationReport:
    lines: int
    per_type: dict[PiiType, TypeScore]
    redacted_chars: int
    redacted_pii_chars: int
    pii_chars: int
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (type, value, text)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def char_precision(self) -> float:
        return self.redacted_pii_chars / self.redacted_chars if self.redacted_chars else 1.0

    @property
    def char_recall(self) -> float:
        return self.redacted_pii_chars / self.pii_chars if self.pii_chars else 1.0

    def failures(self) -> list[str]:
        """The targets not met, in words (empty when all are)."""
        failed = [
            f"{t.value} recall {self.per_type[t].recall:.3f} < {target}"
            for t, target in RECALL_TARGETS.items()
            if self.per_type[t].recall < target
        ]
        if self.char_precision < CHAR_PRECISION_TARGET:
            failed.append(f"precision of redacted characters {self.char_precision:.3f} < {CHAR_PRECISION_TARGET}")
        return failed

    def format(self) -> str:
        rows = [f"{'type':<13} {'gold':>5} {'recall':>7} {'target':>7} {'pred':>5} {'precision':>9}"]
        for t, score in self.per_type.items():
            target = RECALL_TARGETS.get(t)
            rows.append(
                f"{t.value:<13} {score.gold:>5} {score.recall:>7.3f} {target if target else '-':>7} "
                f"{score.predicted:>5} {score.precision:>9.3f}"
            )
        rows.append(
            f"characters: precision of redacted characters {self.char_precision:.3f} "
            f"(target {CHAR_PRECISION_TARGET}), recall {self.char_recall:.3f} over {self.lines} lines"
        )
        return "\n".join(rows)


def load_eval_set(path: Path = EVAL_SET) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def span_covered(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether `spans` together cover every character of [start, end)."""
    position = start
    for s, e in sorted(spans):
        if s <= position < e:
            position = e
        if position >= end:
            return True
    return position >= end


def evaluate(examples: Iterable[dict] | None = None, detector: Detect = detect) -> EvaluationReport:
    """Score `detector` (default: the platform's `detect`) on labelled examples (default: the committed set)."""
    examples = load_eval_set() if examples is None else list(examples)
    per_type = {t: TypeScore() for t in PiiType}
    report = EvaluationReport(len(examples), per_type, 0, 0, 0)
    for example in examples:
        text = example["text"]
        gold = [(PiiType(e["type"]), e["start"], e["end"]) for e in example["entities"]]
        predicted = list(detector(text))
        gold_chars = {i for _, s, e in gold for i in range(s, e)}
        predicted_chars = {i for p in predicted for i in range(p.start, p.end)}
        report.pii_chars += len(gold_chars)
        report.redacted_chars += len(predicted_chars)
        report.redacted_pii_chars += len(gold_chars & predicted_chars)
        for pii_type, start, end in gold:
            score = per_type[pii_type]
            score.gold += 1
            if span_covered(start, end, ((p.start, p.end) for p in predicted if p.type is pii_type)):
                score.recalled += 1
            else:
                report.misses.append((pii_type.value, text[start:end], text))
        for p in predicted:
            score = per_type[p.type]
            score.predicted += 1
            if any(t is p.type and s < p.end and p.start < e for t, s, e in gold):
                score.correct += 1
            else:
                report.false_positives.append((p.type.value, text[p.start : p.end], text))
    return report


def recall_table(groups: dict[str, list[dict]], detector: Detect = detect, types: Sequence[PiiType] = ()) -> str:
    """Recall per type (columns) for each group of examples (rows, e.g. the values' locale), with the group's
    precision of redacted characters: where the detectors hold and where they do not."""
    types = list(types) or [t for t in RECALL_TARGETS]
    rows = [f"{'group':<10}" + "".join(f"{t.value:>9}" for t in types) + f"{'chars P':>9}{'lines':>7}"]
    for name, examples in groups.items():
        report = evaluate(examples, detector)
        cells = "".join(f"{report.per_type[t].recall:>9.3f}" if report.per_type[t].gold else f"{'-':>9}" for t in types)
        rows.append(f"{name:<10}{cells}{report.char_precision:>9.3f}{report.lines:>7}")
    return "\n".join(rows)
