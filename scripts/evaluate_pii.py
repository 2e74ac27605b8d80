"""Recall and precision of the PII detectors, per entity type, on the labelled evaluation set, and recall on the
PII the demo generator plants.

    .venv/bin/python scripts/evaluate_pii.py [--eval-set PATH] [--show-errors] [--model PATH]

Exit status 1 when a target is missed (recall >= 0.99 for EMAIL, PHONE, CARD, IBAN; >= 0.90 PERSON; >= 0.85
ADDRESS; precision of redacted characters >= 0.85). `--model` adds a local token-classification model for names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from review_platform.demo.pii_recall import evaluate_demo
from review_platform.pii.evaluation import EVAL_SET, evaluate, load_eval_set
from review_platform.pii.redact import DEFAULT_DETECTORS, detect

DEMO = (dt.date(2026, 11, 1), 3, 400, 42)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    parser.add_argument("--show-errors", action="store_true", help="print every miss and false positive")
    parser.add_argument("--model", type=Path, help="local token-classification model folder for names")
    args = parser.parse_args(argv)

    detectors = DEFAULT_DETECTORS
    if args.model:
        from review_platform.pii.model import TransformersNameDetector

        detectors = (*DEFAULT_DETECTORS, TransformersNameDetector(args.model))

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


if __name__ == "__main__":
    raise SystemExit(main())
