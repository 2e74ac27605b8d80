"""How much the leak guard's shape detector (`review_platform.pii.shapes`) catches, and how often it holds back a
row that holds nothing personal, on real reviews it was not written against.

    .venv/bin/python scripts/evaluate_guard.py --real-data ../shared/data/reviews [--split dev|test] [--no-spacy]

The texts are those of `scripts/evaluate_pii.py --real-data` (`review_platform.pii.inserted_set`: real reviews
with values of 11 locales inserted; its test split was sealed before any tuning). Three figures:

1. the redactor removed: the share of rows holding an inserted value that the guard flags with a span over one
   of them (the issue's bar: >= 0.95), and per type the share of values under a flagged span;
2. the default redactor (`spacy_names` on, as the pipeline runs): of the rows where it left an inserted value
   verbatim, the share the guard flags over one of them;
3. false alarms: the same reviews without inserted values, after the default redactor, that the guard would hold
   back, per kind (real reviews name authors, characters and places: the NAME line's price).

Exit status 1 when figure 1 is below 0.95.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from review_platform.nlp.training.data import load_real_reviews
from review_platform.pii.entities import Entity
from review_platform.pii.inserted_set import load_inserted_set
from review_platform.pii.redact import RedactionConfig, redact_text
from review_platform.pii.shapes import shape_detect

ROW_TARGET = 0.95


def _over(spans: list[Entity], start: int, end: int) -> bool:
    return any(span.start < end and start < span.end for span in spans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-data", type=Path, required=True, help="shared/data/reviews")
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--no-spacy", action="store_true", help="the default redactor without spaCy's names")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    samples = [sample for sample in load_inserted_set(args.real_data) if sample.split == args.split]
    redactor = RedactionConfig.from_options(spacy_names=not args.no_spacy)
    texts = {(row["source"], row["id"]): row["text"] for row in load_real_reviews(args.real_data).iter_rows(named=True)}
    print(f"Real reviews with inserted values, split {args.split}: {len(samples)} texts")

    rows = caught_rows = 0
    values, caught = Counter(), Counter()
    for sample in samples:
        if not sample.entities:
            continue
        spans = shape_detect(sample.text)
        hits = [_over(spans, entity["start"], entity["end"]) for entity in sample.entities]
        rows += 1
        caught_rows += any(hits)
        for entity, hit in zip(sample.entities, hits, strict=True):
            values[entity["type"]] += 1
            caught[entity["type"]] += hit
    row_share = caught_rows / rows
    print(f"\n1. redactor removed: rows flagged {caught_rows}/{rows} = {row_share:.3f} (target {ROW_TARGET})")
    for pii_type in sorted(values):
        share = caught[pii_type] / values[pii_type]
        print(f"   {pii_type:<8} values under a flagged span {share:.3f} ({values[pii_type]})")

    left_rows = left_caught = 0
    left, left_hit = Counter(), Counter()
    for sample in samples:
        redacted = redact_text(sample.text, redactor)[0] or ""
        leaked = [sample.text[e["start"] : e["end"]] for e in sample.entities]
        leaked = [(entity, value) for entity, value in zip(sample.entities, leaked, strict=True) if value in redacted]
        if not leaked:
            continue
        spans = shape_detect(redacted)
        hits = []
        for entity, value in leaked:
            at = redacted.find(value)
            hits.append(_over(spans, at, at + len(value)))
            left[entity["type"]] += 1
            left_hit[entity["type"]] += hits[-1]
        left_rows += 1
        left_caught += any(hits)
    share = left_caught / left_rows if left_rows else 1.0
    detail = ", ".join(f"{t} {left_hit[t]}/{left[t]}" for t in sorted(left))
    print(f"\n2. default redactor: rows it left a value in {left_rows}, flagged {left_caught} = {share:.3f} ({detail})")

    originals = [texts[(sample.source, sample.review_id)] for sample in samples]
    kinds: Counter[str] = Counter()
    flagged = 0
    for text in originals:
        spans = shape_detect(redact_text(text, redactor)[0] or "")
        flagged += bool(spans)
        kinds.update({span.type.value for span in spans})
    print(
        f"\n3. false alarms: {flagged}/{len(originals)} = {flagged / len(originals):.3f} of the reviews without "
        f"inserted values, after the default redactor ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
    )
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0 if row_share >= ROW_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
