"""Recall and precision of the PII detectors, per entity type, on the labelled evaluation set, and recall on the
PII the demo generator plants.

    .venv/bin/python scripts/evaluate_pii.py [--eval-set PATH] [--show-errors] [--model PATH]
    .venv/bin/python scripts/evaluate_pii.py --real-data ../shared/data/reviews [--split dev|test]

`--real-data` scores the set of real reviews with inserted values (`review_platform.pii.inserted_set`) instead:
per type, per locale of the values and per language of the texts, on one split (tune on dev; test is sealed).

Exit status 1 when a target is missed (recall >= 0.99 for EMAIL, PHONE, CARD, IBAN; >= 0.90 PERSON; >= 0.85
ADDRESS; precision of redacted characters >= 0.85). `--model` adds a local token-classification model for names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from review_platform.demo.pii_recall import evaluate_demo
from review_platform.pii.evaluation import EVAL_SET, evaluate, load_eval_set, recall_table
from review_platform.pii.inserted_set import load_inserted_set
from review_platform.pii.redact import DEFAULT_DETECTORS, detect

DEMO = (dt.date(2026, 11, 1), 3, 400, 42)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    parser.add_argument("--show-errors", action="store_true", help="print every miss and false positive")
    parser.add_argument("--model", type=Path, help="local token-classification model folder for names")
    parser.add_argument("--spacy", action="store_true", help="add spaCy's English and French name pipelines")
    parser.add_argument("--real-data", type=Path, help="shared/data/reviews: score the inserted-value set instead")
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    args = parser.parse_args(argv)

    detectors = DEFAULT_DETECTORS
    if args.model:
        from review_platform.pii.model import TransformersNameDetector

        detectors = (*detectors, TransformersNameDetector(args.model))
    if args.spacy:
        from review_platform.pii.ner import SpacyNameDetector

        detectors = (*detectors, SpacyNameDetector())

    if args.real_data:
        return evaluate_real(args.real_data, args.split, detectors, args.show_errors)

    examples = load_eval_set(args.eval_set)
    started = time.perf_counter()
    report = evaluate(examples, lambda text: detect(text, detectors))
    elapsed = time.perf_counter() - started
    print(f"Evaluation set {args.eval_set} ({len(examples)} lines, {elapsed:.2f} s)")
    print(report.format())
    if args.show_errors:
        for kind, errors in (("missed", report.misses), ("false positive", report.false_positives)):
            for pii_type, value, text in errors:
                print(f"  {kind}: {pii_type} {value!r} in {text!r}")

    start, days, per_day, seed = DEMO
    demo = evaluate_demo(start, days, per_day, seed)
    print(f"\nDemo planted PII, generate_demo_data({start}, {days}, {per_day}, {seed}) (recall: found with its type)")
    print(demo.format())
    if args.show_errors:
        for pii_type, value, text in demo.misses:
            print(f"  missed: {pii_type} {value!r} in {text!r}")
        for pii_type, value, text in demo.unplanted:
            print(f"  not planted: {pii_type} {value!r} in {text!r}")

    failures = report.failures()
    print("\ntargets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


def evaluate_real(data_dir: Path, split: str, detectors, show_errors: bool) -> int:
    samples = [sample for sample in load_inserted_set(data_dir) if sample.split == split]
    examples = [sample.as_example() for sample in samples]
    started = time.perf_counter()
    report = evaluate(examples, lambda text: detect(text, detectors))
    elapsed = time.perf_counter() - started
    print(f"Real reviews with inserted values, split {split} ({len(samples)} texts, {elapsed:.2f} s)")
    print(report.format())
    by_locale: dict[str, list[dict]] = {}
    by_language: dict[str, list[dict]] = {}
    by_format: dict[str, list[dict]] = {}
    for sample, example in zip(samples, examples, strict=True):
        by_locale.setdefault(sample.locale or "(none)", []).append(example)
        by_language.setdefault(f"text:{sample.language}", []).append(example)
        for entity in sample.entities:
            key = f"{entity['type'][:5]}:{entity['format']}"
            by_format.setdefault(key, []).append({"text": sample.text, "entities": [entity]})
    print("\nrecall by locale of the values (en_US and fr_FR names are in the name lexicon)")
    print(recall_table(dict(sorted(by_locale.items())), lambda text: detect(text, detectors)))
    print("\nby language of the review text")
    print(recall_table(by_language, lambda text: detect(text, detectors)))
    print("\nrecall by format (each value alone)")
    for key, group in sorted(by_format.items()):
        fmt_report = evaluate(group, lambda text: detect(text, detectors))
        [score] = [s for s in fmt_report.per_type.values() if s.gold]
        print(f"  {key:<28} {score.recall:.3f}  ({score.gold})")
    if show_errors:
        for kind, errors in (("missed", report.misses), ("false positive", report.false_positives)):
            for pii_type, value, text in errors:
                at = text.find(value)
                print(f"  {kind}: {pii_type} {value!r} in ...{text[max(at - 30, 0) : at + len(value) + 30]!r}...")
    failures = report.failures()
    print("\ntargets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
