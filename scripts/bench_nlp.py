"""Reviews per second, naive per-review fp32 against the optimised embedding path, on the same model and texts.

    .venv/bin/python scripts/bench_nlp.py --reviews 2000 [--threads 2] [--model PATH] [--json]

Texts are demo reviews at their real lengths (title and text, as the categoriser joins them; rows the validation
would reject are left out). Prints reviews/s per path, the speed-up over the naive path, and the mean and minimum
cosine between each path's embeddings and the naive ones; the chosen path is the fastest that keeps every
embedding within `--min-cosine` of the reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import polars as pl

from review_platform.contract import MAX_TEXT_CHARS
from review_platform.demo.generator import generate_demo_data
from review_platform.nlp.benchmark import benchmark_embedding, choose_path, figures_as_dicts
from review_platform.nlp.cleaning import model_text
from review_platform.nlp.model import MAX_TOKENS, load_embedding_model


def demo_texts(reviews: int, seed: int, per_day: int = 2_000) -> list[str]:
    """`reviews` demo texts as the categoriser reads them (title. text), from enough generated days."""
    wanted = reviews + reviews // 8 + 20  # about 5% of generated rows are bad and left out
    days = -(-wanted // per_day)
    review = generate_demo_data(dt.date(2026, 1, 5), days, min(wanted, per_day), seed).review
    return (
        review.filter(
            pl.col("rating").is_between(1, 5)
            & pl.col("r_desc").str.contains(r"[\p{L}\p{N}]")
            & (pl.col("r_desc").str.len_chars() <= MAX_TEXT_CHARS)
        )
        .select(model_text(pl.col("title"), pl.col("r_desc")))
        .to_series()
        .head(reviews)
        .to_list()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: every usable core)")
    parser.add_argument("--model", default=None, help="local model folder (default: packaged all-MiniLM-L6-v2)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=2, help="rounds; each path keeps its best time")
    parser.add_argument("--min-cosine", type=float, default=0.999)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    model = load_embedding_model(args.model, "auto", args.threads)
    texts = demo_texts(args.reviews, args.seed)
    figures = benchmark_embedding(model, texts, repeats=args.repeats)
    chosen = choose_path(figures, args.min_cosine)
    if args.json:
        print(json.dumps({"reviews": len(texts), "chosen": chosen.path, "paths": figures_as_dicts(figures)}))
        return 0
    import torch

    lengths = model.tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    tokens = sorted(len(ids) for ids in lengths)
    print(
        f"model {model.name}@{model.version}, {len(texts)} demo reviews, tokens median {tokens[len(tokens) // 2]} "
        f"max {tokens[-1]}, torch threads {torch.get_num_threads()}, native bf16: {model.use_bf16}"
    )
    print(f"{'path':<38} {'seconds':>8} {'reviews/s':>10} {'speed-up':>9} {'mean cos':>9} {'min cos':>9}")
    for f in figures:
        print(
            f"{f.path:<38} {f.seconds:>8.2f} {f.reviews_per_s:>10.1f} {f.speedup:>8.2f}x "
            f"{f.mean_cosine:>9.5f} {f.min_cosine:>9.5f}"
        )
    print(f"chosen (fastest with min cosine >= {args.min_cosine}): {chosen.path}, {chosen.speedup:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
