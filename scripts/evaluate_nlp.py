"""Accuracy of the review categoriser on a labelled set (default: the repository's held-out evaluation set).

    .venv/bin/python scripts/evaluate_nlp.py [--set review_platform_tests/nlp/eval_reviews.jsonl] [--model PATH]
        [--taxonomy PATH] [--ablation] [--json]

Prints sentiment accuracy, topic macro-F1, per-topic precision and recall, delivery recall, language accuracy and
the targets (sentiment >= 0.85, topic macro-F1 >= 0.70, delivery recall >= 0.85). `--ablation` also scores the
embedding prototypes alone (no keywords, no lexicon) and the keywords/lexicon alone, to show what each part adds.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from review_platform.nlp.categorise import ReviewCategoriser
from review_platform.nlp.evaluation import TARGETS, EvaluationReport, evaluate_categoriser, load_labelled_reviews
from review_platform.nlp.model import load_embedding_model
from review_platform.nlp.taxonomy import Taxonomy

DEFAULT_SET = Path(__file__).resolve().parent.parent / "review_platform_tests" / "nlp" / "eval_reviews.jsonl"


def print_report(report: EvaluationReport) -> None:
    met = report.targets_met()
    print(f"reviews: {report.reviews}")
    for name, target in TARGETS.items():
        print(f"{name:<22} {getattr(report, name):.4f}   target >= {target:.2f}   {'met' if met[name] else 'MISSED'}")
    print(f"{'topic_accuracy':<22} {report.topic_accuracy:.4f}")
    print(f"{'delivery_precision':<22} {report.delivery_precision:.4f}")
    print(f"{'topic in primary|second':<22} {report.topic_in_primary_or_secondary:.4f}")
    print(f"{'language_accuracy':<22} {report.language_accuracy:.4f}")
    print(f"{'rating mismatch P / R':<22} {report.mismatch_precision:.4f} / {report.mismatch_recall:.4f}")
    print()
    print(f"{'topic':<18} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for topic, figures in report.per_topic.items():
        print(f"{topic:<18} {figures.precision:>9.3f} {figures.recall:>7.3f} {figures.f1:>7.3f} {figures.support:>8}")
    print()
    print(f"{'sentiment':<18} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for sentiment, figures in report.per_sentiment.items():
        print(
            f"{sentiment:<18} {figures.precision:>9.3f} {figures.recall:>7.3f} {figures.f1:>7.3f} {figures.support:>8}"
        )
    print("sentiment confusion (labelled -> predicted):", json.dumps(report.sentiment_confusion))
    print("by language:", json.dumps(report.by_language))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="labelled JSON lines")
    parser.add_argument("--model", default=None, help="local model folder (default: packaged all-MiniLM-L6-v2)")
    parser.add_argument("--taxonomy", default=None, help="taxonomy YAML (default: the packaged one)")
    parser.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"])
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    labelled = load_labelled_reviews(args.set)
    model = load_embedding_model(args.model, args.precision)
    taxonomy = Taxonomy.load(args.taxonomy)
    started = time.perf_counter()
    report = evaluate_categoriser(ReviewCategoriser(model, taxonomy), labelled)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(
            f"set {args.set}, model {model.name}@{model.version} ({model.precision}), taxonomy {taxonomy.fingerprint}"
        )
        print_report(report)
        print(f"categorised {report.reviews} reviews in {seconds:.2f} s (taxonomy embedding included)")
    if args.ablation:
        variants = {
            "embeddings only (no keywords, no lexicon)": taxonomy.with_scoring(keyword_weight=0.0, lexicon_weight=0.0),
            "keywords and lexicon first (similarity breaks ties)": taxonomy.with_scoring(
                top_k=1, keyword_weight=10.0, lexicon_weight=10.0
            ),
        }
        print()
        for name, variant in variants.items():
            partial = evaluate_categoriser(ReviewCategoriser(model, variant), labelled)
            print(
                f"{name:<44} sentiment {partial.sentiment_accuracy:.4f}  topic macro-F1 {partial.topic_macro_f1:.4f}"
                f"  delivery recall {partial.delivery_recall:.4f}"
            )
    return 0 if all(report.targets_met().values()) else 1


if __name__ == "__main__":
    sys.exit(main())
