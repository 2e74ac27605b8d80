"""Naive per-review fp32 inference against the optimised path, on the same loaded model and the same texts.

The naive path is what a first implementation does: one tokeniser call and one forward pass per review, fp32.
It still runs under `inference_mode` so that the comparison measures batching and precision, not autograd.
"""

from __future__ import annotations

import copy
import time
import weakref
from dataclasses import asdict, dataclass

import numpy as np
import torch

from review_platform.nlp.model import MAX_TOKENS, EmbeddingModel

# fp32 copies of networks loaded in another precision, made once per network and kept while it lives.
_FP32_COPIES: weakref.WeakKeyDictionary[torch.nn.Module, torch.nn.Module] = weakref.WeakKeyDictionary()


def _fp32_network(model: EmbeddingModel) -> torch.nn.Module:
    """The model's network in fp32 whatever precision it was loaded in.

    `model.model` is the network as loaded, and transformers loads a checkpoint in the precision it was saved in:
    a bf16 or fp16 checkpoint would make a half-precision "reference" (and bf16 tensors have no `.numpy()`).
    The packaged all-MiniLM-L6-v2 is fp32, so for it this is `model.model` itself.
    """
    network = model.model
    if all(parameter.dtype == torch.float32 for parameter in network.parameters()):
        return network
    if network not in _FP32_COPIES:
        _FP32_COPIES[network] = copy.deepcopy(network).to(torch.float32)
    return _FP32_COPIES[network]


def naive_embed(model: EmbeddingModel, texts: list[str]) -> np.ndarray:
    """One review per forward pass, fp32, no autocast, no padding: the reference the optimised path must agree with.

    Each text gets the model's prefix and is truncated at `MAX_TOKENS` as the optimised path truncates it; its
    token states are mean-pooled (one unpadded text: every token counts) and L2-normalised. Used by
    `benchmark_embedding` and by the `bench` command's NLP baseline.
    """
    network = _fp32_network(model)
    output = np.empty((len(texts), model.dimension), dtype=np.float32)
    with torch.inference_mode():
        for row, text in enumerate(texts):
            encoded = model.tokenizer(
                model.text_prefix + text, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )
            hidden = network(**encoded).last_hidden_state[0]
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
