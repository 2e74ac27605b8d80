"""Naive per-review fp32 inference against the optimised path, on the same loaded model and the same texts.

The naive path is what a first implementation does: one tokeniser call and one forward pass per review, fp32.
It still runs under `inference_mode` so that the comparison measures batching and precision, not autograd.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from review_platform.nlp.model import MAX_TOKENS, EmbeddingModel


def naive_embed(model: EmbeddingModel, texts: list[str]) -> np.ndarray:
    """One review at a time, fp32, no padding: the reference the optimised path must agree with."""
    output = np.empty((len(texts), model.dimension), dtype=np.float32)
    with torch.inference_mode():
        for row, text in enumerate(texts):
            encoded = model.tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            hidden = model.model(**encoded).last_hidden_state[0]
            output[row] = torch.nn.functional.normalize(hidden.mean(dim=0), dim=0).numpy()
    return output


@dataclass(frozen=True)
class PathFigures:
    path: str
    seconds: float
    reviews_per_s: float
    speedup: float  # against the naive path
    mean_cosine: float  # against the naive path, row by row
    min_cosine: float


def benchmark_embedding(model: EmbeddingModel, texts: list[str], repeats: int = 1) -> list[PathFigures]:
    """Time the naive path, fp32 sorted batches and bf16 sorted batches (when the CPU has native bf16).

    The paths take turns within each of `repeats` rounds and each keeps its best time, so a noisy neighbour on a
    shared machine slows every path alike instead of whichever happened to run at the wrong moment.
    """
    paths = {"naive per-review fp32": None}
    for precision in ["fp32", "bf16"] if model.use_bf16 else ["fp32"]:
        paths[f"sorted token-budget batches {precision}"] = model.with_precision(precision)
    naive_embed(model, texts[:8])  # warm-up: the first calls allocate oneDNN primitives
    for candidate in paths.values():
        if candidate is not None:
            candidate.embed(texts[:256])
    best = dict.fromkeys(paths, float("inf"))
    outputs: dict[str, np.ndarray] = {}
    for _ in range(max(1, repeats)):
        for name, candidate in paths.items():
            started = time.perf_counter()
            outputs[name] = naive_embed(model, texts) if candidate is None else candidate.embed(texts)
            best[name] = min(best[name], time.perf_counter() - started)
    reference, naive_seconds = outputs["naive per-review fp32"], best["naive per-review fp32"]
    figures = []
    for name in paths:
        cosine = (outputs[name] * reference).sum(axis=1)
        figures.append(
            PathFigures(
                name,
                best[name],
                len(texts) / best[name],
                naive_seconds / best[name],
                float(cosine.mean()),
                float(cosine.min()),
            )
        )
    return figures


def choose_path(figures: list[PathFigures], min_cosine: float = 0.999) -> PathFigures:
    """The fastest optimised path whose every embedding stays within `min_cosine` of the naive reference."""
    eligible = [f for f in figures[1:] if f.min_cosine >= min_cosine] or figures[:1]
    return max(eligible, key=lambda f: f.reviews_per_s)


def figures_as_dicts(figures: list[PathFigures]) -> list[dict]:
    return [asdict(f) for f in figures]
