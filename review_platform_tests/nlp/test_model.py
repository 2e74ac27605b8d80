"""Embedding model: batching never changes the result, batches respect the token budget, versions are stable."""

import numpy as np
import pytest

from review_platform.memory import heap_in_use_bytes
from review_platform.nlp.benchmark import benchmark_embedding, choose_path
from review_platform.nlp.model import (
    MINILM,
    _weights_fingerprint,
    cpu_supports_bf16,
    load_embedding_model,
    minilm_model_path,
    token_budget_batches,
)

TEXTS = [
    "short",
    "a somewhat longer review about a late parcel " * 5,
    "",
    "moyen",
    "Le colis est arrivé",
    "Great kettle, boils fast. " * 30,
    "ok",
]


def test_embeddings_do_not_depend_on_batching_or_order(model):
    reference = model.with_precision("fp32").embed(TEXTS, token_budget=1)  # one row per batch
    assert reference.shape == (len(TEXTS), model.dimension)
    np.testing.assert_allclose(np.linalg.norm(reference, axis=1), 1.0, atol=1e-4)
    for budget, rows in [(100_000, 1024), (64, 2), (512, 3)]:
        batched = model.with_precision("fp32").embed(TEXTS, token_budget=budget, max_rows=rows)
        assert (batched * reference).sum(axis=1).min() > 0.9999
    shuffled = [TEXTS[i] for i in (6, 5, 4, 3, 2, 1, 0)]
    again = model.with_precision("fp32").embed(shuffled)[::-1]
    assert (again * reference).sum(axis=1).min() > 0.9999
    assert model.embed([]).shape == (0, model.dimension)


@pytest.mark.skipif(not cpu_supports_bf16() or heap_in_use_bytes() is None, reason="bf16 CPUs with glibc >= 2.33")
def test_new_batch_shapes_do_not_grow_the_heap(model):
    # Every batch shape makes ideep build and cache bf16 matmuls: with its default cache (1,024 shapes) each round
    # of ~100 new shapes below kept ~70 MiB more, as every partition's new shapes did before the cap.
    network = model.with_precision("bf16")

    def round_of_new_shapes(rows: int) -> None:
        texts = [" ".join(["good"] * words) for words in range(1, 100) for _ in range(rows)]
        network.embed(texts, token_budget=1_000_000, max_rows=rows)  # batches of `rows` texts of one width

    round_of_new_shapes(rows=1)
    warm = heap_in_use_bytes()
    round_of_new_shapes(rows=2)
    round_of_new_shapes(rows=3)
    assert heap_in_use_bytes() - warm < 32 * 1024 * 1024


def test_token_budget_batches_cover_every_row_once_within_budget():
    lengths = np.sort(np.random.default_rng(3).integers(3, 300, size=1_000))
    batches = token_budget_batches(lengths, budget=2_048, max_rows=64)
    covered = np.concatenate([np.arange(len(lengths))[b] for b in batches])
    assert covered.tolist() == list(range(len(lengths)))
    for batch in batches:
        rows = batch.stop - batch.start
        assert rows <= 64
        assert rows == 1 or rows * lengths[batch.stop - 1] <= 2_048
    # A row longer than the budget still gets a batch of its own.
    assert token_budget_batches(np.array([5, 9_000]), budget=100) == [slice(0, 1), slice(1, 2)]


def test_model_loads_once_per_process_and_is_identified_by_name_and_weights_version(model):
    assert model.name == "sentence-transformers/all-MiniLM-L6-v2" and model.text_prefix == ""
    assert len(model.version) == 12 and model.version == _weights_fingerprint(minilm_model_path())
    assert load_embedding_model(MINILM, "auto", None) is model and load_embedding_model(MINILM, threads=0) is model
    with pytest.raises(ValueError, match="precision"):
        load_embedding_model(precision="int8")


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="REVIEW_PLATFORM_NLP_MODEL"):
        load_embedding_model(str(tmp_path / "nope"))


def test_benchmark_compares_paths_against_the_naive_reference(model):
    texts = [f"Review number {i}: the parcel came late but the blender works. " * (1 + i % 4) for i in range(24)]
    figures = benchmark_embedding(model, texts)
    assert figures[0].path.startswith("naive") and figures[0].speedup == 1.0
    assert {f.path for f in figures[1:]} >= {"sorted token-budget batches fp32"}
    fp32 = next(f for f in figures if f.path.endswith("fp32") and f.path.startswith("sorted"))
    assert fp32.min_cosine > 0.9999
    chosen = choose_path(figures, min_cosine=0.999)
    assert chosen.min_cosine >= 0.999 and chosen in figures[1:]
